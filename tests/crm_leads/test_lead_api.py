"""The lead web service over real HTTP, against a running server."""
import harness


def _key(admin_rpc):
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    values = {"name": "Pytest client", "team_id": team_id, "rate_limit": 0}
    key_id = admin_rpc.call("crm.lead.api.key", "create", values)
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])
    return key_id, action["context"]["crm_leads_new_key"][str(key_id)]


def test_client_creates_leads_and_a_retry_creates_nothing(odoo_server, admin_rpc):
    key_id, secret = _key(admin_rpc)
    url = odoo_server.url + "/api/crm/v1/leads"
    headers = {"Authorization": "Bearer %s" % secret, "Idempotency-Key": "pytest-batch-1"}
    batch = {"leads": [{"name": "Pose de panneaux", "email": "Marie@Example.FR", "country": "FR",
                        "utm_campaign": "salon-2026"},
                       {"name": "Sans contact"}]}
    # when a client sends a batch of two leads, one without any contact
    status, body, _headers = harness.post_json(url, batch, headers)
    # then the good one is created and the other rejected with the field at fault
    assert status == 200, body
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["results"][1]["error"]["field"] == "email"
    lead = admin_rpc.call("crm.lead", "read", [body["results"][0]["id"]], ["email_from", "campaign_id",
                                                                           "intake_channel"])[0]
    assert lead["email_from"] == "marie@example.fr"
    assert lead["campaign_id"][1] == "salon-2026"
    assert lead["intake_channel"] == "api"
    # when the client retries with the same Idempotency-Key, it gets the same answer and nothing more
    again_status, again, again_headers = harness.post_json(url, batch, headers)
    assert (again_status, again) == (status, body)
    assert again_headers.get("Idempotent-Replayed") == "true"
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 1


def test_wrong_key_and_oversized_body(odoo_server):
    url = odoo_server.url + "/api/crm/v1/leads"
    status, body, _headers = harness.post_json(url, {"name": "x", "email": "a@b.fr"},
                                               {"Authorization": "Bearer crm_not_a_key"})
    assert status == 401 and body["error"]["code"] == "invalid_key"
    status, body, _headers = harness.post_json(url, b"{" + b" " * (3 * 1024 * 1024) + b"}",
                                               {"X-Api-Key": "crm_not_a_key"})
    assert status in (401, 413)


def _post(odoo_server, body, secret, **headers):
    headers = dict({"Authorization": "Bearer %s" % secret}, **headers)
    return harness.post_json(odoo_server.url + "/api/crm/v1/leads", body, headers)


def test_bad_input_gets_the_field_at_fault_and_creates_nothing(odoo_server, admin_rpc):
    key_id, secret = _key(admin_rpc)
    for payload, field in (({"email": "a@b.fr", "name": 12}, "name"),
                           ({"name": "No contact"}, "email"),
                           ({"name": "Bad mail", "email": "nope"}, "email"),
                           ({"name": "Money", "email": "a@b.fr", "expected_revenue": "lots"}, "expected_revenue")):
        status, body, _headers = _post(odoo_server, payload, secret)
        assert status == 400, payload
        assert body["error"]["field"] == field and body["error"]["message"]
    status, body, _headers = _post(odoo_server, b"{not json", secret)
    assert (status, body["error"]["code"]) == (400, "invalid_json")
    status, body, _headers = _post(odoo_server, [{"name": "L", "email": "l@example.com"}] * 501, secret)
    assert (status, body["error"]["code"]) == (413, "batch_too_large")
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 0
    # a single good lead answers 201 with its id, also with the X-Api-Key header
    status, body, _headers = harness.post_json(odoo_server.url + "/api/crm/v1/leads",
                                               {"name": "Ok", "phone": "+33 6 12 34 56 78"}, {"X-Api-Key": secret})
    assert status == 201 and body["status"] == "created"


def test_a_key_over_its_rate_limit_gets_429(odoo_server, admin_rpc):
    key_id, secret = _key(admin_rpc)
    admin_rpc.call("crm.lead.api.key", "write", [key_id], {"rate_limit": 2})
    statuses = [_post(odoo_server, {"name": "R", "email": "r@example.com"}, secret)[0] for _i in range(3)]
    assert statuses == [201, 201, 429]
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 2


def test_values_postgresql_cannot_hold_get_a_400_not_a_server_error(odoo_server, admin_rpc):
    """An outside review got HTML 500 pages for these bodies: the client could not tell its
    fault from ours. Each now gets a JSON 400 naming the problem, and nothing is created."""
    key_id, secret = _key(admin_rpc)
    nul_name = '{"name": "Pose\\u0000", "email": "a@example.com"}'.encode()
    surrogate = '{"name": "x \\ud800", "email": "a@example.com"}'.encode()
    bodies = {
        nul_name: "invalid_value",
        b'{"name": "n", "email": "a@example.com", "tags": ["t\\u0000"]}': "invalid_value",
        surrogate: "invalid_value",
        b'{"name": "n", "email": "a@example.com", "expected_revenue": NaN}': "invalid_json",
        b'{"name": "n", "email": "a@example.com", "expected_revenue": Infinity}': "invalid_json",
        b'{"name": "n", "email": "a@example.com", "expected_revenue": 1e308}': "invalid_value",
        b'{"name": "n", "email": "a@example.com", "expected_revenue": 1' + b"0" * 400 + b'}': "invalid_value",
        b"[" * 5000 + b"]" * 5000: "invalid_json",
    }
    for body, code in bodies.items():
        status, answer, _headers = _post(odoo_server, body, secret)
        assert (status, isinstance(answer, dict) and answer["error"]["code"]) == (400, code), body[:80]
    # a country code with LIKE wildcards is an unknown country, not a server error
    status, answer, _headers = _post(odoo_server, {"name": "n", "email": "a@example.com", "country": "F_"}, secret)
    assert status == 400 and "F_" in answer["error"]["message"], answer
    # a NUL in the Idempotency-Key header
    status, answer, _headers = _post(odoo_server, {"name": "n", "email": "a@example.com"}, secret,
                                     **{"Idempotency-Key": "k\x00k"})
    assert status == 400 and answer["error"]["code"] == "invalid_header", answer
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 0
    # and a good lead still goes through, with its revenue
    status, answer, _headers = _post(odoo_server, {"name": "Ok", "email": "a@example.com",
                                                   "expected_revenue": 1200.5, "country": "fr"}, secret)
    assert status == 201, answer
