from datetime import datetime, timedelta

from odoo import fields

from .common import IntakeCase


class TestAssignment(IntakeCase):

    def _lead(self, **values):
        vals = {"name": "Lead", "email_from": "x@example.fr", "country_code": "FR"}
        vals.update(values)
        return self.Lead.intake_create(vals, "api", api_key=self.key)

    def test_round_robin_gives_each_salesperson_in_turn(self):
        users = [self._lead().user_id for _i in range(4)]
        self.assertEqual(users[0], users[2])
        self.assertEqual(users[1], users[3])
        self.assertNotEqual(users[0], users[1])

    def test_by_load_goes_to_the_least_busy(self):
        self.rule.distribution = "load"
        self.Lead.create({"name": "Busy", "user_id": self.alice.id})
        self.Lead.create({"name": "Busy 2", "user_id": self.alice.id})
        self.assertEqual(self._lead().user_id, self.bob)

    def test_by_weight_follows_the_shares(self):
        self.rule.distribution = "weight"
        self.rule.member_ids.filtered(lambda member: member.user_id == self.alice).weight = 3
        users = [self._lead().user_id for _i in range(8)]
        self.assertEqual(users.count(self.alice), 6)
        self.assertEqual(users.count(self.bob), 2)

    def test_full_salespeople_get_no_more(self):
        # given both have one open lead and the cap is one
        self.rule.max_open_leads = 1
        self.Lead.create({"name": "Open A", "user_id": self.alice.id})
        self.Lead.create({"name": "Open B", "user_id": self.bob.id})
        # then the new lead stays unassigned in the key's team
        lead = self._lead()
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.team_id, self.team)

    def test_conditions_zip_tag_language(self):
        paris = self.env["crm.lead.assignment.rule"].create({
            "name": "Paris", "sequence": 1, "team_id": self.other_team.id, "zip_prefixes": "75, 92",
            "lang_codes": "fr", "member_ids": [(0, 0, {"user_id": self.carol.id})]})
        self.assertEqual(self._lead(zip="75011", lang="fr_FR").user_id, self.carol)
        self.assertNotEqual(self._lead(zip="69001", lang="fr_FR").user_id, self.carol)
        self.assertNotEqual(self._lead(zip="75011", lang="en_US").user_id, self.carol)
        tag = self.env["crm.lead.tag"].create({"name": "Solar"})
        paris.write({"zip_prefixes": False, "lang_codes": False, "tag_ids": [(6, 0, tag.ids)]})
        self.assertEqual(self._lead(tags=["solar"]).user_id, self.carol)
        self.assertNotEqual(self._lead().user_id, self.carol)

    def test_unattended_lead_is_reassigned_and_the_manager_alerted(self):
        # given a lead nobody touched for two days
        lead = self._lead()
        first = lead.user_id
        two_days_ago = fields.Datetime.to_string(datetime.now() - timedelta(days=2))
        lead.intake_assigned_date = two_days_ago
        # when the cron runs
        self.Lead._cron_reassign_unattended()
        # then the other salesperson has it, with a new activity, and the manager was told
        self.assertNotEqual(lead.user_id, first)
        self.assertIn(lead.user_id, self.alice | self.bob)
        self.assertEqual(lead.intake_activity_id.user_id, lead.user_id)
        self.assertIn(self.manager.partner_id, lead.message_ids.mapped("partner_ids"))

    def test_worked_lead_is_left_alone(self):
        lead = self._lead()
        first = lead.user_id
        lead.intake_assigned_date = fields.Datetime.to_string(datetime.now() - timedelta(days=2))
        # the salesperson marks the follow-up done
        lead.intake_activity_id.action_done()
        self.Lead._cron_reassign_unattended()
        self.assertEqual(lead.user_id, first)
