"""A billing-only user (Invoicing / Billing, no Sales rights) pauses, resumes and closes a
contract over XML-RPC, as the buttons of the contract do (they got an access error); the
pauses stay read-only for them."""
import datetime
import time
import xmlrpc.client

import pytest
import pytz


def test_a_billing_user_pauses_resumes_and_closes_a_contract(odoo_server, admin_rpc):
    stamp = str(int(time.time() * 1000))
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    groups = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
              for xmlid in ("base.group_user", "account.group_account_invoice")]
    login = "billing-buttons-%s" % stamp
    admin_rpc.call("res.users", "create", {"name": "Billing %s" % stamp, "login": login, "password": login,
                                           "email": "%s@example.com" % login, "tz": "Europe/Paris",
                                           "groups_id": [(6, 0, groups)]},
                   context={"no_reset_password": True})
    billing = odoo_server.rpc(login, login)
    customer = admin_rpc.call("res.partner", "create", {"name": "Billing Buttons %s" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Hosting %s" % stamp, "type": "service"})
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": customer, "date_start": last_month.isoformat(), "refund_unused_days": True,
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1, "price_unit": 31.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])  # last month and this month

    def state():
        return billing.call("recurring.contract", "read", [contract], ["state"])[0]["state"]

    billing.call("recurring.contract", "action_pause", [contract])
    assert state() == "paused"
    pause = billing.call("recurring.contract.pause", "search_read", [("contract_id", "=", contract)],
                         ["date_start", "date_end"])
    assert [(p["date_start"], p["date_end"]) for p in pause] == [(today.isoformat(), False)]
    # the pauses stay the buttons' own
    with pytest.raises(xmlrpc.client.Fault):
        billing.call("recurring.contract.pause", "write", [pause[0]["id"]], {"date_start": "2000-01-01"})
    billing.call("recurring.contract", "action_resume", [contract])
    assert state() == "running"
    billing.call("recurring.contract", "action_close", [contract])
    assert state() == "closed"
    # closed today: the days after today of this month, invoiced in advance, are credited
    credits = admin_rpc.call("recurring.contract.adjustment", "search_read", [("contract_id", "=", contract)],
                             ["amount"])
    month_days = ((today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - today.replace(day=1)).days
    unused = month_days - today.day
    if unused:
        assert [c["amount"] for c in credits] == [round(-31.0 * unused / month_days, 2)]
