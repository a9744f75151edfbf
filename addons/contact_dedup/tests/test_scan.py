from odoo.exceptions import AccessError

from .common import DedupCase


class TestScan(DedupCase):

    def test_scan_groups_the_duplicates_with_scores_and_reasons(self):
        # When the full scan runs
        self.Group.scan_partners()
        # then the company typed twice is one group to review, with its reasons in words
        group = self.group_of(self.acme)
        self.assertEqual(len(group), 1)
        self.assertEqual(set(group.partner_ids.ids), {self.acme.id, self.acme_copy.id})
        self.assertGreaterEqual(group.score, 0.8)
        self.assertIn("same phone", group.reasons)
        contact_group = self.group_of(self.jean)
        self.assertEqual(set(contact_group.partner_ids.ids), {self.jean.id, self.jean_copy.id})
        # and the colleague sharing the company is not proposed
        self.assertFalse(self.group_of(self.other))

    def test_not_a_duplicate_is_remembered(self):
        self.Group.scan_partners()
        group = self.group_of(self.acme)
        group.sudo(self.manager).action_not_duplicate()
        self.assertEqual(group.state, "ignored")
        # a new scan does not propose the pair again
        self.Group.scan_partners()
        self.assertFalse(self.group_of(self.acme))
        self.assertTrue(self.group_of(self.jean))

    def test_scan_twice_gives_the_same_groups(self):
        first = self.Group.scan_partners()
        second = self.Group.scan_partners()
        self.assertEqual(first, second)
        self.assertEqual(len(self.group_of(self.jean)), 1)

    def test_salesman_reviews_but_cannot_dismiss_or_merge(self):
        self.Group.scan_partners()
        group = self.group_of(self.acme).sudo(self.salesman)
        self.assertTrue(group.reasons)
        with self.assertRaises(AccessError):
            group.action_not_duplicate()
        wizard_action = group.action_merge()
        wizard = self.env["contact.dedup.merge"].sudo(self.salesman).browse(wizard_action["res_id"])
        with self.assertRaises(AccessError):
            wizard.action_merge()
        self.assertTrue(self.acme_copy.active)

    def test_lead_scan_groups_leads_of_the_same_person(self):
        Lead = self.env["crm.lead"]
        first = Lead.create({"name": "A", "contact_name": "Paul Durand", "email_from": "paul@durand.fr"})
        second = Lead.create({"name": "B", "contact_name": "Durand Paul", "email_from": "PAUL@durand.fr"})
        self.Group.scan_leads()
        group = self.Group.search([("lead_ids", "in", first.ids), ("state", "=", "open")])
        self.assertEqual(set(group.lead_ids.ids), {first.id, second.id})
        group.sudo(self.manager).action_merge()
        self.assertEqual(group.state, "merged")
        self.assertEqual(len((first | second).exists()), 1)

    def test_each_company_reviews_its_own_duplicates_only(self):
        # Given a second company whose address book holds the same customer twice,
        # and a copy of that customer kept by the main company
        other_company = self.env["res.company"].create({"name": "Filiale Lyon"})
        main_company = self.env.ref("base.main_company")
        values = {"name": "Boulangerie Martin", "is_company": True, "email": "contact@boulangerie-martin.fr",
                  "phone": "04 78 00 11 22", "zip": "69002", "city": "Lyon", "country_id": self.france.id}
        lyon_1 = self.Partner.create(dict(values, company_id=other_company.id))
        lyon_2 = self.Partner.create(dict(values, name="BOULANGERIE MARTIN SARL", company_id=other_company.id))
        ours = self.Partner.create(dict(values, company_id=main_company.id))
        # When the scan runs
        self.Group.scan_partners()
        # Then the second company's pair is proposed, under that company, without our copy
        group = self.group_of(lyon_1)
        self.assertEqual(group.partner_ids, lyon_1 | lyon_2)
        self.assertEqual(group.company_id, other_company)
        self.assertFalse(self.group_of(ours), "records of two companies are never merged together")
        # and a salesman of the main company does not see the other company's group
        self.assertEqual(self.salesman.company_id, main_company)
        visible = self.Group.sudo(self.salesman).search([("id", "=", group.id)])
        self.assertEqual(len(visible), 0)
        self.assertEqual(len(self.Group.search([("id", "=", group.id)])), 1)
