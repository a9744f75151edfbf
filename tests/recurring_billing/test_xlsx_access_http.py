"""The contracts' Excel export opened by its URL, as the web client's Print menu does: a
salesperson gets the workbook of their own contract, a 403 page for another salesperson's
contract (it was a server error 500) and a 404 page for a contract that does not exist."""
import http.cookiejar
import json
import time
import urllib.error
import urllib.request

REPORT = "/report/xlsx/recurring_billing.contract_mrr_xlsx/%s"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _salesman(admin_rpc, login):
    groups = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
              for xmlid in ("base.group_user", "sales_team.group_sale_salesman")]
    return admin_rpc.call("res.users", "create", {"name": login, "login": login, "password": login,
                                                  "groups_id": [(6, 0, groups)]},
                          context={"no_reset_password": True})


def _contract(admin_rpc, name, user_id):
    partner = admin_rpc.call("res.partner", "create", {"name": name, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Hosting " + name, "type": "service"})
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": "2026-11-01", "recurring_interval": 1, "recurring_unit": "month",
        "user_id": user_id,
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1.0, "price_unit": 30.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    return contract


def _session(odoo_server, login):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    body = json.dumps({"jsonrpc": "2.0", "params": {"db": odoo_server.db, "login": login,
                                                    "password": login}}).encode()
    answer = json.loads(opener.open(urllib.request.Request(
        odoo_server.url + "/web/session/authenticate", data=body,
        headers={"Content-Type": "application/json"})).read().decode())
    assert answer["result"]["uid"], answer
    return opener


def _get(opener, url):
    try:
        with opener.open(url) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_a_salesperson_exports_their_contract_but_gets_403_for_another_ones(odoo_server, admin_rpc):
    stamp = str(int(time.time() * 1000))
    alice = _salesman(admin_rpc, "xlsx_alice_%s" % stamp)
    bob = _salesman(admin_rpc, "xlsx_bob_%s" % stamp)
    own = _contract(admin_rpc, "Xlsx Alice Bakery %s" % stamp, alice)
    other = _contract(admin_rpc, "Xlsx Bob Secret Client %s" % stamp, bob)
    session = _session(odoo_server, "xlsx_alice_%s" % stamp)
    # her own contract: the workbook
    status, content_type, body = _get(session, odoo_server.url + REPORT % own)
    assert (status, content_type) == (200, XLSX)
    assert body[:2] == b"PK"
    # Bob's contract, alone or with hers: a 403 page saying so, nothing of the contract
    for ids in (str(other), "%s,%s" % (own, other)):
        status, content_type, body = _get(session, odoo_server.url + REPORT % ids)
        assert status == 403, (status, body[:500])
        assert content_type.startswith("text/html")
        text = body.decode()
        assert "You may not read these contracts" in text
        assert "Secret Client" not in text and "PK" != text[:2]
    # a contract that does not exist: 404; ids that are not numbers: 404
    for ids in ("999999999", "abc"):
        status, _content_type, body = _get(session, odoo_server.url + REPORT % ids)
        assert status == 404, (status, body[:500])


def test_a_portal_user_gets_a_clean_403_for_the_excel_export(odoo_server, admin_rpc):
    stamp = str(int(time.time() * 1000))
    alice = _salesman(admin_rpc, "xlsx_portal_alice_%s" % stamp)
    own = _contract(admin_rpc, "Xlsx Portal Bakery %s" % stamp, alice)
    other = _contract(admin_rpc, "Xlsx Portal Secret Client %s" % stamp, alice)
    customer = admin_rpc.call("recurring.contract", "read", [own], ["partner_id"])[0]["partner_id"][0]
    contact = admin_rpc.call("res.partner", "create", {"name": "Paul %s" % stamp, "parent_id": customer,
                                                       "email": "paul%s@example.com" % stamp})
    login = "xlsx_portal_paul_%s" % stamp
    portal = admin_rpc.call("ir.model.data", "xmlid_to_res_id", "base.group_portal")
    admin_rpc.call("res.users", "create", {"name": "Paul", "login": login, "password": login,
                                           "partner_id": contact, "groups_id": [(6, 0, [portal])]},
                   context={"no_reset_password": True})
    session = _session(odoo_server, login)
    # their own company's contract (read on their portal page) and another customer's: a 403 page
    # saying the export is the company's, never a server error, nothing of the contracts
    for ids in (str(own), str(other), "%s,%s" % (own, other), "999999999"):
        status, content_type, body = _get(session, odoo_server.url + REPORT % ids)
        assert status == 403, (ids, status, body[:500])
        assert content_type.startswith("text/html")
        text = body.decode()
        assert "Excel export of contracts is for the company" in text
        assert "Secret Client" not in text and "Bakery" not in text
