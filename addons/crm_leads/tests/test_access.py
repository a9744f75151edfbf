from odoo.exceptions import AccessError

from .common import IntakeCase


class TestAccess(IntakeCase):

    def test_salesman_sees_own_and_team_leads_not_other_teams(self):
        own = self.Lead.create({"name": "Own", "user_id": self.alice.id, "team_id": self.team.id})
        team = self.Lead.create({"name": "Team", "user_id": self.bob.id, "team_id": self.team.id})
        other = self.Lead.create({"name": "Other", "user_id": self.carol.id, "team_id": self.other_team.id})
        visible = self.Lead.sudo(self.alice).search([("id", "in", (own | team | other).ids)])
        self.assertEqual(visible, own | team)
        with self.assertRaises(AccessError):
            other.sudo(self.alice).read(["name"])

    def test_manager_sees_all(self):
        other = self.Lead.create({"name": "Other", "user_id": self.carol.id, "team_id": self.other_team.id})
        self.assertEqual(self.Lead.sudo(self.manager).search([("id", "=", other.id)]), other)

    def test_portal_sees_no_lead_and_no_rule(self):
        with self.assertRaises(AccessError):
            self.Lead.sudo(self.portal).search([])
        with self.assertRaises(AccessError):
            self.env["crm.lead.assignment.rule"].sudo(self.portal).search([])

    def test_other_company_leads_are_hidden(self):
        company = self.env["res.company"].create({"name": "Filiale"})
        hidden = self.Lead.create({"name": "Filiale lead", "company_id": company.id, "user_id": False})
        self.assertFalse(self.Lead.sudo(self.manager).search([("id", "=", hidden.id)]))

    def test_salesman_reads_rules_but_cannot_change_them(self):
        self.assertIn(self.rule, self.env["crm.lead.assignment.rule"].sudo(self.alice).search([]))
        with self.assertRaises(AccessError):
            self.rule.sudo(self.alice).write({"name": "Mine"})
