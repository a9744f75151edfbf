"""The events endpoint over real HTTP, as a website's tracking script calls it."""
import json
import time
import urllib.parse
import urllib.request

import harness


def _key(admin_rpc, with_id=False, kind="secret"):
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    key_id = admin_rpc.call("crm.lead.api.key", "create", {"name": "Site web", "team_id": team_id, "rate_limit": 0,
                                                           "key_kind": kind})
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])
    secret = action["context"]["crm_leads_new_key"][str(key_id)]
    return (secret, key_id) if with_id else secret


def _post_events(odoo_server, secret, events, in_address=False):
    # the tracking script posts text/plain (no CORS preflight) with the key in the address;
    # the scripts of earlier versions put it in the body
    if in_address:
        return harness.post_json(odoo_server.url + "/api/crm/v1/events?key=" + secret, {"events": events},
                                 {"Content-Type": "text/plain"})
    return harness.post_json(odoo_server.url + "/api/crm/v1/events", {"key": secret, "events": events},
                             {"Content-Type": "text/plain"})


def test_website_events_raise_the_lead_score(odoo_server, admin_rpc):
    secret = _key(admin_rpc)
    lead_id = admin_rpc.call("crm.lead", "create", {"name": "Visiteur du site", "type": "lead"})
    before = admin_rpc.call("crm.lead", "read", [lead_id], ["score"])[0]["score"]
    # when the website reports a pricing visit and a form answer of the lead
    status, body, headers = _post_events(odoo_server, secret, [
        {"type": "page_view", "url": "https://www.example.com/pricing", "lead_id": lead_id},
        {"type": "form", "url": "https://www.example.com/contact", "lead_id": lead_id}])
    # then both are recorded on the lead and its score rises
    assert status == 201, body
    assert body["recorded"] == 2
    assert headers.get("Access-Control-Allow-Origin") == "*"
    lead = admin_rpc.call("crm.lead", "read", [lead_id], ["score", "event_count", "score_explanation"])[0]
    assert lead["event_count"] == 2
    assert lead["score"] > before
    assert "Visited the pricing page" in lead["score_explanation"]
    # a batch naming an unknown lead is refused as a whole: nothing more is recorded
    status, body, _headers = _post_events(odoo_server, secret, [
        {"type": "page_view", "url": "/pricing", "lead_id": lead_id},
        {"type": "page_view", "url": "/pricing", "lead_id": 987654321}])
    assert status == 400
    assert "987654321" in body["error"]["message"]
    assert admin_rpc.call("crm.lead", "read", [lead_id], ["event_count"])[0]["event_count"] == 2


def test_anonymous_visitor_events_join_the_lead_of_the_website_form(odoo_server, admin_rpc):
    # the website's pages carry a publishable key: events and forms only
    secret, key_id = _key(admin_rpc, with_id=True, kind="publishable")
    admin_rpc.call("crm.lead.api.key", "write", [key_id], {"form_min_seconds": 1})
    token = admin_rpc.call("crm.lead.api.key", "read", [key_id], ["form_token"])[0]["form_token"]
    # the tracking script asks the server for its visitor id (a simple GET, the key in the address)
    with urllib.request.urlopen(odoo_server.url + "/api/crm/v1/visitor?key=" + secret, timeout=30) as response:
        assert response.status == 201
        assert response.headers.get("Access-Control-Allow-Origin") == "*"
        visitor = json.loads(response.read().decode())["visitor_id"]
    email = "pytest-visitor-%d@example.fr" % int(time.time() * 1000)
    # given an anonymous visitor who read the pricing page and downloaded two white papers
    status, body, _headers = _post_events(odoo_server, secret, [
        {"type": "page_view", "url": "https://www.example.com/pricing", "visitor_id": visitor},
        {"type": "download", "url": "https://www.example.com/papers/a.pdf", "visitor_id": visitor},
        {"type": "download", "url": "https://www.example.com/papers/b.pdf", "visitor_id": visitor}], in_address=True)
    assert status == 201, body
    # a wrong key in the address is refused before the body is read
    status, body, _headers = harness.post_json(odoo_server.url + "/api/crm/v1/events?key=crm_pk_wrong",
                                               b"not even json", {"Content-Type": "text/plain"})
    assert (status, body["error"]["code"]) == (401, "invalid_key")
    # when the visitor sends the crm_leads website form, which carries the tracking id
    script = urllib.request.urlopen("%s/crm/form/%s/embed.js" % (odoo_server.url, token)).read().decode()
    stamp = script.split('name=\\"ts\\" value=\\"')[1].split("\\")[0]
    time.sleep(1.2)
    fields = {"ts": stamp, "contact_name": "Visiteur", "email": email, "visitor_id": visitor}
    request = urllib.request.Request("%s/crm/form/%s/submit" % (odoo_server.url, token), method="POST",
                                     data=urllib.parse.urlencode(fields).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    # then the lead has the visits made before the form, and they count in its score
    lead_ids = admin_rpc.call("crm.lead", "search", [("email_from", "=", email)])
    assert len(lead_ids) == 1
    lead = admin_rpc.call("crm.lead", "read", lead_ids, ["visitor_id", "event_count", "score_engagement",
                                                         "score_explanation"])[0]
    assert lead["visitor_id"] == visitor
    assert lead["event_count"] == 3
    assert lead["score_engagement"] > 0
    assert "Visited the pricing page" in lead["score_explanation"]


def test_events_of_a_visitor_the_server_did_not_hand_out_are_refused(odoo_server, admin_rpc):
    # given our website's key, and another company's website key
    secret = _key(admin_rpc, kind="publishable")
    company_id = admin_rpc.call("res.company", "create", {"name": "Autre société %d" % int(time.time() * 1000)})
    other_secret, other_key_id = _key(admin_rpc, with_id=True, kind="publishable")
    admin_rpc.call("crm.lead.api.key", "write", [other_key_id], {"company_id": company_id})

    def visitor_of(key):
        with urllib.request.urlopen(odoo_server.url + "/api/crm/v1/visitor?key=" + key, timeout=30) as response:
            return json.loads(response.read().decode())["visitor_id"]

    ours, theirs = visitor_of(secret), visitor_of(other_secret)
    lead_id = admin_rpc.call("crm.lead", "create", {"name": "Visiteur signé", "type": "lead", "visitor_id": ours})
    # when events name a made-up visitor, another company's, or ours altered
    for visitor in ("pytest-made-up", theirs, ours[:-1] + ("0" if ours[-1] != "0" else "1")):
        status, body, _headers = _post_events(odoo_server, secret, [
            {"type": "page_view", "url": "/pricing", "visitor_id": ours},
            {"type": "page_view", "url": "/pricing", "visitor_id": visitor}], in_address=True)
        # then the call is refused as a whole, saying which id and where to get a good one
        assert status == 403, body
        assert body["error"]["code"] == "invalid_visitor" and body["error"]["field"] == "visitor_id"
        assert "/api/crm/v1/visitor" in body["error"]["message"]
    assert admin_rpc.call("crm.lead", "read", [lead_id], ["event_count"])[0]["event_count"] == 0
    # and our own visitor's event reaches our lead
    status, body, _headers = _post_events(odoo_server, secret, [
        {"type": "page_view", "url": "/pricing", "visitor_id": ours}], in_address=True)
    assert status == 201, body
    assert admin_rpc.call("crm.lead", "read", [lead_id], ["event_count"])[0]["event_count"] == 1
    # a wrong key gets no visitor id
    status, body, _headers = harness.post_json(odoo_server.url + "/api/crm/v1/visitor?key=crm_pk_wrong", b"")
    assert (status, body["error"]["code"]) == (401, "invalid_key")


def test_the_events_endpoint_limits_events_a_minute_not_calls(odoo_server, admin_rpc):
    # given a tool sending batches of events with a key (600 events a minute per key)
    secret = _key(admin_rpc)
    lead_id = admin_rpc.call("crm.lead", "create", {"name": "Lecteur assidu", "type": "lead"})

    def send(count):
        events = [{"type": "page_view", "url": "https://www.example.com/blog/%d" % index, "lead_id": lead_id}
                  for index in range(count)]
        return harness.post_json(odoo_server.url + "/api/crm/v1/events", {"events": events},
                                 {"Authorization": "Bearer %s" % secret})

    def recorded():
        return admin_rpc.call("crm.lead", "read", [lead_id], ["event_count"])[0]["event_count"]

    status, body, _headers = send(400)
    assert status == 201, body
    # when a batch would take the key past 600 events in the minute
    status, body, headers = send(300)
    # then it is refused whole, saying when to come back, and none of it is recorded
    assert status == 429, body
    assert body["error"]["code"] == "rate_limited"
    assert 1 <= int(headers.get("Retry-After")) <= 60
    assert recorded() == 400
    # smaller batches are taken until the limit: never more than 600 events in the minute
    accepted = 400
    for _attempt in range(10):
        status, body, headers = send(50)
        if status != 201:
            break
        accepted += 50
    assert status == 429, body
    assert headers.get("Retry-After")
    assert 500 <= accepted <= 600
    assert recorded() == accepted


def test_events_without_a_key_get_missing_key_whatever_the_body(odoo_server, admin_rpc):
    url = odoo_server.url + "/api/crm/v1/events"
    plain = {"Content-Type": "text/plain"}
    # a body that is not JSON, holds a value that cannot be stored, or carries no key: the key is
    # what is missing, the body is never judged without one
    for body in (b"not json", b'{"events": [', b'{"events": [{"type": "page_view", "url": "\\u0000"}]}',
                 b"[1, 2, 3]", {"events": [{"type": "page_view", "visitor_id": "v"}]}):
        status, answer, headers = harness.post_json(url, body, plain)
        assert (status, answer["error"]["code"]) == (401, "missing_key"), (body, answer)
        assert headers.get("Access-Control-Allow-Origin") == "*"
    # with a key, the same bad body is told apart
    secret = _key(admin_rpc, kind="publishable")
    status, answer, _headers = harness.post_json(url + "?key=" + secret, b"not json", plain)
    assert (status, answer["error"]["code"]) == (400, "invalid_json")


def test_a_secret_key_in_the_events_address_is_refused(odoo_server, admin_rpc):
    secret = _key(admin_rpc)
    lead_id = admin_rpc.call("crm.lead", "create", {"name": "Clé dans l'adresse", "type": "lead"})
    events = [{"type": "page_view", "url": "https://www.example.com/pricing", "lead_id": lead_id}]
    # a secret key in the address (logged by proxies, kept in histories) is refused, saying where it goes
    status, body, _headers = _post_events(odoo_server, secret, events, in_address=True)
    assert status == 403, body
    assert body["error"]["code"] == "secret_key_in_address" and "Authorization" in body["error"]["message"]
    assert admin_rpc.call("crm.lead", "read", [lead_id], ["event_count"])[0]["event_count"] == 0
    # in the header it is taken; a publishable key stays accepted in the address
    status, body, _headers = harness.post_json(odoo_server.url + "/api/crm/v1/events", {"events": events},
                                               {"Authorization": "Bearer %s" % secret})
    assert status == 201, body
    publishable = _key(admin_rpc, kind="publishable")
    with urllib.request.urlopen(odoo_server.url + "/api/crm/v1/visitor?key=" + publishable, timeout=30) as response:
        visitor = json.loads(response.read().decode())["visitor_id"]
    status, body, _headers = _post_events(odoo_server, publishable, [
        {"type": "page_view", "url": "https://www.example.com/pricing", "visitor_id": visitor}], in_address=True)
    assert status == 201, body
