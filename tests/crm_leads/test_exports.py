"""The pipeline CSV download over HTTP, as the web client's export action opens it."""
import http.cookiejar
import json
import urllib.request


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
