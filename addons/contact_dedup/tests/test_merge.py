from odoo.exceptions import AccessError, UserError

from .common import DedupCase


class TestMerge(DedupCase):

    @classmethod
    def setUpClass(cls):
        super(TestMerge, cls).setUpClass()
        env = cls.env
        tag_shared = env["res.partner.category"].create({"name": "Bakery client"})
        tag_copy = env["res.partner.category"].create({"name": "Trade fair 2026"})
        cls.acme.category_id = [(4, tag_shared.id)]
        cls.acme_copy.category_id = [(4, tag_shared.id), (4, tag_copy.id)]
        cls.lead = env["crm.lead"].create({"name": "Ovens", "partner_id": cls.acme_copy.id})
        # both follow the same lead: the followers collide on (res_model, res_id, partner_id)
        cls.lead.message_subscribe(partner_ids=[cls.acme.id, cls.acme_copy.id])
        cls.attachment = env["ir.attachment"].create({
            "name": "kbis.pdf", "datas": "aGVsbG8=", "res_model": "res.partner", "res_id": cls.acme_copy.id})
        cls.acme_copy.message_post(body="Called about the ovens")
        cls.activity = env["mail.activity"].create({
            "res_model_id": env.ref("base.model_res_partner").id, "res_id": cls.acme_copy.id,
            "summary": "Call back", "activity_type_id": env.ref("mail.mail_activity_data_call").id,
        })
        cls.order = env["sale.order"].create({"partner_id": cls.acme_copy.id})

    def _snapshot(self, wizard, partner_ids):
        """{(table, column): set of rows pointing to these partners}, for every FK to res_partner."""
        cr = self.env.cr
        snapshot = {}
        for table, column in wizard._partner_foreign_keys():
            has_id = wizard._has_column(table, "id")
            if has_id:
                cr.execute('SELECT id FROM "%s" WHERE "%s" IN %%s' % (table, column), (tuple(partner_ids),))
            else:
                cr.execute('SELECT row_to_json(t)::text FROM "%s" t WHERE "%s" IN %%s' % (table, column),
                           (tuple(partner_ids),))
            snapshot[(table, column)] = {row[0] for row in cr.fetchall()}
        return snapshot

    def _merge(self, partners, dest, user):
        Wizard = self.env["contact.dedup.merge"].sudo(user)
        action = Wizard.action_open(partners.sudo(user))
        wizard = Wizard.browse(action["res_id"])
        wizard.dest_partner_id = dest
        return wizard, wizard.action_merge()

    def test_merge_moves_every_reference_found_in_the_catalog(self):
        wizard = self.env["contact.dedup.merge"]
        foreign_keys = wizard._partner_foreign_keys()
        self.assertIn(("sale_order", "partner_id"), foreign_keys)
        self.assertIn(("res_partner_res_partner_category_rel", "partner_id"), foreign_keys)
        before = self._snapshot(wizard, [self.acme.id, self.acme_copy.id])
        followers_before = self.lead.message_follower_ids.filtered(
            lambda follower: follower.partner_id in self.acme | self.acme_copy).mapped("subtype_ids")
        # When the manager merges the copy into the original
        self._merge(self.acme | self.acme_copy, self.acme, self.manager)
        # then no column of the database points to the merged-away partner any more
        after = self._snapshot(wizard, [self.acme_copy.id])
        for (table, column), rows in after.items():
            if (table, column) == ("res_partner", "dedup_merged_into_id"):
                continue
            self.assertFalse(rows, "%s.%s still points to the merged partner" % (table, column))
        # and no linked row was lost: every row with an id that pointed to either now points to the kept one
        kept = self._snapshot(wizard, [self.acme.id])
        for key, rows in before.items():
            if key[0] in ("mail_followers",) or not wizard._has_column(key[0], "id"):
                continue
            if key == ("res_partner", "commercial_partner_id"):
                rows = rows - {self.acme_copy.id}  # the merged record itself
            self.assertLessEqual(rows, kept[key], "rows of %s.%s were lost" % key)
        # the relations came along without duplicates
        self.assertEqual(self.acme.category_id.mapped("name"), ["Bakery client", "Trade fair 2026"])
        followers = self.lead.message_follower_ids.filtered(lambda f: f.partner_id in self.acme | self.acme_copy)
        self.assertEqual(followers.mapped("partner_id"), self.acme)
        self.assertEqual(followers.subtype_ids, followers_before)
        # what the user sees on the kept company
        self.assertEqual(self.lead.partner_id, self.acme)
        self.assertEqual(self.order.partner_id, self.acme)
        self.assertEqual(self.attachment.res_id, self.acme.id)
        self.assertEqual(self.activity.res_id, self.acme.id)
        self.assertIn(self.jean_copy, self.acme.child_ids)
        self.assertEqual(self.jean_copy.commercial_partner_id, self.acme)
        self.assertTrue(any("Called about the ovens" in (m.body or "") for m in self.acme.message_ids))
        self.assertTrue(any("Merged into this contact" in (m.body or "") for m in self.acme.message_ids))
        # the copy is archived with a link to the kept record
        self.assertFalse(self.acme_copy.active)
        self.assertEqual(self.acme_copy.dedup_merged_into_id, self.acme)

    def test_chosen_values_win_and_the_preview_shows_them(self):
        action = self.env["contact.dedup.merge"].action_open(self.acme | self.acme_copy)
        wizard = self.env["contact.dedup.merge"].browse(action["res_id"])
        website = wizard.line_ids.filtered(lambda line: line.field_name == "website")
        # the kept record has no website: the copy's value is proposed and previewed
        self.assertEqual(website.source_partner_id, self.acme_copy)
        self.assertEqual(website.preview, "https://www.acme-industries.fr")
        name = wizard.line_ids.filtered(lambda line: line.field_name == "name")
        name.source_partner_id = self.acme_copy
        wizard.action_merge()
        self.assertEqual(self.acme.name, "ACME INDUSTRIES")
        self.assertEqual(self.acme.website, "https://www.acme-industries.fr")
        self.assertEqual(self.acme.email, "contact@acme-industries.fr")

    def test_any_number_of_contacts_merge_at_once(self):
        third = self.Partner.create({"name": "Jean Dupont", "email": "jdupont@gmail.com"})
        fourth = self.Partner.create({"name": "J. Dupont", "phone": "06 11 22 33 44"})
        self._merge(self.jean | self.jean_copy | third | fourth, self.jean, self.manager)
        self.assertEqual((self.jean_copy | third | fourth).mapped("active"), [False] * 3)
        self.assertTrue(self.jean.active)

    def test_a_company_and_its_own_contact_are_not_merged(self):
        # Given Jean, a contact of Acme, and Acme's other contact (an outside review merged Acme
        # into Jean: the other contact then hung on Jean, a person, without a commercial partner)
        self.assertEqual(self.jean.parent_id, self.acme)
        # when a manager merges the company into its contact, or the contact into its company
        for dest in (self.jean, self.acme):
            with self.assertRaisesRegex(UserError, "a company and its own contacts cannot be merged"):
                self._merge(self.acme | self.jean, dest, self.manager)
        # then nothing moved
        self.assertTrue(self.acme.active and self.jean.active)
        self.assertEqual(self.jean.parent_id, self.acme)
        self.assertEqual(self.other.commercial_partner_id, self.acme)

    def test_a_single_contact_is_refused(self):
        with self.assertRaises(UserError):
            self.env["contact.dedup.merge"].action_open(self.acme)

    def test_group_merge_marks_the_group_merged(self):
        self.Group.scan_partners()
        group = self.group_of(self.jean)
        action = group.sudo(self.manager).action_merge()
        self.env["contact.dedup.merge"].sudo(self.manager).browse(action["res_id"]).action_merge()
        self.assertEqual(group.state, "merged")

    def _posted_invoice(self, partner):
        income = self.env["account.account"].search([
            ("user_type_id", "=", self.env.ref("account.data_account_type_revenue").id),
            ("company_id", "=", self.env.user.company_id.id)], limit=1)
        invoice = self.env["account.invoice"].create({
            "partner_id": partner.id, "type": "out_invoice",
            "invoice_line_ids": [(0, 0, {"name": "Oven", "quantity": 1, "price_unit": 100.0,
                                         "account_id": income.id})]})
        invoice.action_invoice_open()
        return invoice

    def test_merge_rewriting_a_validated_invoice_needs_an_accounting_manager(self):
        # given Jean's validated invoice: its journal items are on his company, Acme
        invoice = self._posted_invoice(self.jean)
        self.assertEqual(invoice.move_id.line_ids.mapped("partner_id"), self.acme)
        self.env["ir.translation"].load_module_terms(["contact_dedup"], ["fr_FR"])
        Wizard = self.env["contact.dedup.merge"].sudo(self.manager)
        wizard = Wizard.browse(Wizard.action_open((self.jean | self.jean_copy).sudo(self.manager))["res_id"])
        wizard.dest_partner_id = self.jean_copy
        # when the sales manager merges Jean into his copy, he is refused, in his language
        with self.assertRaises(AccessError) as refused:
            wizard.with_context(lang="fr_FR").action_merge()
        self.assertIn("seul un responsable de la comptabilité", refused.exception.name)
        self.assertEqual(invoice.partner_id, self.jean)
        # an accounting manager merges them, the invoice going to the kept contact
        self.manager.groups_id = [(4, self.env.ref("account.group_account_manager").id)]
        wizard.action_merge()
        self.assertEqual(invoice.partner_id, self.jean_copy)
        self.assertFalse(self.jean.active)
