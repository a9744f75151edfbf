"""A salesperson opens a lead and reads its score and why (real browser, desktop and phone)."""
import time

import harness


def _scored_lead(admin_rpc, name, **values):
    country = admin_rpc.call("res.country", "search", [("code", "=", "FR")], limit=1)[0]
    lead_id = admin_rpc.call("crm.lead", "create", dict({
        "name": name, "type": "lead", "country_id": country, "function": "Purchasing Director"}, **values))
    admin_rpc.call("crm.lead.event", "record_events", [
        {"type": "page_view", "url": "https://www.example.com/pricing", "lead_id": lead_id},
        {"type": "download", "url": "https://www.example.com/papers/a.pdf", "lead_id": lead_id},
        {"type": "download", "url": "https://www.example.com/papers/b.pdf", "lead_id": lead_id}])
    return lead_id, admin_rpc.call("crm.lead", "read", [lead_id], ["score", "score_explanation"])[0]


def _open_score_tab(client, lead_id):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    client.driver.get("%s/web#id=%d&model=crm.lead&view_type=form&action=crm.crm_lead_all_leads" % (
        client.server.url, lead_id))
    client.wait_css(".o_form_view")
    tab = WebDriverWait(client.driver, 30).until(ec.element_to_be_clickable(
        (By.XPATH, "//ul[contains(@class, 'nav-tabs')]//a[normalize-space()='Score']")))
    client.driver.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", tab)
    return WebDriverWait(client.driver, 30).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".o_lead_score_explanation")))


def test_lead_form_shows_score_and_explanation(admin_rpc, desktop):
    # Given a French purchasing director who visited the pricing page and downloaded two papers
    lead_id, lead = _scored_lead(admin_rpc, "Browser scored lead")
    assert lead["score"] > 0
    # when a salesperson opens the lead and its Score tab
    explanation = _open_score_tab(desktop, lead_id)
    desktop.screenshot("lead-scoring-desktop")
    # then the score and the reasons in words are on screen
    text = explanation.text
    assert "Raised by" in text
    assert "Visited the pricing page" in text
    assert "Downloaded two white papers (2 times)" in text
    page = desktop.driver.find_element("css selector", ".o_form_view").text
    assert str(lead["score"]) in page


def test_phone_shows_the_explanation_full_width(admin_rpc, phone):
    lead_id, _lead = _scored_lead(admin_rpc, "Phone scored lead")
    explanation = _open_score_tab(phone, lead_id)
    phone.screenshot("lead-scoring-phone")
    assert "Raised by" in explanation.text
    width = phone.driver.execute_script("return document.documentElement.clientWidth")
    assert explanation.size["width"] <= width


def test_event_endpoint_refuses_calls_without_a_valid_key(odoo_server):
    # the tracking script posts its JSON as text/plain (no CORS preflight from websites)
    url = odoo_server.url + "/api/crm/v1/events"
    plain = {"Content-Type": "text/plain"}
    status, body, headers = harness.post_json(url, {"events": [{"type": "page_view", "visitor_id": "v"}]}, plain)
    assert status == 401 and body["error"]["code"] == "missing_key"
    assert headers.get("Access-Control-Allow-Origin") == "*"
    status, body, _headers = harness.post_json(url, {"key": "wrong", "events": [{"type": "page_view"}]}, plain)
    assert status == 401
    assert body["error"]["code"] == "invalid_key"
    # without a key anywhere, the body is not read as JSON: the key is what is missing
    status, body, _headers = harness.post_json(url, b"not json", plain)
    assert status == 401 and body["error"]["code"] == "missing_key"


def test_a_french_salesperson_reads_why_in_french(odoo_server, admin_rpc):
    # given French installed (lead_scoring's terms) and a French-speaking salesperson
    admin_rpc.call("ir.translation", "load_module_terms", [], ["lead_scoring"], ["fr_FR"])
    login = "julie.score.%d" % int(time.time() * 1000)
    user_id = admin_rpc.call("res.users", "create", {
        "name": "Julie Commerciale", "login": login, "password": "julie-score", "lang": "fr_FR",
        "groups_id": [(6, 0, [admin_rpc.call("ir.model.data", "xmlid_to_res_id", "sales_team.group_sale_salesman")])]})
    # and two of her leads, scored by an English-speaking admin: one scored, one no rule matches
    lead_id, lead = _scored_lead(admin_rpc, "Lead lu en français", user_id=user_id)
    assert "Raised by" in lead["score_explanation"]
    zero_id = admin_rpc.call("crm.lead", "create", {"name": "Piste sans score", "type": "lead", "user_id": user_id})
    assert admin_rpc.call("crm.lead", "read", [zero_id], ["score"])[0]["score"] == 0
    client = harness.WebClient(odoo_server, 1400, 900, login=login, password="julie-score")
    try:
        # when she opens the lead's Score tab, the reasons are in French
        text = _open_score_tab(client, lead_id).text
        client.screenshot("lead-scoring-french")
        assert "Augmenté par" in text and "Raised by" not in text
        assert "A visité la page des tarifs" in text
        assert "A téléchargé deux livres blancs (2 fois)" in text
        # and the lead that scores 0 says why, in French
        text = _open_score_tab(client, zero_id).text
        assert "Aucune règle de scoring ne correspond au profil de cette piste" in text, text
    finally:
        client.close()
