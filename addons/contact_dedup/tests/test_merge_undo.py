from odoo.exceptions import AccessError, UserError

from .common import DedupCase


class TestMergeUndo(DedupCase):

    @classmethod
    def setUpClass(cls):
        super(TestMergeUndo, cls).setUpClass()
        env = cls.env
        tag_shared = env["res.partner.category"].create({"name": "Bakery client"})
        tag_copy = env["res.partner.category"].create({"name": "Trade fair 2026"})
        cls.acme.category_id = [(4, tag_shared.id)]
        cls.acme_copy.category_id = [(4, tag_shared.id), (4, tag_copy.id)]
        cls.lead = env["crm.lead"].create({"name": "Ovens", "partner_id": cls.acme_copy.id})
        # both follow the same lead: their follower rows collide when merged
        cls.lead.message_subscribe(partner_ids=[cls.acme.id, cls.acme_copy.id])
        cls.attachment = env["ir.attachment"].create({
            "name": "kbis.pdf", "datas": "aGVsbG8=", "res_model": "res.partner", "res_id": cls.acme_copy.id})
        cls.acme_copy.message_post(body="Called about the ovens")
        cls.order = env["sale.order"].create({"partner_id": cls.acme_copy.id})
        cls.Wizard = env["contact.dedup.merge"]

    def _snapshot(self, partners):
        """What points to each partner: {(table, column, partner id): rows}, rows by id (or whole
        rows for relation tables), over every foreign key of the catalog and every table naming
        a record by model and id; plus each follower's subtypes."""
        cr = self.env.cr
        snapshot = {}
        for partner in partners:
            for table, column in self.Wizard._partner_foreign_keys():
                if table.startswith("contact_dedup_merge"):
                    continue  # the merge's own wizard and log
                has_id = self.Wizard._has_column(table, "id")
                cr.execute('SELECT %s FROM "%s" t WHERE "%s" = %%s' % (
                    "id::text" if has_id else "row_to_json(t)::text", table, column), (partner.id,))
                snapshot[(table, column, partner.id)] = {row[0] for row in cr.fetchall()}
            for table, model_column in self.Wizard._document_tables():
                cr.execute('SELECT id FROM "%s" WHERE res_id = %%s AND "%s" = %%s' % (table, model_column),
                           (partner.id, "res.partner"))
                snapshot[(table, "res_id", partner.id)] = {row[0] for row in cr.fetchall()}
            cr.execute("""SELECT f.id, array_agg(r.mail_message_subtype_id ORDER BY r.mail_message_subtype_id)
                            FROM mail_followers f LEFT JOIN mail_followers_mail_message_subtype_rel r
                              ON r.mail_followers_id = f.id WHERE f.partner_id = %s GROUP BY f.id""", (partner.id,))
            snapshot[("subtypes", "", partner.id)] = {(row[0], tuple(row[1])) for row in cr.fetchall()}
        return snapshot

    def test_the_list_action_opens_with_the_selected_contacts(self):
        # Given a user who selects two contacts in a list and picks Action > Merge duplicates
        action = self.env.ref("contact_dedup.action_contact_dedup_merge_partners")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        wizard = self.Wizard.with_context(active_model="res.partner",
                                          active_ids=[self.acme.id, self.acme_copy.id]).create({})
        # then the wizard holds them, the oldest kept, and the differing values to choose
        self.assertEqual(wizard.partner_ids, self.acme | self.acme_copy)
        self.assertEqual(wizard.dest_partner_id, self.acme)
        self.assertIn("website", wizard.line_ids.mapped("field_name"))

    def test_contacts_of_two_companies_are_not_merged(self):
        other_company = self.env["res.company"].create({"name": "Filiale Lyon"})
        theirs = self.Partner.create({"name": "Acme Industries", "is_company": True, "company_id": other_company.id})
        self.acme.company_id = self.env.ref("base.main_company")
        with self.assertRaises(UserError):
            self.Wizard.browse(self.Wizard.action_open(self.acme | theirs)["res_id"]).action_merge()
        self.assertTrue(theirs.active)

    def test_a_shared_contact_and_a_companys_contact_are_not_merged(self):
        # Given a contact shared between companies and the same of the second company
        other_company = self.env["res.company"].create({"name": "Filiale Lyon"})
        theirs = self.Partner.create({"name": "Acme Industries", "is_company": True, "company_id": other_company.id})
        self.acme.company_id = False
        # When they are merged, either kept, the merge is refused: kept shared, the second
        # company's contact would show in every company
        for kept in (self.acme, theirs):
            wizard = self.Wizard.browse(self.Wizard.action_open(self.acme | theirs)["res_id"])
            wizard.dest_partner_id = kept
            with self.assertRaises(UserError) as refused:
                wizard.action_merge()
            self.assertIn("give them the same company", str(refused.exception))
        self.assertTrue(theirs.active and self.acme.active)
        self.assertFalse(self.acme.company_id)
        # and once both are the second company's, they merge
        self.acme.company_id = other_company
        self.Wizard.browse(self.Wizard.action_open(self.acme | theirs)["res_id"]).action_merge()
        self.assertEqual(len((self.acme | theirs).filtered("active")), 1)

    def test_contacts_with_journal_items_are_merged_by_accounting_managers_only(self):
        if "account.move.line" not in self.env:
            self.skipTest("accounting is not installed")
        company = self.env.user.company_id
        journal = self.env["account.journal"].search([("type", "=", "general"), ("company_id", "=", company.id)],
                                                     limit=1)
        accounts = self.env["account.account"].search([("company_id", "=", company.id),
                                                       ("deprecated", "=", False)], limit=2)
        self.assertTrue(journal and len(accounts) == 2, "the template has a French chart of accounts")
        move = self.env["account.move"].create({"journal_id": journal.id, "line_ids": [
            (0, 0, {"name": "debit", "account_id": accounts[0].id, "partner_id": self.acme_copy.id, "debit": 10}),
            (0, 0, {"name": "credit", "account_id": accounts[1].id, "partner_id": self.acme_copy.id, "credit": 10}),
        ]})
        # a sales manager (who may merge duplicates) is refused, the journal items keep their partner
        wizard = self.Wizard.sudo(self.manager).browse(
            self.Wizard.sudo(self.manager).action_open(self.acme | self.acme_copy)["res_id"])
        with self.assertRaises(AccessError):
            wizard.action_merge()
        self.assertEqual(move.line_ids.mapped("partner_id"), self.acme_copy)
        # an accounting manager merges them
        accountant = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Ada Accountant", "login": "dedup_accountant", "email": "ada@example.com",
            "groups_id": [(6, 0, [self.env.ref("account.group_account_manager").id,
                                  self.env.ref("contact_dedup.group_contact_dedup_manager").id])],
        })
        wizard = self.Wizard.sudo(accountant).browse(
            self.Wizard.sudo(accountant).action_open(self.acme | self.acme_copy)["res_id"])
        wizard.action_merge()
        self.assertEqual(move.line_ids.mapped("partner_id"), self.acme)

    def test_undo_restores_every_row_followers_and_many2many(self):
        partners = self.acme | self.acme_copy | self.jean_copy
        before = self._snapshot(partners)
        self.assertTrue(before[("res_partner_res_partner_category_rel", "partner_id", self.acme_copy.id)])
        self.assertTrue(before[("sale_order", "partner_id", self.acme_copy.id)])
        self.assertTrue(before[("mail_followers", "partner_id", self.acme_copy.id)])
        last_ids = {}
        for table, _column, _partner in before:
            if table != "subtypes" and table not in last_ids and self.Wizard._has_column(table, "id"):
                self.env.cr.execute('SELECT COALESCE(max(id), 0) FROM "%s"' % table)
                last_ids[table] = self.env.cr.fetchone()[0]
        # Given the manager merged the copy into the original, choosing the copy's name
        wizard = self.Wizard.sudo(self.manager).browse(
            self.Wizard.sudo(self.manager).action_open(self.acme | self.acme_copy)["res_id"])
        wizard.line_ids.filtered(lambda line: line.field_name == "name").source_partner_id = self.acme_copy
        wizard.action_merge()
        self.assertFalse(self.acme_copy.active)
        self.assertEqual(self.order.partner_id, self.acme)
        self.assertNotEqual(self._snapshot(partners), before)
        # When the manager undoes the merge
        log = self.env["contact.dedup.merge.log"].sudo(self.manager).search([("dest_id", "=", self.acme.id)])
        self.assertEqual(len(log), 1)
        log.action_undo()
        self.acme.invalidate_cache()
        # Then every row points where it pointed before, followers and tags included
        after = self._snapshot(partners)
        for key, rows in before.items():
            if key[2] == self.acme.id and key[0] in last_ids:
                # the kept contact lost nothing; what is new on it (the notes of the merge and of its
                # undo, their author following it) was created since
                self.assertLessEqual(rows, after[key], "%s.%s of #%d" % key)
                self.assertTrue(all(int(new) > last_ids[key[0]] for new in after[key] - rows), key)
            else:
                self.assertEqual(after[key], rows, "%s.%s of #%d" % key)
        self.assertTrue(self.acme_copy.active)
        self.assertFalse(self.acme_copy.dedup_merged_into_id)
        self.assertEqual(self.acme.name, "Acme Industries SARL")
        self.assertEqual(self.jean_copy.commercial_partner_id, self.acme_copy)
        self.assertEqual(self.order.partner_id, self.acme_copy)
        self.assertEqual(log.state, "undone")
        with self.assertRaises(UserError):
            log.action_undo()

    def test_undo_leaves_the_rows_changed_since_the_merge(self):
        # Given the copy merged into the original, with its order and its lead
        wizard = self.Wizard.sudo(self.manager).browse(
            self.Wizard.sudo(self.manager).action_open(self.acme | self.acme_copy)["res_id"])
        wizard.action_merge()
        self.assertEqual(self.order.partner_id, self.acme)
        # and the order given since to another customer
        third = self.env["res.partner"].create({"name": "Boulangerie Kerouac", "is_company": True})
        self.order.partner_id = third
        # When the merge is undone
        log = self.env["contact.dedup.merge.log"].sudo(self.manager).search([("dest_id", "=", self.acme.id)])
        log.action_undo()
        self.env.clear()
        # Then the order stays with its new customer, the lead goes back to the copy
        self.assertEqual(self.order.partner_id, third)
        self.assertEqual(self.lead.partner_id, self.acme_copy)
        self.assertTrue(self.acme_copy.active)
        # and the note of the undo says a link was left as it is
        notes = self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", self.acme.id)])
        self.assertIn("1 links changed since the merge were left as they are", notes[0].body)

    def test_undo_keeps_what_was_edited_on_the_kept_contact_since(self):
        # Given the copy merged into the original, taking the copy's name and phone
        self.acme_copy.phone = "+33 1 40 00 00 01"
        names = {"acme": self.acme.name, "copy": self.acme_copy.name}
        Wizard = self.Wizard.sudo(self.manager)
        wizard = Wizard.browse(Wizard.action_open(self.acme | self.acme_copy)["res_id"])
        for line in wizard.line_ids.filtered(lambda line: line.field_name in ("name", "phone")):
            line.source_partner_id = self.acme_copy
        wizard.action_merge()
        self.assertEqual(self.acme.phone, "+33 1 40 00 00 01")
        self.assertEqual(self.acme.name, names["copy"])
        # and the phone of the kept contact changed since
        self.acme.phone = "+33 1 99 99 99 99"
        # When the merge is undone
        log = self.env["contact.dedup.merge.log"].sudo(self.manager).search([("dest_id", "=", self.acme.id)])
        log.action_undo()
        self.env.clear()
        # Then its name is back, the phone typed since stays
        self.assertEqual(self.acme.name, names["acme"])
        self.assertEqual(self.acme.phone, "+33 1 99 99 99 99")

    def test_the_merge_takes_its_values_only_from_the_merged_contacts_and_fields(self):
        # Given a merge wizard whose lines are written over RPC
        other = self.Partner.create({"name": "Robert Martinez", "is_company": True})
        Wizard = self.Wizard.sudo(self.manager)
        for change in ({"source_partner_id": other.id}, {"field_name": "company_id"}):
            wizard = Wizard.browse(Wizard.action_open(self.acme | self.acme_copy)["res_id"])
            wizard.line_ids.filtered(lambda line: line.field_name == "name").sudo().write(change)
            # When it is run, then it is refused and nothing is merged
            with self.assertRaises(UserError):
                wizard.action_merge()
            self.assertTrue(self.acme_copy.active)
            self.assertEqual(self.acme.name, "Acme Industries SARL")

    def test_a_merger_of_another_company_neither_merges_nor_undoes_this_ones_contacts(self):
        # Given a member of the merge group who works for the second company only
        other_company = self.env["res.company"].create({"name": "Filiale Lyon"})
        outsider = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Otto Outsider", "login": "dedup_outsider", "email": "otto@example.com",
            "company_id": other_company.id, "company_ids": [(6, 0, [other_company.id])],
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id, self.env.ref("base.group_partner_manager").id,
                                  self.env.ref("sales_team.group_sale_manager").id])]})
        main = self.env.ref("base.main_company")
        (self.acme | self.acme_copy).write({"company_id": main.id})
        # When they merge the first company's contacts, it is refused
        Wizard = self.Wizard.sudo(outsider)
        wizard = Wizard.browse(Wizard.action_open(self.acme | self.acme_copy)["res_id"])
        with self.assertRaises(AccessError):
            wizard.action_merge()
        self.assertTrue(self.acme_copy.active)
        # and so is the undo of that company's merge
        self.Wizard.browse(self.Wizard.action_open(self.acme | self.acme_copy)["res_id"]).action_merge()
        log = self.env["contact.dedup.merge.log"].search([("dest_id", "=", self.acme.id)])
        with self.assertRaises(AccessError):
            log.sudo(outsider).action_undo()
        self.assertEqual(log.state, "done")

    def test_merging_leads_keeps_their_sale_orders(self):
        Lead = self.env["crm.lead"]
        first = Lead.create({"name": "A", "contact_name": "Paul Durand", "email_from": "paul@durand.fr"})
        second = Lead.create({"name": "B", "contact_name": "Durand Paul", "email_from": "PAUL@durand.fr"})
        order = self.env["sale.order"].create({"partner_id": self.acme.id, "opportunity_id": second.id})
        self.Group.scan_leads()
        group = self.Group.search([("lead_ids", "in", first.ids), ("state", "=", "open")])
        group.sudo(self.manager).action_merge()
        kept = (first | second).exists()
        self.assertEqual(len(kept), 1)
        self.assertEqual(order.opportunity_id, kept)

    def test_the_check_while_typing_proposes_only_the_users_company(self):
        other_company = self.env["res.company"].create({"name": "Filiale Lyon"})
        self.Partner.create({"name": "Louise Michel", "email": "louise@commune.fr", "company_id": other_company.id})
        self.assertEqual(self.Partner._dedup_find({"name": "Louise Michel", "email": "louise@commune.fr"}), [])
        found = self.Partner._dedup_find({"name": "Louise Michel", "email": "louise@commune.fr",
                                          "company_id": other_company.id})
        self.assertEqual(len(found), 1)

    def test_the_scan_keeps_each_fields_weights_for_managers(self):
        self.Group.scan_partners()
        weights = self.env["contact.dedup.weight"].sudo(self.manager).search([("kind", "=", "person")])
        by_level = {(row.field_name, row.level): row.weight for row in weights}
        self.assertGreater(by_level[("name", 0)], 0)
        self.assertLess(by_level[("name", 4)], 0)
        self.assertGreater(by_level[("name", 0)], by_level[("name", 1)] - 5)
        with self.assertRaises(AccessError):
            self.env["contact.dedup.weight"].sudo(self.salesman).search([]).read(["weight"])
