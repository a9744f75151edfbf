import time

from odoo.tests.common import at_install, post_install

from .common import IntakeCase


class TestWebsiteForm(IntakeCase):

    def _posted(self, **values):
        posted = {"ts": self.key._form_sign(now=time.time() - 30), "contact_name": "Jeanne Martin",
                  "company_name": "Boulangerie Martin", "email": "Jeanne@Martin.example.fr",
                  "message": "Un devis pour 12 panneaux"}
        posted.update(values)
        return posted

    def test_visitor_form_creates_a_routed_lead_from_the_key(self):
        # given the key's form, sent by a visitor after 30 seconds
        status, answer = self.key._form_submit(self._posted(country="FR"))
        # then the visitor is thanked and a lead of the form channel exists with the key's source
        self.assertEqual(status, 201)
        self.assertEqual(answer["status"], "created")
        lead = self.Lead.search([("email_from", "=", "jeanne@martin.example.fr")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.intake_channel, "form")
        self.assertEqual(lead.intake_api_key_id, self.key)
        self.assertEqual(lead.source_id, self.source)
        self.assertEqual(lead.partner_name, "Boulangerie Martin")
        self.assertEqual(lead.description, "Un devis pour 12 panneaux")
        # and the French assignment rule gave it to a salesperson of the team
        self.assertEqual(lead.team_id, self.team)
        self.assertIn(lead.user_id, self.alice | self.bob)

    def test_bots_are_counted_as_spam_and_create_nothing(self):
        # given the answer a person's form gets
        real = self.key._form_submit(self._posted(email="real.person@martin.example.fr"))
        self.assertEqual(real[0], 201)
        before = self.Lead.search_count([])
        # a bot filling the hidden field, one posting within a second, one without the signed time
        for posted in (self._posted(website_url="http://cheap.example"),
                       self._posted(ts=self.key._form_sign(now=time.time())),
                       self._posted(ts="1700000000.forged")):
            status, answer = self.key._form_submit(posted)
            # then the bot learns nothing: the same status and answer as a person's form
            self.assertEqual((status, answer), real)
        self.assertEqual(self.Lead.search_count([]), before)
        self.assertEqual(self.key.form_spam_count, 3)

    def test_visitor_mistakes_get_a_clear_message_and_create_nothing(self):
        before = self.Lead.search_count([])
        status, answer = self.key._form_submit(self._posted(email="jeanne@", phone=""))
        self.assertEqual(status, 400)
        self.assertEqual(answer["error"]["field"], "email")
        self.assertIn("e-mail", answer["error"]["message"])
        # a page left open for two days
        status, answer = self.key._form_submit(self._posted(ts=self.key._form_sign(now=time.time() - 3 * 86400)))
        self.assertEqual((status, answer["error"]["code"]), (400, "form_expired"))
        self.assertEqual(self.Lead.search_count([]), before)
        self.assertEqual(self.key.form_spam_count, 0)

    def test_french_visitor_reads_french_messages(self):
        # given the French translation of the addon loaded
        self.env["ir.translation"].load_module_terms(["crm_leads"], ["fr_FR"])
        # when a French visitor sends a wrong e-mail, then the error is in French
        status, answer = self.key.with_context(lang="fr_FR")._form_submit(self._posted(email="x", phone=""))
        self.assertEqual(status, 400)
        self.assertEqual(answer["error"]["message"], "Saisissez une adresse e-mail valide ou un numéro de téléphone.")
        # and a created lead thanks the visitor in French
        status, answer = self.key.with_context(lang="fr_FR")._form_submit(self._posted())
        self.assertEqual((status, answer["message"]), (201, "Merci ! Nous vous contacterons très bientôt."))

    def test_revoked_key_has_no_form_and_snippet_names_the_form(self):
        self.assertIn("/crm/form/%s/embed.js" % self.key.form_token, self.key.form_snippet)
        self.assertEqual(self.env["crm.lead.api.key"]._form_key(self.key.form_token), self.key)
        self.key.action_revoke()
        self.assertFalse(self.env["crm.lead.api.key"]._form_key(self.key.form_token))


@at_install(False)
@post_install(True)
class TestWebsiteFormWithPeers(IntakeCase):
    """Once every addon of the database is installed (lead_scoring may be among them)."""

    def test_visitor_id_is_kept_when_lead_scoring_tracks_visitors(self):
        if "visitor_id" not in self.Lead._fields:
            self.skipTest("lead_scoring is not installed: leads keep no visitor id")
        # the tracking script's visitor id, handed out by the server to the key's company
        visitor = self.env["crm.lead.event"]._visitor_new(self.key.company_id.id)
        self.key._form_submit(TestWebsiteForm._posted(self, visitor_id=visitor))
        lead = self.Lead.search([("email_from", "=", "jeanne@martin.example.fr")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.visitor_id, visitor)

    def test_a_made_up_visitor_id_never_loses_the_form_lead(self):
        if "visitor_id" not in self.Lead._fields:
            self.skipTest("lead_scoring is not installed: leads keep no visitor id")
        # when a form carries a visitor id the server never handed out
        status, _answer = self.key._form_submit(TestWebsiteForm._posted(self, visitor_id="visitor-123"))
        # then the person's lead is created, without that visitor (and its events)
        self.assertEqual(status, 201)
        lead = self.Lead.search([("email_from", "=", "jeanne@martin.example.fr")])
        self.assertEqual(len(lead), 1)
        self.assertFalse(lead.visitor_id)
