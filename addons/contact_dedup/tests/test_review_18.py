from odoo.exceptions import AccessError, UserError, ValidationError

from .common import DedupCase


class TestReview18(DedupCase):
    """What the outside review of issue 18 broke: access, safety and error messages."""

    @classmethod
    def setUpClass(cls):
        super(TestReview18, cls).setUpClass()
        cls.Lead = cls.env["crm.lead"].with_context(tracking_disable=True)
        cls.Wizard = cls.env["contact.dedup.merge"]

    def _merge(self, partners, dest, user=None):
        Wizard = self.Wizard.sudo(user) if user else self.Wizard
        wizard = Wizard.browse(Wizard.action_open(partners.sudo(user) if user else partners)["res_id"])
        wizard.dest_partner_id = dest
        wizard.action_merge()
        return self.env["contact.dedup.merge.log"].search([("dest_id", "=", dest.id)], limit=1)

    def _stored(self, partner, column):
        self.env.cr.execute('SELECT "%s" FROM res_partner WHERE id = %%s' % column, (partner.id,))
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ 1, 2
    def test_the_lead_check_names_only_leads_the_user_may_read(self):
        # Given an unassigned lead and a lead of another company, both with a known e-mail
        other_company = self.env["res.company"].create({"name": "Filiale B18"})
        self.Lead.create({"name": "Devis Verlaine", "contact_name": "Paul Verlaine",
                          "email_from": "paul@verlaine.fr", "user_id": False})
        self.Lead.create({"name": "Devis Rimbaud", "contact_name": "Arthur Rimbaud",
                          "email_from": "arthur@rimbaud.fr", "user_id": False, "company_id": other_company.id})
        # When a salesman (own documents) types the first e-mail, no error and no name of the lead
        typed = self.Lead.sudo(self.salesman).new({"contact_name": "Paul Verlaine", "email_from": "paul@verlaine.fr"})
        self.assertEqual(typed._onchange_dedup_warning(), {})
        # When a sales manager types the other company's e-mail, that lead is not revealed
        typed = self.Lead.sudo(self.manager).new({"contact_name": "Arthur Rimbaud", "email_from": "arthur@rimbaud.fr"})
        self.assertEqual(typed._onchange_dedup_warning(), {})
        # but the manager is warned about a lead of the own company
        typed = self.Lead.sudo(self.manager).new({"contact_name": "Paul Verlaine", "email_from": "paul@verlaine.fr"})
        self.assertIn("Devis Verlaine", typed._onchange_dedup_warning()["warning"]["message"])

    def test_block_mode_tells_a_visitor_no_lead_name(self):
        self.set_mode("block")
        self.Lead.intake_create({"name": "Devis Verlaine", "contact_name": "Paul Verlaine",
                                 "email_from": "paul@verlaine.fr"}, "form")
        with self.assertRaises(ValidationError) as refused:
            self.Lead.intake_create({"name": "Quote", "contact_name": "Paul Verlaine",
                                     "email_from": "paul@verlaine.fr"}, "form")
        self.assertNotIn("Verlaine", refused.exception.name)

    # ------------------------------------------------------------------ 3, 4
    def test_an_older_merge_is_undone_only_after_the_newer_one(self):
        order = self.env["sale.order"].create({"partner_id": self.acme_copy.id})
        group = self.Partner.create({"name": "Acme Group", "is_company": True})
        first = self._merge(self.acme | self.acme_copy, self.acme)
        second = self._merge(group | self.acme, group)
        self.assertEqual(order.partner_id, group)
        # undoing the older merge first is refused, and changes nothing
        with self.assertRaises(UserError) as refused:
            first.action_undo()
        self.assertIn("#%d" % second.id, refused.exception.name)
        self.assertEqual(first.state, "done")
        self.assertFalse(self.acme_copy.active)
        # in the right order, every link comes back to its contact
        second.action_undo()
        first.action_undo()
        self.assertTrue(self.acme.active and self.acme_copy.active)
        self.assertFalse(self.acme_copy.dedup_merged_into_id)
        self.assertEqual(order.partner_id, self.acme_copy)
        self.assertEqual(self.jean_copy.parent_id, self.acme_copy)

    def test_children_show_their_own_company_after_merge_and_undo(self):
        log = self._merge(self.acme | self.acme_copy, self.acme)
        self.assertEqual(self._stored(self.jean_copy, "display_name"), "Acme Industries SARL, DUPONT, Jean")
        log.action_undo()
        self.assertEqual(self._stored(self.jean_copy, "display_name"), "ACME INDUSTRIES, DUPONT, Jean")
        self.assertEqual(self._stored(self.jean_copy, "commercial_partner_id"), self.acme_copy.id)

    # ------------------------------------------------------------------ 10, 13
    def test_the_contact_of_a_company_or_a_user_is_never_merged_away(self):
        company_partner = self.env.user.company_id.partner_id
        newcomer = self.Partner.create({"name": company_partner.name, "is_company": True,
                                        "company_id": company_partner.company_id.id})
        with self.assertRaises(UserError):
            self._merge(company_partner | newcomer, newcomer, self.manager)
        self.assertTrue(company_partner.active)
        self.assertEqual(self.env.user.company_id.partner_id, company_partner)
        with self.assertRaises(UserError):
            self._merge(self.salesman.partner_id | self.manager.partner_id, self.manager.partner_id, self.manager)
        self.assertTrue(self.salesman.partner_id.active)
        # kept, such a contact takes the duplicate in
        self._merge(company_partner | newcomer, company_partner, self.manager)
        self.assertFalse(newcomer.active)

    def test_a_cross_company_merge_says_why_to_a_manager(self):
        # a sister company: its contacts are shared (Odoo's partner rule is off), not the company itself
        main = self.env.ref("base.main_company")
        branch = self.env["res.company"].create({"name": "Filiale B18"})
        theirs = self.Partner.create({"name": "Acme Industries", "is_company": True, "company_id": branch.id})
        self.acme.company_id = main
        wizard = self.Wizard.sudo(self.manager).browse(
            self.Wizard.sudo(self.manager).action_open((self.acme | theirs).sudo(self.manager))["res_id"])
        with self.assertRaises(UserError) as refused:
            wizard.action_merge()
        self.assertNotIsInstance(refused.exception, AccessError)
        self.assertIn("Filiale B18", refused.exception.name)

    # ------------------------------------------------------------------ 11
    def test_block_mode_refuses_editing_a_contact_into_a_copy(self):
        self.set_mode("block")
        louise = self.Partner.create({"name": "Louise Michel", "email": "louise@commune.fr"})
        with self.assertRaises(ValidationError):
            louise.write({"name": "Marie Curie", "email": "marie.curie@acme-industries.fr"})
        self.assertEqual(self._stored(louise, "name"), "Louise Michel")
        # an edit that makes no new duplicate goes through, also on a pair known before
        louise.write({"phone": "01 45 00 00 01"})
        self.jean.write({"function": "Buyer", "phone": "01 45 00 00 02"})

    def test_block_mode_import_says_which_contact_exists(self):
        self.set_mode("block")
        rows = [["Louise Michel", "louise@commune.fr"], ["Dupont Jean", "jean.dupont@acme-industries.fr"]]
        result = self.Partner.load(["name", "email"], rows)
        self.assertFalse(result["ids"])
        messages = [message["message"] for message in result["messages"]]
        self.assertEqual(len(messages), 1)
        self.assertIn("This contact already exists", messages[0])
        self.assertIn("Jean Dupont", messages[0])
        self.assertNotIn("class", messages[0])

    # ------------------------------------------------------------------ 15, 16
    def test_a_group_is_found_by_a_contact_name(self):
        self.Group.scan_partners()
        found = self.Group.name_search("Dupont")
        self.assertEqual([group_id for group_id, _name in found], self.group_of(self.jean).ids)
        self.assertEqual(self.Group.search([("name", "ilike", "Acme")]), self.group_of(self.acme))

    def test_a_salesman_cannot_run_the_scan(self):
        with self.assertRaises(AccessError):
            self.Group.sudo(self.salesman).action_scan()
        with self.assertRaises(AccessError):
            self.Group.sudo(self.salesman).scan_partners()

    # ------------------------------------------------------------------ 17
    def test_a_merge_from_the_contact_list_closes_the_group(self):
        self.Group.scan_partners()
        group = self.group_of(self.acme)
        self.assertEqual(group.partner_ids, self.acme | self.acme_copy)
        self._merge(self.acme | self.acme_copy, self.acme, self.manager)
        self.assertEqual(group.state, "merged")

    def test_a_user_without_an_email_address_merges_and_undoes(self):
        self.manager.partner_id.email = False
        log = self._merge(self.acme | self.acme_copy, self.acme, self.manager)
        self.assertFalse(self.acme_copy.active)
        log.sudo(self.manager).action_undo()
        self.assertTrue(self.acme_copy.active)

    # ------------------------------------------------------------------ 12
    def test_a_sales_manager_sets_the_threshold_and_a_wrong_one_is_refused(self):
        Settings = self.env["contact.dedup.settings"].sudo(self.manager)
        Settings.create({"threshold": 0.8, "mode": "warn"}).action_save()
        self.assertEqual(self.Group._dedup_threshold(), 0.8)
        for wrong in (1.5, 0, -1):
            with self.assertRaises(ValidationError):
                Settings.create({"threshold": wrong, "mode": "warn"}).action_save()
        self.assertEqual(self.Group._dedup_threshold(), 0.8)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"contact_dedup_threshold": 1.5}).execute()
        self.assertEqual(self.Group._dedup_threshold(), 0.8)
        with self.assertRaises(AccessError):
            self.env["contact.dedup.settings"].sudo(self.salesman).create({"threshold": 0.5}).action_save()
        self.assertEqual(self.Group._dedup_threshold(), 0.8)

    # ------------------------------------------------------------------ 14
    def test_a_french_user_reads_reasons_and_weights_in_french(self):
        self.env["ir.translation"].load_module_terms(["contact_dedup"], ["fr_FR"])
        # the scan runs in English (the scheduler), a French manager reads the result
        self.Group.with_context(lang="en_US").scan_partners()
        group = self.group_of(self.acme).sudo(self.manager).with_context(lang="fr_FR")
        self.assertIn("même téléphone", group.reasons_text)
        self.assertNotIn("same", group.reasons_text)
        self.assertIn("same phone", self.group_of(self.acme).with_context(lang="en_US").reasons_text)
        weights = self.env["contact.dedup.weight"].sudo(self.manager).with_context(lang="fr_FR").search(
            [("kind", "=", "person"), ("field_name", "=", "phone"), ("level", "=", 0)])
        self.assertEqual(weights.level_name, "même téléphone")
        labels = dict(weights.fields_get(["field_name"])["field_name"]["selection"])
        self.assertEqual(labels["phone"], "Téléphone")

    # ------------------------------------------------------------------ 8
    def test_not_a_duplicate_on_one_pair_keeps_the_true_pair(self):
        branch = self.Partner.create({"name": "Acme Industries Lyon", "is_company": True, "vat": "FR40303265045",
                                      "website": "https://www.acme-industries.fr", "zip": "69002", "city": "Lyon"})
        low, high = sorted([self.acme.id, self.acme_copy.id])
        group = self.Group.create({"res_model": "res.partner", "record_count": 3, "score": 0.99,
                                   "partner_ids": [(6, 0, (self.acme | self.acme_copy | branch).ids)],
                                   "pair_ids": [(0, 0, {"record_low": low, "record_high": high, "score": 0.99}),
                                                (0, 0, {"record_low": self.acme.id, "record_high": branch.id,
                                                        "score": 0.95}),
                                                (0, 0, {"record_low": self.acme_copy.id, "record_high": branch.id,
                                                        "score": 0.93})]})
        group = group.sudo(self.manager)
        for pair in group.pair_ids.filtered(lambda pair: pair.record_high == branch.id):
            pair.action_not_duplicate()
        self.assertEqual(group.state, "open")
        self.assertEqual(group.partner_ids, self.acme | self.acme_copy)
        self.assertEqual(len(group.pair_ids), 1)
        # and the branch is never proposed with them again
        self.assertIn(branch.id, self.env["res.partner"]._dedup_excluded_with(self.acme.ids))
        self.assertIn(branch.id, self.env["res.partner"]._dedup_excluded_with(self.acme_copy.ids))
