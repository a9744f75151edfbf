"""The pipeline CSV download over HTTP, as the web client's export action opens it."""
import http.cookiejar
import io
import json
import time
import urllib.error
import urllib.request
import zipfile


def test_logged_in_manager_downloads_the_pipeline_csv_and_a_visitor_cannot(odoo_server, admin_rpc):
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    lead_id = admin_rpc.call("crm.lead", "create", {
        "name": "Export CSV Chaudière", "type": "opportunity", "team_id": team_id, "planned_revenue": 2500,
        "probability": 20, "date_deadline": "2031-03-15"})
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    # an anonymous visitor is sent to the login page
    with opener.open("%s/crm_leads/pipeline.csv?ids=%d" % (odoo_server.url, lead_id)) as response:
        assert "/web/login" in response.geturl()
    # once logged in, the export gives the opportunity with its weighted revenue
    login = json.dumps({"jsonrpc": "2.0", "params": {"db": odoo_server.db, "login": "admin",
                                                     "password": "admin"}}).encode()
    opener.open(urllib.request.Request(odoo_server.url + "/web/session/authenticate", data=login,
                                       headers={"Content-Type": "application/json"})).read()
    with opener.open("%s/crm_leads/pipeline.csv?ids=%d" % (odoo_server.url, lead_id)) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        lines = response.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Export CSV Chaudière;")
    assert lines[1].endswith(";2031-03-15;2500,00;20,00;500,00")


def _status(opener, url):
    """``(status, body)`` of a GET, errors included."""
    try:
        with opener.open(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_salesperson_exports_only_what_they_read_and_bad_addresses_are_refused(odoo_server, admin_rpc):
    stamp = str(int(time.time() * 1000))
    group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
                 for xmlid in ("base.group_user", "sales_team.group_sale_salesman")]
    user_id = admin_rpc.call("res.users", "create", {
        "name": "Vendeur %s" % stamp, "login": "vendeur.%s" % stamp, "password": "vendeur",
        "groups_id": [(6, 0, group_ids)]})
    other_company_id = admin_rpc.call("res.company", "create", {"name": "Autre export %s" % stamp})
    own_id = admin_rpc.call("crm.lead", "create", {
        "name": "Export mien %s" % stamp, "type": "opportunity", "user_id": user_id, "planned_revenue": 100})
    other_id = admin_rpc.call("crm.lead", "create", {
        "name": "Export autre %s" % stamp, "type": "opportunity", "company_id": other_company_id,
        "user_id": 1, "planned_revenue": 900})
    admins_selection = admin_rpc.call("crm.lead.export.selection", "create",
                                      {"lead_ids_text": "%d,%d" % (own_id, other_id)})
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = json.dumps({"jsonrpc": "2.0", "params": {"db": odoo_server.db, "login": "vendeur.%s" % stamp,
                                                     "password": "vendeur"}}).encode()
    opener.open(urllib.request.Request(odoo_server.url + "/web/session/authenticate", data=login,
                                       headers={"Content-Type": "application/json"})).read()
    csv_url = odoo_server.url + "/crm_leads/pipeline.csv"
    # a selection of another user, or one that does not exist: not found (it was a server error)
    assert _status(opener, "%s?selection=%d" % (csv_url, admins_selection))[0] == 404
    assert _status(opener, "%s?selection=999999" % csv_url)[0] == 404
    assert _status(opener, "%s?selection=abc" % csv_url)[0] == 400
    # malformed ids: a bad request (it was the whole pipeline)
    assert _status(opener, "%s?ids=abc" % csv_url)[0] == 400
    # the Excel export of their lead and another company's: only their lead (it was a server error)
    status, body = _status(opener, "%s/report/xlsx/crm_leads.pipeline_xlsx/%d,%d" % (
        odoo_server.url, own_id, other_id))
    assert status == 200, body[:300]
    with zipfile.ZipFile(io.BytesIO(body)) as workbook:
        strings = workbook.read("xl/sharedStrings.xml").decode("utf-8")
    assert "Export mien %s" % stamp in strings
    assert "Export autre %s" % stamp not in strings
    # nothing they may read: not found; malformed ids: a bad request
    assert _status(opener, "%s/report/xlsx/crm_leads.pipeline_xlsx/%d" % (odoo_server.url, other_id))[0] == 404
    assert _status(opener, "%s/report/xlsx/crm_leads.pipeline_xlsx/abc" % odoo_server.url)[0] == 400
