import json

import odoo.tests

from ..controllers import common as api_common


@odoo.tests.common.at_install(False)
@odoo.tests.common.post_install(True)
class TestLeadApiHttp(odoo.tests.HttpCase):

    def setUp(self):
        super(TestLeadApiHttp, self).setUp()
        # the server thread works on the registry's test cursor: build the data there
        self.env = self.env(cr=self.registry.test_cr)
        self.team = self.env["crm.team"].create({"name": "API team"})
        self.key, self.secret = self.env["crm.lead.api.key"]._generate({
            "name": "ERP", "team_id": self.team.id, "rate_limit": 0})
        self.Lead = self.env["crm.lead"]

    def post(self, body, headers=None, raw=None):
        all_headers = {"Content-Type": "application/json", "Authorization": "Bearer %s" % self.secret}
        all_headers.update(headers or {})
        url = "http://127.0.0.1:%d/api/crm/v1/leads" % odoo.tools.config["http_port"]
        response = self.opener.post(url, data=raw if raw is not None else json.dumps(body), headers=all_headers,
                                    timeout=30)
        return response.status_code, response.json() if response.content else None

    def count(self):
        return self.Lead.with_context(active_test=False).search_count([("intake_api_key_id", "=", self.key.id)])

    def test_one_lead_is_created_with_utm(self):
        status, body = self.post({"name": "Website quote", "email": "Anne@Example.com", "country": "FR",
                                  "utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "june"})
        self.assertEqual(status, 201, body)
        lead = self.Lead.browse(body["id"])
        self.assertEqual(lead.email_from, "anne@example.com")
        self.assertEqual(lead.team_id, self.team)
        # existing UTM records are reused whatever the case the client sends
        self.assertEqual((lead.source_id.name.lower(), lead.medium_id.name.lower(), lead.campaign_id.name),
                         ("newsletter", "email", "june"))

    def test_bad_input_gets_a_clear_error_and_creates_nothing(self):
        for payload, field in (({"email": "a@b.fr", "name": 12}, "name"),
                               ({"name": "No contact"}, "email"),
                               ({"name": "Bad mail", "email": "nope"}, "email"),
                               ({"name": "Money", "email": "a@b.fr", "expected_revenue": "lots"}, "expected_revenue")):
            status, body = self.post(payload)
            self.assertEqual(status, 400, payload)
            self.assertEqual(body["error"]["field"], field)
            self.assertTrue(body["error"]["message"])
        status, body = self.post(None, raw="{not json")
        self.assertEqual((status, body["error"]["code"]), (400, "invalid_json"))
        self.assertEqual(self.count(), 0)

    def test_bad_or_missing_key_is_401(self):
        status, body = self.post({"name": "X", "email": "a@b.fr"}, headers={"Authorization": "Bearer crm_nope"})
        self.assertEqual((status, body["error"]["code"]), (401, "invalid_key"))
        status, body = self.post({"name": "X", "email": "a@b.fr"}, headers={"Authorization": ""})
        self.assertEqual((status, body["error"]["code"]), (401, "missing_key"))
        # the X-Api-Key header works too
        status, body = self.post({"name": "X", "email": "a@b.fr"},
                                 headers={"Authorization": "", "X-Api-Key": self.secret})
        self.assertEqual(status, 201)

    def test_batch_is_accepted_per_lead(self):
        status, body = self.post({"leads": [{"name": "Good", "email": "g@example.com"},
                                            {"name": "Bad", "email": "bad"},
                                            {"name": "Good 2", "phone": "+33 1 23 45 67 89"}]})
        self.assertEqual(status, 200)
        self.assertEqual((body["created"], body["rejected"]), (2, 1))
        self.assertEqual([result["status"] for result in body["results"]], ["created", "rejected", "created"])
        self.assertEqual(body["results"][1]["error"]["field"], "email")
        self.assertEqual(self.count(), 2)

    def test_oversized_batch_and_body_are_413(self):
        status, body = self.post([{"name": "L", "email": "l@example.com"}] * 501)
        self.assertEqual((status, body["error"]["code"]), (413, "batch_too_large"))
        status, body = self.post(None, raw=json.dumps({"name": "x" * (3 * 1024 * 1024), "email": "a@b.fr"}))
        self.assertEqual((status, body["error"]["code"]), (413, "body_too_large"))
        self.assertEqual(self.count(), 0)

    def test_replayed_idempotency_key_returns_the_first_answer(self):
        headers = {"Idempotency-Key": "order-42"}
        first = self.post({"name": "Once", "email": "once@example.com"}, headers)
        again = self.post({"name": "Once", "email": "once@example.com"}, headers)
        self.assertEqual(first[0], 201)
        self.assertEqual(again, first)
        self.assertEqual(self.count(), 1)

    def test_rate_limit_is_429(self):
        self.key.rate_limit = 2
        api_common.RATE_LIMITER._hits.pop("key:%d" % self.key.id, None)
        statuses = [self.post({"name": "R", "email": "r@example.com"})[0] for _i in range(3)]
        self.assertEqual(statuses, [201, 201, 429])
        self.assertEqual(self.count(), 2)
