"""recurring.contract.line.action_stop over XML-RPC, as an integrator's script calls it: the
salesman of the contract stops a line within a month already invoiced; the line keeps its
quantity and price, the unused days are credited; another salesman and the customer's
portal user are refused, and a date that is not a day gets a clear error."""
import calendar
import datetime
import time
import xmlrpc.client

import pytest
import pytz


@pytest.fixture(scope="module")
def stop_case(odoo_server, admin_rpc):
    stamp = str(int(time.time() * 1000))
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()  # the run's today
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    group = {name: admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid) for name, xmlid in (
        ("user", "base.group_user"), ("salesman", "sales_team.group_sale_salesman"),
        ("portal", "base.group_portal"))}
    customer = admin_rpc.call("res.partner", "create", {"name": "Stop Ltd %s" % stamp, "is_company": True,
                                                        "customer": True})
    contact = admin_rpc.call("res.partner", "create", {"name": "Stop contact %s" % stamp, "parent_id": customer,
                                                       "email": "stop-%s@example.com" % stamp})
    logins = {}
    for key, groups, partner in (("salesman", ["user", "salesman"], None), ("other", ["user", "salesman"], None),
                                 ("portal", ["portal"], contact)):
        login = "stop-%s-%s" % (key, stamp)
        values = {"name": "Stop %s %s" % (key, stamp), "login": login, "password": login,
                  "email": "%s@example.com" % login, "groups_id": [(6, 0, [group[name] for name in groups])]}
        if partner:
            values["partner_id"] = partner
        logins[key] = (admin_rpc.call("res.users", "create", values), login)
    product = admin_rpc.call("product.product", "create", {"name": "Backup %s" % stamp, "type": "service"})
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": customer, "date_start": last_month.isoformat(), "user_id": logins["salesman"][0],
        "line_ids": [(0, 0, {"product_id": product, "name": "Backup", "quantity": 3, "price_unit": 31.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])  # last month and this month
    line = admin_rpc.call("recurring.contract", "read", [contract], ["line_ids"])[0]["line_ids"][0]
    return {"contract": contract, "line": line, "logins": logins, "this_month": this_month}


def _as(odoo_server, stop_case, key):
    login = stop_case["logins"][key][1]
    return odoo_server.rpc(login, login)


def test_stop_over_rpc_keeps_the_line_and_credits_the_unused_days(odoo_server, admin_rpc, stop_case):
    line, contract = stop_case["line"], stop_case["contract"]
    stop = stop_case["this_month"] + datetime.timedelta(days=10)
    # refused to another salesman and to the customer's portal user, nothing changed
    for key in ("other", "portal"):
        with pytest.raises(xmlrpc.client.Fault) as refused:
            _as(odoo_server, stop_case, key).call("recurring.contract.line", "action_stop", [line], stop.isoformat())
        assert refused.value.faultCode == 4, refused.value.faultString  # an access error, no traceback
    # a date that is not a day: a clear error, not a traceback
    salesman = _as(odoo_server, stop_case, "salesman")
    with pytest.raises(xmlrpc.client.Fault) as refused:
        salesman.call("recurring.contract.line", "action_stop", [line], "31/02/2027")
    assert "must be a day written YYYY-MM-DD" in refused.value.faultString
    assert "Traceback" not in refused.value.faultString
    assert admin_rpc.call("recurring.contract.adjustment", "search_count", [("contract_id", "=", contract)]) == 0
    # when the contract's salesman stops the line from the 11th of this month
    assert salesman.call("recurring.contract.line", "action_stop", [line], stop.isoformat()) is True
    # then the line keeps its terms up to the day before, and the unused days are credited
    read = salesman.call("recurring.contract.line", "read", [line], ["quantity", "price_unit", "date_end"])[0]
    assert (read["quantity"], read["price_unit"], read["date_end"]) == (
        3.0, 31.0, (stop - datetime.timedelta(days=1)).isoformat())
    days = calendar.monthrange(stop.year, stop.month)[1]
    adjustments = admin_rpc.call("recurring.contract.adjustment", "search_read", [("contract_id", "=", contract)],
                                 fields=["amount", "date"])
    assert [(adjustment["date"], adjustment["amount"]) for adjustment in adjustments] == [
        (stop.isoformat(), round(-93.0 * (days - 10) / days, 2))]
    # and the contract's amount per period no longer counts it once stopped
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()
    amount = admin_rpc.call("recurring.contract", "read", [contract], ["amount_period"])[0]["amount_period"]
    assert amount == (0.0 if today >= stop else 93.0)
