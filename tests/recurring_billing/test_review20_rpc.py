"""What a script over XML-RPC saw in the outside review of issue 20: a recorded change of
billing terms answered with a fault, SaaS metrics with None, a salesperson rewriting an
invoiced line and a sales manager deleting an invoiced period."""
import datetime
import time
import xmlrpc.client

import pytest


def _invoiced_contract(admin_rpc, stamp, user_id=False):
    partner = admin_rpc.call("res.partner", "create", {"name": "Review20 Bakery %s" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Review20 Hosting %s" % stamp,
                                                           "type": "service", "list_price": 30.0})
    start = (datetime.date.today() - datetime.timedelta(days=40)).replace(day=1)
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": str(start), "recurring_interval": 1, "recurring_unit": "month",
        "user_id": user_id,
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1.0, "price_unit": 30.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])
    return contract


def _user(admin_rpc, odoo_server, login, group):
    group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", "base.group_user"),
                 admin_rpc.call("ir.model.data", "xmlid_to_res_id", group)]
    admin_rpc.call("res.users", "create", {"name": login, "login": login, "password": login,
                                           "groups_id": [(6, 0, group_ids)]}, context={"no_reset_password": True})
    client = odoo_server.rpc(login, login)
    return client


def test_a_change_of_terms_over_xmlrpc_answers_its_action_once(admin_rpc):
    contract = _invoiced_contract(admin_rpc, str(time.time()))
    action = admin_rpc.call("recurring.contract", "action_change_terms", [contract], recurring_interval=3)
    assert action["res_model"] == "recurring.contract.amendment"
    changes = admin_rpc.call("recurring.contract.amendment", "search",
                             [("contract_id", "=", contract), ("kind", "=", "terms")])
    assert changes == [action["res_id"]]


def test_saas_metrics_over_xmlrpc_never_carry_none_and_check_their_month(admin_rpc):
    metrics = admin_rpc.call("recurring.revenue.report", "saas_metrics", "2001-01-01")
    assert metrics["customer_churn_rate"] is False and metrics["mrr"] == 0
    for month in ("2026-13-01", "2026-11-15", "November"):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            admin_rpc.call("recurring.revenue.report", "saas_metrics", month)
        assert "YYYY-MM-01" in fault.value.faultString


def test_a_salesperson_cannot_rewrite_an_invoiced_line_nor_a_manager_an_invoiced_period(admin_rpc, odoo_server):
    stamp = str(int(time.time() * 1000))
    salesman = _user(admin_rpc, odoo_server, "r20_sales_%s" % stamp, "sales_team.group_sale_salesman")
    manager = _user(admin_rpc, odoo_server, "r20_manager_%s" % stamp, "sales_team.group_sale_manager")
    contract = _invoiced_contract(admin_rpc, stamp, user_id=salesman.uid)
    line = admin_rpc.call("recurring.contract.line", "search", [("contract_id", "=", contract)])
    for values in ({"date_end": str(datetime.date.today().replace(day=1))}, {"is_usage": True}):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            salesman.call("recurring.contract.line", "write", line, values)
        assert "action_stop" in fault.value.faultString
    with pytest.raises(xmlrpc.client.Fault):
        salesman.call("recurring.contract.line", "unlink", line)
    periods = admin_rpc.call("recurring.contract.period", "search", [("contract_id", "=", contract)])
    assert len(periods) >= 2
    for method, args in (("unlink", [periods[:1]]), ("write", [periods[:1], {"invoice_id": False}])):
        with pytest.raises(xmlrpc.client.Fault):
            manager.call("recurring.contract.period", method, *args)
    with pytest.raises(xmlrpc.client.Fault):
        manager.call("recurring.contract", "unlink", [contract])
    assert admin_rpc.call("recurring.contract.period", "search_count", [("contract_id", "=", contract)]) \
        == len(periods)
    assert admin_rpc.call("recurring.contract.line", "read", line, ["date_end", "is_usage"])[0]["date_end"] is False
