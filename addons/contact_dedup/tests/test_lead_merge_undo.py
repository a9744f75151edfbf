from .common import DedupCase


class TestLeadMergeUndo(DedupCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadMergeUndo, cls).setUpClass()
        env = cls.env
        Lead = env["crm.lead"].with_context(tracking_disable=True)
        cls.tag_ovens = env["crm.lead.tag"].create({"name": "Ovens"})
        cls.tag_fair = env["crm.lead.tag"].create({"name": "Trade fair"})
        cls.first = Lead.create({
            "name": "Ovens for the bakery", "contact_name": "Paul Durand", "email_from": "paul@durand.fr",
            "description": "Wants two ovens", "planned_revenue": 12000, "tag_ids": [(6, 0, cls.tag_ovens.ids)],
        })
        cls.second = Lead.create({
            "name": "Quote request", "contact_name": "Durand Paul", "email_from": "PAUL@durand.fr",
            "phone": "06 12 34 56 78", "description": "Asked at the fair", "planned_revenue": 3000,
            "tag_ids": [(6, 0, (cls.tag_ovens | cls.tag_fair).ids)],
        })
        cls.first.message_subscribe(partner_ids=cls.acme.ids)
        cls.second.message_subscribe(partner_ids=cls.acme.ids)
        cls.order = env["sale.order"].create({"partner_id": cls.acme.id, "opportunity_id": cls.second.id})
        lead_model = env.ref("crm.model_crm_lead").id
        call = env.ref("mail.mail_activity_data_call").id
        cls.activity_first = env["mail.activity"].create({
            "res_model_id": lead_model, "res_id": cls.first.id, "summary": "Call Paul", "activity_type_id": call})
        cls.activity_second = env["mail.activity"].create({
            "res_model_id": lead_model, "res_id": cls.second.id, "summary": "Send the quote",
            "activity_type_id": call})
        cls.second.message_post(body="Met at the fair")
        cls.Wizard = env["contact.dedup.merge"]

    def _snapshot(self, leads):
        """Each lead's row, and what points to it: every foreign key of the catalog and every
        table naming a record by model and id, rows by id (whole rows for relation tables)."""
        cr = self.env.cr
        snapshot = {}
        for lead in leads:
            # the undo's note on the kept lead is its last message: the rest of the row as it was
            cr.execute("SELECT row_to_json(l)::jsonb - 'write_date' - 'write_uid' - 'message_last_post' "
                       "FROM crm_lead l WHERE id = %s", (lead.id,))
            snapshot[("crm_lead", "row", lead.id)] = cr.fetchone()
            for table, column in self.Wizard._foreign_keys("crm_lead"):
                if table.startswith("contact_dedup_merge"):
                    continue
                has_id = self.Wizard._has_column(table, "id")
                cr.execute('SELECT %s FROM "%s" t WHERE "%s" = %%s' % (
                    "id::text" if has_id else "row_to_json(t)::text", table, column), (lead.id,))
                snapshot[(table, column, lead.id)] = {row[0] for row in cr.fetchall()}
            for table, model_column in self.Wizard._document_tables():
                cr.execute('SELECT id FROM "%s" WHERE res_id = %%s AND "%s" = %%s' % (table, model_column),
                           (lead.id, "crm.lead"))
                snapshot[(table, "res_id", lead.id)] = {row[0] for row in cr.fetchall()}
        return snapshot

    def test_undo_of_a_lead_merge_brings_both_leads_back_with_their_order_and_activities(self):
        leads = self.first | self.second
        before = self._snapshot(leads)
        self.assertTrue(before[("sale_order", "opportunity_id", self.second.id)])
        self.assertTrue(before[("mail_activity", "res_id", self.second.id)])
        self.assertTrue(before[("mail_followers", "res_id", self.second.id)])
        # Given the manager merged the two leads: one is left, with the order and both activities
        kept = leads.sudo(self.manager).merge_opportunity()
        gone = leads - kept
        self.assertFalse(gone.exists())
        self.assertEqual(self.order.opportunity_id, kept)
        self.assertEqual((self.activity_first | self.activity_second).mapped("res_id"), [kept.id, kept.id])
        self.assertEqual(kept.tag_ids, self.tag_ovens | self.tag_fair)
        # When the manager undoes the merge
        log = self.env["contact.dedup.merge.log"].sudo(self.manager).search([
            ("res_model", "=", "crm.lead"), ("dest_id", "=", kept.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.source_ids, str(gone.id))
        log.action_undo()
        self.env["crm.lead"].invalidate_cache()
        # Then both leads are back as they were, and every row points where it pointed before
        self.assertEqual(leads.exists(), leads)
        after = self._snapshot(leads)
        for key, rows in before.items():
            if key[2] == kept.id and key[0] in ("mail_message", "mail_followers", "mail_tracking_value"):
                # the kept lead keeps the notes of the merge and of its undo (new messages)
                self.assertLessEqual(rows, after[key], "%s.%s of #%d" % key)
            else:
                self.assertEqual(after[key], rows, "%s.%s of #%d" % key)
        self.assertEqual(self.order.opportunity_id, self.second)
        self.assertEqual(self.activity_second.res_id, self.second.id)
        self.assertEqual(self.activity_first.res_id, self.first.id)
        self.assertEqual(self.second.tag_ids, self.tag_ovens | self.tag_fair)
        self.assertEqual(self.first.tag_ids, self.tag_ovens)
        self.assertEqual(self.first.description, "Wants two ovens")
        self.assertEqual(self.first.planned_revenue, 12000)
        self.assertTrue(any("Met at the fair" in (message.body or "") for message in self.second.message_ids))
        self.assertEqual(log.state, "undone")

    def test_leads_are_scored_by_the_contacts_model(self):
        # Given two open leads of one person (same e-mail, name in another order)
        self.Group.scan_leads()
        group = self.Group.search([("lead_ids", "in", self.first.ids), ("state", "=", "open")])
        # then they are one group, explained field by field with the model's weights
        self.assertEqual(group.lead_ids, self.first | self.second)
        self.assertIn("same e-mail +", group.reasons)
        self.assertIn("same name +", group.reasons)
        # and typing the e-mail again on a new lead warns with the same probability
        found = self.env["crm.lead"]._dedup_find_leads({"contact_name": "Paul Durand", "email_from": "paul@durand.fr"})
        self.assertEqual({item[0] for item in found}, set((self.first | self.second).ids))
        self.assertAlmostEqual(found[0][1], float(group.score), places=2)
