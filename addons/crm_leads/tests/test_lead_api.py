import json
from unittest.mock import patch

from odoo.tests.common import HOST, PORT, HttpCase, at_install, post_install

from .common import HttpEnvMixin


@at_install(False)
@post_install(True)
class TestLeadApi(HttpEnvMixin, HttpCase):
    """The JSON web service, over HTTP, as a website's back end calls it."""

    def setUp(self):
        super(TestLeadApi, self).setUp()
        # the HTTP requests share the registry's test cursor, not the test's own: write there,
        # and let go of it (it is locked while open) before sending a request
        with self._http_env() as env:
            team = env["crm.team"].create({"name": "API team"})
            values = {"name": "Shop", "team_id": team.id, "rate_limit": 0}
            key, secret = env["crm.lead.api.key"]._generate(values)
            self.key_id = key.id
        self.headers = {"Authorization": "Bearer %s" % secret, "Content-Type": "application/json"}

    def _visitor_ids(self, count):
        """Visitor ids a website may send: handed out (signed) by the server when
        lead_scoring is installed, any text otherwise."""
        with self._http_env() as env:
            if "crm.lead.event" not in env:
                return ["visitor-%d" % number for number in range(1, count + 1)]
            company_id = env["crm.lead.api.key"].browse(self.key_id).company_id.id
            return [env["crm.lead.event"]._visitor_new(company_id) for _number in range(count)]

    def _post(self, body):
        response = self.opener.post("http://%s:%s/api/crm/v1/leads" % (HOST, PORT), data=json.dumps(body),
                                    headers=self.headers, timeout=60)
        if response.status_code == 401:
            # the key exists in this run's database: another server answered
            self.fail("The HTTP server on %s:%s does not know this test's key: another Odoo listens on that "
                      "port (run the tests with a free --http-port, as scripts/test does)." % (HOST, PORT))
        return response.status_code, response.json()

    def test_visitor_id_of_each_lead_reaches_the_intake_pipeline(self):
        # given the pipeline watched where lead_scoring reads the anonymous visitor id
        Lead = type(self.env["crm.lead"])
        original = Lead._intake_prepare_context
        seen = {}

        def watch(model, channel, options):
            context = original(model, channel, options)
            seen[options.get("utm", {}).get("campaign")] = context.get("visitor_id")
            return context

        visitor_1, visitor_2 = self._visitor_ids(2)
        with patch.object(Lead, "_intake_prepare_context", watch):
            # when a website sends one lead, then a batch, each with its visitor's tracking id
            status, body = self._post({"name": "One", "email": "one@example.fr", "utm_campaign": "one",
                                       "visitor_id": " %s " % visitor_1})
            self.assertEqual(status, 201, body)
            status, body = self._post({"leads": [
                {"name": "Two", "email": "two@example.fr", "utm_campaign": "two", "visitor_id": visitor_2},
                {"name": "Three", "email": "three@example.fr", "utm_campaign": "three"},
                {"name": "Bad", "email": "bad@example.fr", "utm_campaign": "bad", "visitor_id": 42}]})
        # then each lead's pipeline got its own visitor id (none for the lead without one)
        self.assertEqual(status, 200, body)
        self.assertEqual(seen, {"one": visitor_1, "two": visitor_2, "three": None})
        # and a visitor id that is not a string is refused with the field at fault
        self.assertEqual((body["created"], body["rejected"]), (2, 1))
        self.assertEqual(body["results"][2]["error"]["field"], "visitor_id")
        with self._http_env() as env:
            created = env["crm.lead"].search([("intake_api_key_id", "=", self.key_id)])
            self.assertEqual(sorted(created.mapped("name")), ["One", "Three", "Two"])

    def test_a_publishable_key_creates_no_lead(self):
        # given the key written in the website's pages for the tracking script
        with self._http_env() as env:
            team = env["crm.team"].search([], limit=1)
            key, secret = env["crm.lead.api.key"]._generate({"name": "Tracker", "team_id": team.id,
                                                             "rate_limit": 0, "key_kind": "publishable"})
            key_id = key.id
        self.headers["Authorization"] = "Bearer %s" % secret
        # when someone posts a lead with it, then it is refused and nothing is created
        status, body = self._post({"name": "Spam", "email": "spam@example.fr"})
        self.assertEqual((status, body["error"]["code"]), (403, "secret_key_required"))
        with self._http_env() as env:
            self.assertFalse(env["crm.lead"].search([("intake_api_key_id", "=", key_id)]))
