from unittest.mock import patch

from odoo.exceptions import ValidationError

from .common import IntakeCase


class TestIntakeBatch(IntakeCase):

    def _items(self, *payloads):
        return [(dict({"name": "Lead %d" % index, "email_from": "b%d@example.fr" % index, "country_code": "FR"},
                      **payload), {"api_key": self.key}) for index, payload in enumerate(payloads)]

    def test_a_refused_lead_of_a_batch_is_rejected_alone_and_leaves_nothing(self):
        # given a batch of five leads, the third with an unknown country and a new tag
        items = self._items({}, {}, {"country_code": "ZZ", "tags": ["Brand new tag"]}, {}, {})
        results = self.Lead.intake_create_batch(items, "api")
        # then it alone is refused, with the reason, and neither it nor its tag exists
        self.assertIsInstance(results[2], ValidationError)
        self.assertIn("ZZ", results[2].name)
        self.assertFalse(self.env["crm.lead.tag"].search([("name", "=", "Brand new tag")]))
        self.assertFalse(self.Lead.search([("email_from", "=", "b2@example.fr")]))
        # and the four others exist, given in turn to each salesperson, each with a follow-up
        leads = [results[index] for index in (0, 1, 3, 4)]
        users = [lead.user_id for lead in leads]
        self.assertEqual(users[0], users[2])
        self.assertEqual(users[1], users[3])
        self.assertEqual(users[0] | users[1], self.alice | self.bob)
        for lead in leads:
            self.assertEqual(lead.intake_activity_id.user_id, lead.user_id)
            self.assertIn(lead.user_id.partner_id, lead.message_ids.mapped("partner_ids"))
        # and the next lead continues the turn
        self.assertEqual(self.Lead.intake_create(items[0][0], "api", api_key=self.key).user_id, users[0])

    def test_the_cap_of_open_leads_holds_within_a_batch(self):
        self.rule.max_open_leads = 1
        results = self.Lead.intake_create_batch(self._items({}, {}, {}), "api")
        self.assertEqual(results[0].user_id | results[1].user_id, self.alice | self.bob)
        # the third finds both salespeople full and waits in the key's team
        self.assertFalse(results[2].user_id)
        self.assertEqual(results[2].team_id, self.team)
        self.assertFalse(results[2].intake_activity_id)

    def test_the_assignment_is_logged_once(self):
        lead = self.Lead.intake_create_batch(self._items({}), "api")[0]
        tracked = lead.message_ids.mapped("tracking_value_ids").filtered(
            lambda value: value.field == "user_id")
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.new_value_integer, lead.user_id.id)

    def test_a_batch_is_imported_like_single_leads_but_without_a_tracking_line_each(self):
        single = self.Lead.intake_create(dict(self._items({})[0][0], email_from="alone@example.fr"), "api",
                                         api_key=self.key)
        leads = self.Lead.intake_create_batch(self._items({}, {"type": "opportunity"}, {}), "api")
        # the defaults are those of a lead taken alone (stage, company, probability), per kind
        for lead in (leads[0], leads[2]):
            self.assertEqual((lead.stage_id, lead.company_id, lead.probability, lead.type, lead.active),
                             (single.stage_id, single.company_id, single.probability, "lead", True))
        self.assertEqual(leads[1].type, "opportunity")
        # no "Stage: New" line nor creator follower on each imported lead, as Odoo's own import
        for lead in leads:
            self.assertFalse(lead.message_ids.mapped("tracking_value_ids"))
            self.assertNotIn(self.env.user.partner_id, lead.message_partner_ids)
            # and yet each assignee is told
            self.assertIn(lead.user_id.partner_id, lead.message_ids.mapped("partner_ids"))
        self.assertIn("stage_id", single.message_ids.mapped("tracking_value_ids.field"))
        self.assertIn(self.env.user.partner_id, single.message_partner_ids)

    def test_a_batch_runs_the_pipeline_once_per_lead_whatever_it_rejects(self):
        # given a batch of ten leads, every other one with an unknown country
        items = self._items(*[{"country_code": "ZZ"} if index % 2 else {} for index in range(10)])
        Lead = type(self.Lead)
        original = Lead._intake_create_one
        runs = []

        def counted(model, values, channel, options):
            runs.append(values["email_from"])
            return original(model, values, channel, options)

        with patch.object(Lead, "_intake_create_one", counted):
            results = self.Lead.intake_create_batch(items, "api")
        # then each lead went through the pipeline once: five rejections cost no re-run
        self.assertEqual(len(runs), 10)
        self.assertEqual([isinstance(result, ValidationError) for result in results], [False, True] * 5)
        created = self.Lead.search([("email_from", "in", ["b%d@example.fr" % index for index in range(10)])])
        self.assertEqual(sorted(created.mapped("email_from")), ["b%d@example.fr" % index for index in (0, 2, 4, 6, 8)])
