"""The embeddable website form: an external website pastes the script tag, a visitor sends
the form in a real browser, and the sales manager finds the routed lead in Odoo."""
import functools
import http.server
import json
import os
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import pytest

import harness

PASSWORD = "Form-test-2026"


@pytest.fixture
def external_site():
    """A tiny website of its own (another origin than Odoo) serving the files of a folder."""
    folder = tempfile.mkdtemp(prefix="crm_leads_site_")
    handler = functools.partial(QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", harness.free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):

    def log_message(self, *_args):
        pass


def _user(admin_rpc, login, groups):
    group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid) for xmlid in groups]
    return admin_rpc.call("res.users", "create", {"name": login.replace(".", " ").title(), "login": login,
                                                  "password": PASSWORD, "groups_id": [(6, 0, group_ids)]})


def _form_key(admin_rpc, origins, suffix):
    """A sales team, a rule routing the form's source to Sophie, and the website's key."""
    salesman = _user(admin_rpc, "sophie.form%s" % suffix, ["base.group_user", "sales_team.group_sale_salesman"])
    team_id = admin_rpc.call("crm.team", "create", {"name": "Site web %s" % suffix, "member_ids": [(6, 0, [salesman])]})
    source_id = admin_rpc.call("utm.source", "create", {"name": "Formulaire site %s" % suffix})
    admin_rpc.call("crm.lead.assignment.rule", "create", {
        "name": "Formulaire %s" % suffix, "sequence": 1, "team_id": team_id, "source_ids": [(6, 0, [source_id])],
        "member_ids": [(0, 0, {"user_id": salesman})]})
    key_id = admin_rpc.call("crm.lead.api.key", "create", {
        "name": "Site vitrine %s" % suffix, "team_id": team_id, "source_id": source_id, "allowed_origins": origins,
        "form_min_seconds": 1})
    token = admin_rpc.call("crm.lead.api.key", "read", [key_id], ["form_token"])[0]["form_token"]
    return key_id, token, salesman


def test_visitor_sends_the_embedded_form_and_the_manager_sees_the_assigned_lead(odoo_server, admin_rpc,
                                                                                external_site):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    folder, site_url = external_site
    suffix = "browser%d" % int(time.time())
    key_id, token, salesman = _form_key(admin_rpc, site_url, suffix)
    # given a company website that pasted the form's script tag
    with open(os.path.join(folder, "contact.html"), "w") as page:
        page.write('<!DOCTYPE html><html><body><h1>Contactez-nous</h1>'
                   '<script src="%s/crm/form/%s/embed.js" data-visitor-id="visitor-browser-1" async></script>'
                   '</body></html>' % (odoo_server.url, token))
    visitor = harness.chromium(1200, 900)
    try:
        visitor.get(site_url + "/contact.html")
        wait = WebDriverWait(visitor, 30)
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.o_crm_leads_form")))
        # when a visitor fills it in like a person and sends it
        visitor.find_element(By.NAME, "contact_name").send_keys("Hélène Dupuis")
        visitor.find_element(By.NAME, "company_name").send_keys("Menuiserie Dupuis")
        visitor.find_element(By.NAME, "email").send_keys("helene@menuiserie-dupuis.example.fr")
        visitor.find_element(By.NAME, "message").send_keys("Devis pour 40 fenêtres")
        time.sleep(1.5)
        visitor.find_element(By.CSS_SELECTOR, "form.o_crm_leads_form button[type=submit]").click()
        # then the website thanks the visitor
        done = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".o_crm_leads_status.o_crm_leads_done")))
        assert done.text.strip()
    finally:
        visitor.quit()
    # and the sales manager finds the lead in Odoo, assigned to the salesperson of the rule
    _user(admin_rpc, "manon.%s" % suffix, ["base.group_user", "sales_team.group_sale_manager"])
    manager = harness.WebClient(odoo_server, 1400, 900, login="manon.%s" % suffix, password=PASSWORD)
    try:
        manager.open_action("crm.crm_lead_all_leads", "list")
        manager.wait_css(".o_searchview_input").send_keys("Menuiserie Dupuis\n")
        salesperson = "Sophie Form%s" % suffix
        team_row = "//tr[contains(@class, 'o_data_row')][contains(., 'Site web %s')]" % suffix
        try:
            retry = [NoSuchElementException, StaleElementReferenceException]
            WebDriverWait(manager.driver, 30, ignored_exceptions=retry).until(
                lambda driver: driver.find_element(By.XPATH, team_row).click() or True)
            # the lead's form shows the salesperson the rule chose
            WebDriverWait(manager.driver, 30).until(
                lambda driver: salesperson in driver.find_element(By.CSS_SELECTOR, ".o_form_view").text)
        finally:
            manager.screenshot("crm_leads_form_lead")
    finally:
        manager.close()
    lead = admin_rpc.call("crm.lead", "search_read", [("intake_api_key_id", "=", key_id)],
                          fields=["intake_channel", "user_id", "email_from"])
    assert len(lead) == 1
    assert lead[0]["intake_channel"] == "form" and lead[0]["user_id"][0] == salesman


def test_other_websites_bots_and_floods_are_refused(odoo_server, admin_rpc):
    key_id, token, _salesman = _form_key(admin_rpc, "https://www.menuiserie.example", "cors%d" % int(time.time()))
    admin_rpc.call("crm.lead.api.key", "write", [key_id], {"form_ip_rate_limit": 2})
    url = "%s/crm/form/%s/submit" % (odoo_server.url, token)
    # the form page served by Odoo embeds the same script
    page = urllib.request.urlopen("%s/crm/form/%s" % (odoo_server.url, token)).read().decode()
    assert "/crm/form/%s/embed.js" % token in page
    script = urllib.request.urlopen("%s/crm/form/%s/embed.js" % (odoo_server.url, token)).read().decode()
    ts = script.split('name=\\"ts\\" value=\\"')[1].split("\\")[0]
    fields = {"ts": ts, "contact_name": "Paul", "email": "paul@example.fr"}

    def post(origin, **extra):
        return _post(url, dict(fields, **extra), origin)

    # a website not in the key's list gets a refusal and no CORS header
    status, body, headers = post("https://evil.example")
    assert status == 403 and body["error"]["code"] == "origin_refused"
    assert "Access-Control-Allow-Origin" not in headers
    time.sleep(1.2)
    # a bot filling the hidden field is answered like a person (same status, same body), and counted
    status, body, headers = post("https://www.menuiserie.example", website_url="http://spam.example")
    spam_answer = (status, body)
    assert status == 201 and body["status"] == "created"
    assert headers["Access-Control-Allow-Origin"] == "https://www.menuiserie.example"
    # the allowed website's visitor gets the lead created
    status, body, headers = post("https://www.menuiserie.example")
    assert status == 201 and body["status"] == "created"
    assert (status, body) == spam_answer
    # past two posts a minute from the same address, the visitor is asked to wait
    status, body, headers = post("https://www.menuiserie.example")
    assert status == 429 and body["error"]["code"] == "rate_limited" and headers.get("Retry-After")
    key = admin_rpc.call("crm.lead.api.key", "read", [key_id], ["form_spam_count", "lead_count"])[0]
    assert (key["form_spam_count"], key["lead_count"]) == (1, 1)


def _post(url, fields, origin):
    """POST form fields with an Origin header; return (status, parsed JSON, headers)."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body, headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read(), dict(error.headers)
    return status, json.loads(body.decode() or "null"), headers


def test_form_page_fits_a_phone(odoo_server, admin_rpc):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    _key_id, token, _salesman = _form_key(admin_rpc, "", "phone%d" % int(time.time()))
    phone = harness.chromium(390, 844)
    try:
        # when a visitor opens the form page served by Odoo on a phone
        phone.get("%s/crm/form/%s?lang=fr_FR" % (odoo_server.url, token))
        WebDriverWait(phone, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.o_crm_leads_form")))
        # then every field is visible without scrolling sideways
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
        email = phone.find_element(By.NAME, "email")
        assert email.is_displayed() and email.size["width"] > 250
        assert not phone.find_element(By.NAME, "website_url").is_displayed() or \
            phone.find_element(By.NAME, "website_url").location["x"] < 0
    finally:
        phone.quit()
