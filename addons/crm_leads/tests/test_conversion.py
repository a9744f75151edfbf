from odoo.exceptions import UserError

from .common import IntakeCase


class TestConversion(IntakeCase):

    def _qualified(self, **values):
        vals = {"name": "Projet", "email_from": "claire@acme.fr", "contact_name": "Claire Martin",
                "qualification_need": "Toiture", "qualification_budget": "20 k", "qualification_timing": "Q3"}
        vals.update(values)
        lead = self.Lead.intake_create(vals, "manual")
        lead.action_qualify()
        return lead

    def test_unqualified_lead_does_not_convert(self):
        lead = self.Lead.intake_create({"name": "Vague", "email_from": "v@example.fr"}, "manual")
        with self.assertRaises(UserError):
            lead.action_qualify()
        with self.assertRaises(UserError):
            lead.action_convert_qualified()
        self.assertEqual(lead.type, "lead")

    def test_qualify_sets_temperature(self):
        self.assertEqual(self._qualified().temperature, "warm")
        self.assertEqual(self._qualified(qualification_decision_maker=True).temperature, "hot")

    def test_b2b_creates_company_and_contact(self):
        lead = self._qualified(partner_name="ACME Toitures")
        lead.action_convert_qualified()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id.name, "Claire Martin")
        self.assertEqual(lead.partner_id.parent_id.name, "ACME Toitures")
        self.assertIs(lead.partner_id.parent_id.is_company, True)

    def test_b2c_creates_a_person(self):
        lead = self._qualified()
        lead.action_convert_qualified()
        self.assertEqual(lead.partner_id.name, "Claire Martin")
        self.assertFalse(lead.partner_id.is_company)
        self.assertFalse(lead.partner_id.parent_id)

    def test_existing_partner_is_reused(self):
        # given a known customer with the same e-mail in another case
        known = self.env["res.partner"].create({"name": "Claire M.", "email": "Claire@Acme.fr"})
        lead = self._qualified()
        lead.action_convert_qualified()
        self.assertEqual(lead.partner_id, known)
        # and a known company by name, ignoring case: the contact is created under it
        company = self.env["res.partner"].create({"name": "Dupont SA", "is_company": True})
        lead = self._qualified(email_from="paul@dupont.fr", contact_name="Paul", partner_name="DUPONT sa")
        lead.action_convert_qualified()
        self.assertEqual(lead.partner_id.parent_id, company)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=ilike", "dupont sa")]), 1)

    def test_find_partner_contract(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner._intake_find_partner({"email": "nobody_x@nowhere.example"}))
        self.assertFalse(Partner._intake_find_partner({}))
