from odoo.exceptions import ValidationError

from .common import IntakeCase


class TestIntakePipeline(IntakeCase):

    def test_api_lead_is_cleaned_routed_and_its_salesperson_told(self):
        # given a payload with sloppy spaces, an upper-case e-mail, a country code and UTM
        values = {"name": "  Devis   toiture ", "email_from": "  Jean.Dupont@Example.COM ", "country_code": "fr",
                  "contact_name": "Jean Dupont"}
        # when it goes through the pipeline with the website key
        lead = self.Lead.intake_create(values, "api", api_key=self.key,
                                       utm={"medium": "cpc", "campaign": "Printemps 2026"})
        # then the lead is clean, from the key's source, with the UTM kept
        self.assertEqual(lead.name, "Devis toiture")
        self.assertEqual(lead.email_from, "jean.dupont@example.com")
        self.assertEqual(lead.country_id, self.france)
        self.assertEqual(lead.source_id, self.source)
        self.assertEqual(lead.medium_id.name, "cpc")
        self.assertEqual(lead.campaign_id.name, "Printemps 2026")
        self.assertEqual(lead.intake_channel, "api")
        self.assertEqual(lead.intake_api_key_id, self.key)
        # and the French rule gave it to a salesperson of the team, who has an activity and a message
        self.assertEqual(lead.team_id, self.team)
        self.assertIn(lead.user_id, self.alice | self.bob)
        self.assertEqual(lead.intake_activity_id.user_id, lead.user_id)
        notified = lead.message_ids.mapped("partner_ids")
        self.assertIn(lead.user_id.partner_id, notified)

    def test_invalid_email_from_the_api_creates_nothing(self):
        count = self.Lead.search_count([])
        with self.assertRaises(ValidationError):
            self.Lead.intake_create({"name": "Bad", "email_from": "not-an-email"}, "api", api_key=self.key)
        self.assertEqual(self.Lead.search_count([]), count)

    def test_unknown_country_code_is_refused(self):
        with self.assertRaises(ValidationError):
            self.Lead.intake_create({"name": "Bad", "email_from": "a@b.fr", "country_code": "ZZ"}, "api",
                                    api_key=self.key)

    def test_lead_matching_no_rule_goes_to_the_default_team(self):
        # given the company's default team is Export and a lead from Germany (no rule)
        self.env.user.company_id.intake_default_team_id = self.other_team
        lead = self.Lead.intake_create({"name": "Anfrage", "email_from": "hans@example.de", "country_code": "DE"},
                                       "manual")
        # then it waits, unassigned, in the default team
        self.assertEqual(lead.team_id, self.other_team)
        self.assertFalse(lead.user_id)
        self.assertFalse(lead.intake_activity_id)

    def test_email_channel_keeps_an_odd_address(self):
        lead = self.Lead.intake_create({"name": "Mail", "email_from": "Jean <JEAN@EXAMPLE.COM>"}, "email")
        self.assertEqual(lead.email_from, "jean@example.com")

    def test_wildcards_in_tag_and_campaign_names_are_taken_literally(self):
        # given a tag and a campaign whose names a wildcard lookup would match
        tag = self.env["crm.lead.tag"].create({"name": "50xyoff"})
        campaign = self.env["utm.campaign"].create({"name": "Spring ABC"})
        # when a lead names "50%_off" and the campaign "Spring%"
        lead = self.Lead.intake_create({"name": "Promo", "email_from": "promo@example.fr", "tags": ["50%_off"]},
                                       "api", api_key=self.key, utm={"campaign": "Spring%"})
        # then new ones are made with those exact names, the others are left alone
        self.assertEqual(lead.tag_ids.name, "50%_off")
        self.assertNotEqual(lead.tag_ids, tag)
        self.assertEqual(lead.campaign_id.name, "Spring%")
        self.assertNotEqual(lead.campaign_id, campaign)
