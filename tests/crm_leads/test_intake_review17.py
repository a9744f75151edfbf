"""The outside review of issue 17, over real HTTP against a running server: a website form
posted several times at once makes one lead, an Idempotency-Key reused with another body is
refused, a 20 MB body gets a JSON 413 (not a reset connection), 1,000 tags are refused."""
import http.client
import json
import threading
import time
import urllib.parse
import urllib.request

import harness
from lead_forms import load_form, post_form, secret_key

BIG = 20 * 1024 * 1024


def test_a_form_posted_three_times_at_once_makes_one_lead(odoo_server, admin_rpc):
    key_id, _secret, token = secret_key(admin_rpc, "Review 17 form %d" % time.time())
    url = "%s/crm/form/%s/submit" % (odoo_server.url, token)
    # given a visitor's filled form (its page loaded once)
    fields = dict(load_form(odoo_server, token), contact_name="Lucie Double", email="lucie@double.example.fr",
                  message="Trois clics")
    time.sleep(1.2)
    # when the browser posts it three times at the same moment
    answers, start = [], threading.Barrier(3)

    def post():
        start.wait()
        answers.append(post_form(url, fields))

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    # then one post created the lead, the two others got its answer, and one lead exists
    assert sorted(status for status, _answer in answers) == [200, 200, 201], answers
    assert all(answer == answers[0][1] for _status, answer in answers), answers
    assert answers[0][1]["status"] == "created"
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 1
    # and sent again later, still the same answer and no new lead
    assert post_form(url, fields) == (200, answers[0][1])
    # a new page load is a new form: a new lead
    again = dict(load_form(odoo_server, token), contact_name="Lucie Double", email="lucie@double.example.fr")
    time.sleep(1.2)
    assert post_form(url, again)[0] == 201
    # a form embedded before the submission ids (none posted) keeps working
    old = dict(again, submission_id="")
    assert post_form(url, old)[0] == 201
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 3


def test_an_idempotency_key_reused_with_another_body_is_refused(odoo_server, admin_rpc):
    key_id, secret, _token = secret_key(admin_rpc, "Review 17 idempotency %d" % time.time())
    url = odoo_server.url + "/api/crm/v1/leads"
    headers = {"Authorization": "Bearer %s" % secret, "Idempotency-Key": "order-r17-%d" % time.time()}
    status, body, _headers = harness.post_json(url, {"name": "Toit", "email": "toit@example.fr"}, headers)
    assert status == 201, body
    # the same body (keys in another order, other spacing) is a retry: the first answer again
    same = b'{ "email": "toit@example.fr",  "name": "Toit" }'
    assert harness.post_json(url, same, headers)[:2] == (201, body)
    # another body with the same key is refused, naming the reuse, and creates nothing
    status, other, _headers = harness.post_json(url, {"name": "Autre", "email": "autre@example.fr"}, headers)
    assert status == 422 and other["error"]["code"] == "idempotency_key_reused", other
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 1


def _post_raw(odoo_server, path, body, headers):
    """POST ``body`` over one connection; (status, parsed JSON). A reset connection raises."""
    parsed = urllib.parse.urlparse(odoo_server.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    try:
        connection.request("POST", path, body=body, headers=dict(headers, **{"Content-Length": str(len(body))}))
        response = connection.getresponse()
        return response.status, json.loads(response.read().decode())
    finally:
        connection.close()


def test_a_20_mb_body_gets_a_json_413(odoo_server, admin_rpc):
    _key_id, secret, token = secret_key(admin_rpc, "Review 17 big %d" % time.time())
    # a 20 MB lead to the web service: the client reads a 413, not a reset connection
    body = b'{"name": "Big", "email": "big@example.fr", "description": "' + b"x" * BIG + b'"}'
    status, answer = _post_raw(odoo_server, "/api/crm/v1/leads", body,
                               {"Authorization": "Bearer %s" % secret, "Content-Type": "application/json"})
    assert status == 413 and answer["error"]["code"] == "body_too_large", answer
    # the same for a 20 MB website form
    fields = dict(load_form(odoo_server, token), contact_name="Big", email="big@example.fr")
    body = (urllib.parse.urlencode(fields) + "&message=").encode() + b"x" * BIG
    status, answer = _post_raw(odoo_server, "/crm/form/%s/submit" % token, body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and answer["error"]["code"] == "body_too_large", answer
    # and the server still answers
    assert harness.post_json(odoo_server.url + "/api/crm/v1/leads", {"name": "Small", "email": "s@example.fr"},
                             {"Authorization": "Bearer %s" % secret})[0] == 201


def test_a_lead_with_1000_tags_is_refused_naming_the_field(odoo_server, admin_rpc):
    key_id, secret, _token = secret_key(admin_rpc, "Review 17 tags %d" % time.time())
    url = odoo_server.url + "/api/crm/v1/leads"
    tags = ["r17-tag-%d" % number for number in range(1000)]
    status, body, _headers = harness.post_json(url, {"name": "Tags", "email": "tags@example.fr", "tags": tags},
                                               {"Authorization": "Bearer %s" % secret})
    assert status == 400 and body["error"]["code"] == "invalid_value" and body["error"]["field"] == "tags", body
    assert admin_rpc.call("crm.lead.tag", "search_count", [("name", "=like", "r17-tag-%")]) == 0
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 0
    # in a batch, only that lead is rejected
    status, body, _headers = harness.post_json(url, [{"name": "Few", "email": "few@example.fr", "tags": ["r17-a"]},
                                                     {"name": "Many", "email": "m@example.fr", "tags": tags}],
                                               {"Authorization": "Bearer %s" % secret})
    assert status == 200 and (body["created"], body["rejected"]) == (1, 1), body
    assert body["results"][1]["error"]["code"] == "invalid_value"


def test_a_replay_is_answered_once_the_keys_rate_limit_is_reached(odoo_server, admin_rpc):
    key_id, secret, _token = secret_key(admin_rpc, "Review 17 replay limit %d" % time.time())
    admin_rpc.call("crm.lead.api.key", "write", [key_id], {"rate_limit": 2})
    url = odoo_server.url + "/api/crm/v1/leads"
    first = {"Authorization": "Bearer %s" % secret, "Idempotency-Key": "replay-r17-a-%d" % time.time()}
    second = {"Authorization": "Bearer %s" % secret, "Idempotency-Key": "replay-r17-b-%d" % time.time()}
    status, body, _headers = harness.post_json(url, {"name": "Porte", "email": "porte@example.fr"}, first)
    assert status == 201, body
    assert harness.post_json(url, {"name": "Fenêtre", "email": "fenetre@example.fr"}, second)[0] == 201
    # when the key's limit is reached, the client retries its first lead (its answer was lost)
    # then it gets the stored answer, not a 429 (the lead exists: nothing to limit)
    assert harness.post_json(url, {"name": "Porte", "email": "porte@example.fr"}, first)[:2] == (201, body)
    # and a new lead is still limited
    third = {"Authorization": "Bearer %s" % secret, "Idempotency-Key": "replay-r17-c-%d" % time.time()}
    assert harness.post_json(url, {"name": "Volet", "email": "volet@example.fr"}, third)[0] == 429
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 2


def test_another_method_on_the_lead_service_gets_a_json_405(odoo_server):
    for method in ("GET", "DELETE"):
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(odoo_server.url).netloc, timeout=60)
        try:
            connection.request(method, "/api/crm/v1/leads")
            response = connection.getresponse()
            assert response.status == 405
            assert response.getheader("Content-Type").startswith("application/json")
            assert "POST" in response.getheader("Allow")
            assert json.loads(response.read().decode())["error"]["code"] == "method_not_allowed"
        finally:
            connection.close()


def test_a_french_visitor_reads_the_forms_size_and_nul_errors_in_french(odoo_server, admin_rpc):
    admin_rpc.call("ir.translation", "load_module_terms", [], ["crm", "crm_leads"], ["fr_FR"])
    _key_id, _secret, token = secret_key(admin_rpc, "Review 17 French errors %d" % time.time())
    french = {"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "fr-FR,fr;q=0.9"}
    # a form too large to be read (its language is not read either): the browser's language
    fields = dict(load_form(odoo_server, token), contact_name="Grand", email="grand@example.fr")
    body = (urllib.parse.urlencode(fields) + "&message=").encode() + b"x" * (2 * 1024 * 1024)
    status, answer = _post_raw(odoo_server, "/crm/form/%s/submit" % token, body, french)
    assert status == 413 and "trop volumineux" in answer["error"]["message"], answer
    # a NUL character in the name: in French, naming the field (not an internal path)
    fields = dict(load_form(odoo_server, token), contact_name="Jean\x00", email="jean@example.fr", lang="fr_FR")
    status, answer = _post_raw(odoo_server, "/crm/form/%s/submit" % token, urllib.parse.urlencode(fields).encode(),
                               french)
    assert status == 400 and answer["error"]["field"] == "contact_name", answer
    assert "ne peut pas être enregistré" in answer["error"]["message"], answer
    assert "form.contact_name" not in answer["error"]["message"], answer


def test_a_name_too_long_is_refused_with_its_label_and_the_reason(odoo_server, admin_rpc):
    admin_rpc.call("ir.translation", "load_module_terms", [], ["crm", "crm_leads"], ["fr_FR"])
    _key_id, _secret, token = secret_key(admin_rpc, "Review 17 long name %d" % time.time())
    fields = dict(load_form(odoo_server, token), contact_name="J" * 5000, email="jean@example.fr", lang="fr_FR")
    time.sleep(1.5)  # a form sent faster than its minimum time is taken for a bot's
    status, answer = post_form("%s/crm/form/%s/submit" % (odoo_server.url, token), fields)
    assert status == 400 and answer["error"]["field"] == "contact_name", answer
    message = answer["error"]["message"]
    # the visitor reads the field's label and what to do, in French (not the internal name)
    assert "'contact_name'" not in message and "trop long" in message and "256" in message, message


def test_a_phone_without_digits_is_refused_naming_the_phone(odoo_server, admin_rpc):
    key_id, secret, _token = secret_key(admin_rpc, "Review 17 phone %d" % time.time())
    status, body, _headers = harness.post_json(odoo_server.url + "/api/crm/v1/leads",
                                               {"name": "Sans chiffres", "phone": "abc"},
                                               {"Authorization": "Bearer %s" % secret})
    assert status == 400 and body["error"]["field"] == "phone", body
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 0
