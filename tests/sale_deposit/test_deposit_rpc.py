"""Issue 19, third outside review, over XML-RPC as an outside program would call: a salesperson may not
write the state of a delivery, and the deposit amounts read rounded to the currency."""
import time
import xmlrpc.client

import pytest


def _ref(rpc, xmlid):
    return rpc.call("ir.model.data", "xmlid_to_res_id", xmlid, True)


@pytest.fixture(scope="module")
def deposit_world(admin_rpc):
    stamp = str(int(time.time() * 1000))
    groups = {
        "own": ["base.group_user", "sales_team.group_sale_salesman"],
        "all": ["base.group_user", "sales_team.group_sale_salesman_all_leads"],
    }
    users = {}
    for role, xmlids in groups.items():
        login = "rpc_deposit_%s_%s" % (role, stamp)
        users[role] = (login, admin_rpc.call("res.users", "create", {
            "name": "RPC deposit %s" % role, "login": login, "password": login,
            "groups_id": [(6, 0, [_ref(admin_rpc, xmlid) for xmlid in xmlids])]}, context={"no_reset_password": True}))
    vat = admin_rpc.call("account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 20),
                                                   ("price_include", "=", False)], limit=1)
    partner = admin_rpc.call("res.partner", "create", {"name": "RPC Joinery %s" % stamp, "is_company": True})
    product = admin_rpc.call("product.product", "create", {
        "name": "RPC Oak Chair %s" % stamp, "type": "consu", "list_price": 100.0, "invoice_policy": "delivery",
        "taxes_id": [(6, 0, vat)]})
    return {"users": users, "partner": partner, "product": product, "vat": vat}


def _order(admin_rpc, world, user_id, **terms):
    values = {
        "partner_id": world["partner"], "user_id": user_id,
        "deposit_kind": "acompte", "deposit_method": "fixed", "deposit_value": 19.74,
        "deposit_deliver_unpaid": True,
        "order_line": [(0, 0, {"product_id": world["product"], "product_uom_qty": 10, "price_unit": 100.0,
                               "tax_id": [(6, 0, world["vat"])]})],
    }
    values.update(terms)
    order = admin_rpc.call("sale.order", "create", values)
    admin_rpc.call("sale.order", "action_confirm", [order])
    return order


@pytest.mark.parametrize("role", ["own", "all"])
def test_a_salesperson_cannot_set_the_delivery_of_their_order_done(odoo_server, admin_rpc, deposit_world, role):
    login, user_id = deposit_world["users"][role]
    order = _order(admin_rpc, deposit_world, user_id)
    picking = admin_rpc.call("sale.order", "read", [order], ["picking_ids"])[0]["picking_ids"]
    moves = admin_rpc.call("stock.move", "search", [("picking_id", "in", picking)])
    assert len(picking) == 1 and moves
    salesman = odoo_server.rpc(login, login)
    # the salesperson reads the delivery of their order
    assert salesman.call("stock.picking", "read", picking, ["state"])[0]["state"] != "done"
    # but writing its state, or its moves', is refused with a clear message
    for model, ids in (("stock.picking", picking), ("stock.move", moves)):
        with pytest.raises(xmlrpc.client.Fault) as refused:
            salesman.call(model, "write", ids, {"state": "done"})
        assert "Only inventory users can change the state of a delivery" in refused.value.faultString
    # nothing was delivered, nothing is to invoice
    assert admin_rpc.call("stock.picking", "read", picking, ["state"])[0]["state"] != "done"
    assert {m["state"] for m in admin_rpc.call("stock.move", "read", moves, ["state"])} & {"done", "cancel"} == set()
    line = admin_rpc.call("sale.order.line", "search_read", [("order_id", "=", order)], ["qty_delivered"])
    assert line[0]["qty_delivered"] == 0.0


def test_the_deposit_amounts_read_rounded(admin_rpc, deposit_world):
    # a deposit of 19.74 (Odoo 11 rounds it to 1974 x 0.01 = 19.740000000000002), then one of 100.10
    order = _order(admin_rpc, deposit_world, False)
    first = admin_rpc.call("sale.deposit", "search_read", [("order_id", "=", order)], ["amount_to_deduct"])
    assert [repr(d["amount_to_deduct"]) for d in first] == ["19.74"]
    values = admin_rpc.call("sale.order", "read", [order], ["deposit_remaining", "deposit_to_pay"])[0]
    assert (repr(values["deposit_remaining"]), repr(values["deposit_to_pay"])) == ("19.74", "19.74")
    wizard = admin_rpc.call("sale.deposit.wizard", "create", {
        "order_id": order, "kind": "acompte", "method": "fixed", "value": 100.10}, context={"active_id": order})
    admin_rpc.call("sale.deposit.wizard", "action_create", [wizard])
    values = admin_rpc.call("sale.order", "read", [order],
                            ["deposit_invoiced", "deposit_remaining", "deposit_late_interest"])[0]
    assert repr(values["deposit_invoiced"]) == "119.84"
    assert repr(values["deposit_remaining"]) == "119.84"
    assert values["deposit_late_interest"] == 0.0
