"""What a script over XML-RPC could still do after the outside review of issue 20: a portal
user reading the team's internal note of their contract, anybody calling the daily jobs."""
import time
import xmlrpc.client

import pytest


@pytest.fixture(scope="module")
def portal_contract(odoo_server, admin_rpc):
    """A contract of a customer with a team note, a portal login for the customer's contact
    and a salesperson login."""
    stamp = str(int(time.time() * 1000))
    company = admin_rpc.call("res.partner", "create", {"name": "More20 Customer %s" % stamp, "is_company": True,
                                                       "customer": True})
    contact = admin_rpc.call("res.partner", "create", {"name": "More20 Contact %s" % stamp, "parent_id": company,
                                                       "email": "more20-%s@example.com" % stamp})
    groups = {xmlid: admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
              for xmlid in ("base.group_portal", "base.group_user", "sales_team.group_sale_salesman")}
    portal_login, sales_login = "more20-portal-%s" % stamp, "more20-sales-%s" % stamp
    admin_rpc.call("res.users", "create", {
        "name": "More20 Contact %s" % stamp, "login": portal_login, "password": portal_login, "partner_id": contact,
        "groups_id": [(6, 0, [groups["base.group_portal"]])]}, context={"no_reset_password": True})
    sales_uid = admin_rpc.call("res.users", "create", {
        "name": "More20 Sales %s" % stamp, "login": sales_login, "password": sales_login,
        "email": "%s@example.com" % sales_login,
        "groups_id": [(6, 0, [groups["base.group_user"], groups["sales_team.group_sale_salesman"]])]},
        context={"no_reset_password": True})
    product = admin_rpc.call("product.product", "create", {"name": "More20 Plan %s" % stamp, "type": "service",
                                                           "list_price": 10.0})
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": company, "date_start": "2026-11-01", "user_id": sales_uid,
        "note": "Discount up to 40 %% %s" % stamp,
        "line_ids": [(0, 0, {"product_id": product, "name": "Plan", "quantity": 1.0, "price_unit": 10.0})]})
    return {"contract": contract, "portal": odoo_server.rpc(portal_login, portal_login),
            "sales": odoo_server.rpc(sales_login, sales_login)}


def test_portal_user_reads_the_contract_but_not_its_internal_note(portal_contract, admin_rpc):
    portal, contract = portal_contract["portal"], portal_contract["contract"]
    assert portal.call("recurring.contract", "read", [contract], ["name"])[0]["id"] == contract
    assert "note" not in portal.call("recurring.contract", "fields_get")
    for method, args in (("read", [[contract], ["note"]]), ("search_read", [[("id", "=", contract)], ["note"]])):
        with pytest.raises(xmlrpc.client.Fault):
            portal.call("recurring.contract", method, *args)
    assert "Discount up to 40" in admin_rpc.call("recurring.contract", "read", [contract], ["note"])[0]["note"]


def test_nobody_but_an_administrator_calls_the_daily_jobs(portal_contract):
    for client in (portal_contract["portal"], portal_contract["sales"]):
        for model, method in (("recurring.contract", "cron_lifecycle"), ("recurring.contract", "cron_invoice_due"),
                              ("recurring.mrr.snapshot", "cron_snapshot"),
                              ("recurring.contract", "_cron_lifecycle"),
                              ("recurring.contract", "_cron_invoice_due")):
            with pytest.raises(xmlrpc.client.Fault) as fault:
                client.call(model, method)
            assert "scheduler" in fault.value.faultString or "private" in fault.value.faultString.lower()


def test_a_salesperson_pauses_through_the_buttons_never_by_writing_pause_rows(portal_contract, admin_rpc):
    sales, contract = portal_contract["sales"], portal_contract["contract"]
    admin_rpc.call("recurring.contract", "action_start", [contract])
    with pytest.raises(xmlrpc.client.Fault):
        sales.call("recurring.contract.pause", "create",
                   {"contract_id": contract, "date_start": "2027-03-01", "date_end": "2027-03-10"})
    sales.call("recurring.contract", "action_pause", [contract])
    pause = sales.call("recurring.contract.pause", "search_read", [("contract_id", "=", contract)],
                       ["date_start", "date_end"])
    assert len(pause) == 1 and pause[0]["date_end"] is False
    for method, args in (("write", [[pause[0]["id"]], {"date_end": "2026-12-31"}]),
                         ("unlink", [[pause[0]["id"]]])):
        with pytest.raises(xmlrpc.client.Fault):
            sales.call("recurring.contract.pause", method, *args)
    sales.call("recurring.contract", "action_resume", [contract])
    assert admin_rpc.call("recurring.contract", "read", [contract], ["state"])[0]["state"] == "running"
