"""The tracking script in a real browser, pasted into a website of another origin as the
README tells users (readme/CONFIGURE.rst, "Website tracking")."""
import functools
import http.server
import os
import threading
import time
import urllib.parse

import pytest

import harness

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<script src="{odoo}/api/crm/v1/tracker.js"
        data-endpoint="{odoo}/api/crm/v1/events" data-key="{key}" async></script>
</head><body>
<h1>{title}</h1>
<p><a id="paper" href="/papers/livre-blanc.pdf">Notre livre blanc (PDF)</a></p>
<p><a id="next" href="/blog.html">Le blog</a></p>
<form id="contact" action="/merci.html" method="get">
  <input name="email" value="visiteur@example.fr"><button id="send" type="submit">Envoyer</button>
</form>
</body></html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args):
        pass


@pytest.fixture
def website(tmp_path, odoo_server, admin_rpc):
    """A customer's website on another origin (its own port) with the tracker pasted in,
    and the publishable key's id and company."""
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    key_id = admin_rpc.call("crm.lead.api.key", "create", {
        "name": "Site vitrine", "team_id": team_id, "rate_limit": 0, "key_kind": "publishable"})
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])
    secret = action["context"]["crm_leads_new_key"][str(key_id)]
    company_id = admin_rpc.call("crm.lead.api.key", "read", [key_id], ["company_id"])[0]["company_id"][0]
    for name, title in (("tarifs.html", "Tarifs"), ("blog.html", "Blog"), ("merci.html", "Merci")):
        (tmp_path / name).write_text(PAGE.format(title=title, odoo=odoo_server.url, key=secret), encoding="utf-8")
    os.makedirs(str(tmp_path / "papers"))
    (tmp_path / "papers" / "livre-blanc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", harness.free_port()), functools.partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1], company_id
    server.shutdown()
    server.server_close()


def _events_of(admin_rpc, visitor, count, timeout=30):
    """The visitor's events once at least ``count`` arrived (the browser sends them in the
    background)."""
    deadline = time.time() + timeout
    while True:
        events = admin_rpc.call("crm.lead.event", "search_read", [("visitor_id", "=", visitor)],
                                ["event_type", "url", "company_id", "visitor_id"], order="id")
        if len(events) >= count or time.time() > deadline:
            return events


def _visitor_of_page(driver, timeout=30):
    """The visitor id the tracker of the open page got (from the server or the browser)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        visitor = driver.execute_script("return window.leadScoring && window.leadScoring.visitorId")
        if visitor:
            return visitor
        time.sleep(0.2)
    raise AssertionError("the tracker of %s got no visitor id" % driver.current_url)


def test_tracker_pasted_in_another_website_records_views_downloads_and_forms(website, odoo_server, admin_rpc):
    site, company_id = website
    driver = harness.chromium(1200, 800)
    try:
        # given a visitor who opens the website's pricing page (the tracker pasted in its head)
        driver.get(site + "/tarifs.html")
        visitor = _visitor_of_page(driver)
        assert visitor.startswith("v1.")
        # then the page view arrives for the key's company, with the visitor id the script got
        events = _events_of(admin_rpc, visitor, 1)
        assert [(event["event_type"], event["url"]) for event in events] == [("page_view", site + "/tarifs.html")]
        assert events[0]["company_id"][0] == company_id
        # and the page's form carries the visitor id (for the lead it will create)
        assert driver.execute_script(
            "return document.querySelector('#contact input[name=visitor_id]').value") == visitor

        # when the visitor downloads the white paper
        driver.find_element("id", "paper").click()
        events = _events_of(admin_rpc, visitor, 2)
        assert ("download", site + "/papers/livre-blanc.pdf") in [(e["event_type"], e["url"]) for e in events]

        # and opens a second page: the same browser keeps the same visitor
        driver.get(site + "/blog.html")
        assert _visitor_of_page(driver) == visitor
        events = _events_of(admin_rpc, visitor, 3)
        assert ("page_view", site + "/blog.html") in [(e["event_type"], e["url"]) for e in events]

        # and sends the page's form: the form is recorded and the visitor id goes with the form
        driver.find_element("id", "send").click()
        deadline = time.time() + 30
        while "merci.html" not in driver.current_url and time.time() < deadline:
            time.sleep(0.2)
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)["visitor_id"] == [visitor]
        events = _events_of(admin_rpc, visitor, 5)
        kinds = [(e["event_type"], e["url"]) for e in events]
        assert ("form", site + "/blog.html") in kinds
        assert ("page_view", site + "/merci.html?" + driver.current_url.split("?", 1)[1]) in kinds
        assert {e["company_id"][0] for e in events} == {company_id}
        assert {e["visitor_id"] for e in events} == {visitor}
    finally:
        driver.quit()


def _other_visitor_of_page(driver, old, timeout=30):
    """The visitor id of the open page once it is no longer ``old``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        visitor = driver.execute_script("return window.leadScoring && window.leadScoring.visitorId")
        if visitor and visitor != old:
            return visitor
        time.sleep(0.2)
    raise AssertionError("the tracker of %s kept the visitor id %s" % (driver.current_url, old))


def test_tracker_replaces_a_visitor_id_the_server_refuses_or_of_another_key(
        website, odoo_server, admin_rpc, tmp_path):
    site, company_id = website
    # the same website also shows another company's tracker (its own publishable key)
    other_company_id = admin_rpc.call("res.company", "create", {"name": "Autre site %d" % int(time.time() * 1000)})
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    other_key_id = admin_rpc.call("crm.lead.api.key", "create", {
        "name": "Autre site", "team_id": team_id, "rate_limit": 0, "key_kind": "publishable",
        "company_id": other_company_id})
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [other_key_id])
    other_key = action["context"]["crm_leads_new_key"][str(other_key_id)]
    (tmp_path / "autre.html").write_text(PAGE.format(title="Autre", odoo=odoo_server.url, key=other_key),
                                         encoding="utf-8")
    driver = harness.chromium(1200, 800)
    try:
        # given a browser that kept a visitor id the server does not take (signed with an
        # older secret of the database, or never handed out)
        driver.get(site + "/tarifs.html")
        _visitor_of_page(driver)
        refused = "v1.pytest-refused.0"
        driver.execute_script("window.localStorage.setItem('lead_scoring_visitor', arguments[0])", refused)
        # when the visitor opens the blog page
        driver.get(site + "/blog.html")
        visitor = _other_visitor_of_page(driver, refused)
        # then the tracker got a new id and its page view arrived with it
        events = _events_of(admin_rpc, visitor, 1)
        assert [(event["event_type"], event["url"]) for event in events] == [("page_view", site + "/blog.html")]
        assert driver.execute_script(
            "return document.querySelector('#contact input[name=visitor_id]').value") == visitor

        # when the visitor opens the page of the other company's tracker on the same website
        driver.get(site + "/autre.html")
        other_visitor = _other_visitor_of_page(driver, visitor)
        # then its page view is recorded for the other company, under an id of its own
        events = _events_of(admin_rpc, other_visitor, 1)
        assert [(e["event_type"], e["company_id"][0]) for e in events] == [("page_view", other_company_id)]
        # and back on our page, our tracker takes a new id of our company again
        driver.get(site + "/tarifs.html")
        again = _other_visitor_of_page(driver, other_visitor)
        events = _events_of(admin_rpc, again, 1)
        assert [(e["event_type"], e["url"], e["company_id"][0]) for e in events] == [
            ("page_view", site + "/tarifs.html", company_id)]
    finally:
        driver.quit()
