import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

# fields the user chooses value by value; the kept record's other fields stay as they are
MERGE_FIELDS = ("name", "parent_id", "function", "email", "phone", "mobile", "street", "street2", "zip", "city",
                "state_id", "country_id", "vat", "website", "lang", "title", "user_id", "ref", "comment")


def _display(value):
    if isinstance(value, models.BaseModel):
        return value.display_name or ""
    return "" if value in (False, None) else "%s" % value


class ContactDedupMerge(models.TransientModel):
    _name = "contact.dedup.merge"
    _description = "Merge duplicate contacts"

    group_id = fields.Many2one("contact.dedup.group", readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Contacts to merge", context={"active_test": False})
    dest_partner_id = fields.Many2one(
        "res.partner",
        string="Keep",
        required=True,
        help="The contact that stays; the others are archived with a link to it.",
    )
    line_ids = fields.One2many("contact.dedup.merge.line", "wizard_id", string="Values")

    @api.model
    def default_get(self, fields_list):
        """Opened from a contact list (*Action > Merge duplicates*): the selected contacts."""
        result = super(ContactDedupMerge, self).default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids") and not result.get(
                "partner_ids"):
            partners = self.env["res.partner"].browse(context["active_ids"])
            result.update(self._prepare_values(partners))
        return result

    @api.model
    def _prepare_values(self, partners, group=None):
        """Wizard values for these partners: the oldest kept, each differing field pre-filled."""
        partners = partners.exists()
        if len(partners) < 2:
            raise UserError(_("Select at least two contacts to merge."))
        dest = partners.sorted(lambda partner: (not partner.active, partner.id))[0]
        lines = []
        for field_name in MERGE_FIELDS:
            values = [(partner, partner[field_name]) for partner in partners]
            shown = {_display(value) for _partner, value in values}
            if len(shown) < 2:
                continue
            source = dest if dest[field_name] else next(partner for partner, value in values if value)
            lines.append((0, 0, {"field_name": field_name, "source_partner_id": source.id}))
        return {
            "group_id": group.id if group else False,
            "partner_ids": [(6, 0, partners.ids)],
            "dest_partner_id": dest.id,
            "line_ids": lines,
        }

    @api.model
    def action_open(self, partners, group=None):
        """A merge wizard on these partners, the oldest kept and each differing field pre-filled."""
        wizard = self.create(self._prepare_values(partners, group))
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge contacts"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    # ------------------------------------------------------------ merge
    @api.multi
    def action_merge(self):
        """Merge, in one transaction: chosen values on the kept contact, every reference moved,
        the others archived with a link, a note in the chatter."""
        self.ensure_one()
        if not self.env.user.has_group("contact_dedup.group_contact_dedup_manager"):
            raise AccessError(_("Only members of the group Merge duplicates may merge contacts."))
        dest = self.dest_partner_id
        sources = self.partner_ids - dest
        if dest not in self.partner_ids or not sources:
            raise UserError(_("Keep one of the contacts being merged, and merge at least one other."))
        self._check_merge_allowed(self.partner_ids, dest)
        self._check_lines()
        Partner = self.env["res.partner"].with_context(active_test=False)
        previous = {"parent_id": dest.parent_id.id}
        if dest.parent_id in sources:
            # the kept contact was a child of a merged company: it becomes independent, not its own parent
            self.env.cr.execute("UPDATE res_partner SET parent_id = NULL WHERE id = %s", (dest.id,))
        values = {}
        for line in self.line_ids:
            value = line.source_partner_id[line.field_name]
            if isinstance(value, models.BaseModel):
                value = False if value._name == "res.partner" and value in sources else value.id
            values[line.field_name] = value
            old = dest[line.field_name]
            previous[line.field_name] = old.id if isinstance(old, models.BaseModel) else old
        self._check_accounting_untouched(sources, dest, values)
        log = []
        with self.env.cr.savepoint():
            groups = self._open_groups_of(sources)
            self._move_references(sources, dest, log)
            self.invalidate_cache()
            sources = sources.with_context(active_test=False)
            sources.write({"active": False})
            sources.sudo().write({"dedup_merged_into_id": dest.id})  # the merge's link, the application's
            dest = dest.with_context(contact_dedup_force=True)
            if values:
                dest.write(values)
            family = Partner.search([("id", "child_of", dest.id)])
            self.env.add_todo(Partner._fields["commercial_partner_id"], family)
            self.env.add_todo(Partner._fields["display_name"], family)
            Partner.recompute()
            self._post_note(dest, _("Merged into this contact: %s") % ", ".join(
                "%s (#%d)" % (partner.display_name, partner.id) for partner in sources))
            if self.group_id:
                self.group_id.state = "merged"
            self._close_groups(groups)
            # the kept contact's values as the merge left them: an undo gives back the previous
            # value of a field only while it still holds this one (not one edited since)
            merged = {}
            for field_name in previous:
                value = dest[field_name]
                merged[field_name] = value.id if isinstance(value, models.BaseModel) else value
            self.env["contact.dedup.merge.log"].sudo()._record(dest, sources, previous, log, self.group_id, merged)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": dest.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _post_note(self, record, body):
        """A note in the chatter, also by a user without an e-mail address (no mail goes out)."""
        extra = {} if self.env.user.email else {"email_from": False}
        return record.message_post(body=body, **extra)

    @api.model
    def _open_groups_of(self, partners):
        """Ids of the open groups of contacts these partners are in (before the merge moves their
        memberships to the kept contact)."""
        self.env.cr.execute("""
            SELECT DISTINCT r.group_id FROM contact_dedup_group_partner_rel r
              JOIN contact_dedup_group g ON g.id = r.group_id
             WHERE g.state = 'open' AND r.partner_id IN %s""", (tuple(partners.ids),))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _close_groups(self, group_ids):
        """Of these open groups, those left with fewer than two active contacts by a merge (made
        from a contact list, or holding the same contacts) are merged: nothing left to review."""
        if not group_ids:
            return
        self.env.cr.execute("""
            UPDATE contact_dedup_group g SET state = 'merged'
             WHERE g.state = 'open' AND g.id IN %s
               AND (SELECT count(*) FROM contact_dedup_group_partner_rel r
                      JOIN res_partner p ON p.id = r.partner_id
                     WHERE r.group_id = g.id AND p.active) < 2""", (tuple(group_ids),))
        self.env["contact.dedup.group"].invalidate_cache(["state"], group_ids)

    @api.multi
    def _check_lines(self):
        """Each value comes from one of the contacts being merged, for a field the wizard offers,
        once: the lines are the wizard's own, but writable over RPC (an outside review took the
        name and the company of a contact of another company into the kept one)."""
        seen = set()
        for line in self.line_ids:
            if line.field_name not in MERGE_FIELDS or line.field_name in seen:
                raise UserError(_("A merge sets the fields it proposes, each once: %s is not one of them.")
                                % line.field_name)
            if line.source_partner_id not in self.partner_ids:
                raise UserError(_("The value of %(field)s must come from one of the contacts being merged, "
                                  "not from contact #%(contact)d.") % {"field": line.field_name,
                                                                       "contact": line.source_partner_id.id})
            seen.add(line.field_name)

    @api.model
    def _check_own_companies(self, companies):
        """Only a user of the records' companies merges them, or undoes their merge (an outside
        review merged and unmerged another company's contacts)."""
        foreign = companies - self.env.user.company_ids
        if foreign and self.env.uid != SUPERUSER_ID:
            raise AccessError(_("These contacts belong to %s, a company you do not work for: they are merged "
                                "by its own users.") % ", ".join(foreign.mapped("name")))

    @api.model
    def _check_merge_allowed(self, partners, dest=None):
        """Refuse a merge across companies (each keeps its own address book), and a merge that
        would archive the contact of a user or of a company: a login or a company would then
        hang on an archived contact. Such a contact may only be the one that stays."""
        # the names of the companies, also one the user may not read, only to say why
        companies = partners.sudo().mapped("company_id")
        if len(companies) > 1:
            raise UserError(_("These contacts belong to different companies (%s): each company keeps its own "
                              "contacts, they cannot be merged.") % ", ".join(companies.mapped("name")))
        self._check_own_companies(companies)
        # a contact shared between companies and one of a company: kept shared, the company's contact
        # and its documents would show in every company; kept in the company, the other companies'
        # documents would point to a contact they cannot read
        shared = partners.sudo().filtered(lambda partner: not partner.company_id)
        if companies and shared:
            raise UserError(_("%(shared)s is shared between companies and %(other)s belongs to %(company)s: give "
                              "them the same company before merging them.") % {
                "shared": ", ".join(shared.mapped("name")), "company": companies.name,
                "other": ", ".join((partners.sudo() - shared).mapped("name"))})
        # a company and its own contacts (a child, a child's child) are not copies of each other:
        # merged, the contacts would hang on a person, without a commercial partner (as Odoo's own
        # merge, this is refused)
        selected = set(partners.ids)
        for partner in partners.sudo():
            ancestor = partner.parent_id
            while ancestor:
                if ancestor.id in selected:
                    raise UserError(_("%(contact)s is a contact of %(company)s: a company and its own contacts "
                                      "cannot be merged.") % {"contact": partner.name, "company": ancestor.name})
                ancestor = ancestor.parent_id
        sources = partners - dest if dest else partners
        if not sources:
            return
        cr = self.env.cr
        cr.execute("""
            SELECT p.id, p.name, u.login, c.name FROM res_partner p
              LEFT JOIN res_users u ON u.partner_id = p.id
              LEFT JOIN res_company c ON c.partner_id = p.id
             WHERE p.id IN %s AND (u.id IS NOT NULL OR c.id IS NOT NULL)
             ORDER BY p.id LIMIT 1""", (tuple(sources.ids),))
        row = cr.fetchone()
        if row:
            if row[3]:
                raise UserError(_("%(contact)s is the contact of the company %(company)s: it cannot be merged into "
                                  "another contact (keep it as the contact that stays).")
                                % {"contact": row[1], "company": row[3]})
            raise UserError(_("%(contact)s is the contact of the user %(user)s: it cannot be merged into another "
                              "contact (keep it as the contact that stays).") % {"contact": row[1], "user": row[2]})

    @api.model
    def _posted_accounting(self):
        """``{table: condition}`` of the posted accounting a merge must not rewrite for a user
        outside the accounting managers: every journal item, and the invoices, entries and
        payments past their draft."""
        return {
            "account_move_line": "TRUE",
            "account_invoice": "state != 'draft'",
            "account_move": "state = 'posted'",
            "account_payment": "state != 'draft'",
        }

    @api.model
    def _check_accounting_untouched(self, sources, dest, values):
        """Unless the user is an accounting manager, refuse a merge that would rewrite a
        partner of posted accounting: what points at the merged contacts moves to the kept one,
        and the contacts of a merged company (or the kept contact's, when it changes company)
        get a new commercial partner, which validated invoices store. An invoice made out to a
        company's contact has its journal items on the company: the invoice itself counts."""
        if self.env.user.has_group("account.group_account_manager"):
            return
        Partner = self.env["res.partner"].with_context(active_test=False)
        moved = sources
        if "parent_id" in values or dest.parent_id in sources:
            moved |= dest
        partner_ids = tuple(Partner.search([("id", "child_of", moved.ids)]).ids)
        checks = self._posted_accounting()
        cr = self.env.cr
        for table, column in self._partner_foreign_keys():
            if table not in checks:
                continue
            cr.execute("SELECT 1 FROM \"%s\" WHERE \"%s\" IN %%s AND %s LIMIT 1" % (table, column, checks[table]),
                       (partner_ids,))
            if cr.fetchone():
                raise AccessError(_("Merging these contacts would change the customer or supplier of validated "
                                    "invoices, journal items or payments (theirs, or their company's contacts'): "
                                    "only an accounting manager may merge them."))

    @api.model
    def _partner_foreign_keys(self):
        """(table, column) of every foreign key to res_partner(id), from PostgreSQL's catalog."""
        return self._foreign_keys("res_partner")

    @api.model
    def _foreign_keys(self, table):
        """(table, column) of every single-column foreign key to ``table``, from PostgreSQL's catalog."""
        self.env.cr.execute("""
            SELECT cl.relname, att.attname
              FROM pg_constraint con
              JOIN pg_class cl ON cl.oid = con.conrelid
              JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
             WHERE con.contype = 'f' AND con.confrelid = %s::regclass
               AND array_length(con.conkey, 1) = 1
             ORDER BY 1, 2""", (table,))
        return self.env.cr.fetchall()

    @api.model
    def _document_tables(self):
        """(table, model column) of the tables that point to any record by model name and res_id."""
        self.env.cr.execute("""
            SELECT c1.table_name, c1.column_name FROM information_schema.columns c1
              JOIN information_schema.columns c2 ON c2.table_name = c1.table_name AND c2.column_name = 'res_id'
                   AND c2.data_type = 'integer'
             WHERE c1.column_name IN ('res_model', 'model') AND c1.table_schema = 'public'
               AND c1.table_name NOT IN ('ir_model_data', 'ir_model_fields', 'ir_model_constraint',
                                         'ir_model_relation', 'ir_act_window', 'ir_act_server', 'ir_ui_view')""")
        return self.env.cr.fetchall()

    @api.model
    def _unique_indexes(self, table, column):
        """Column lists of the unique indexes of ``table`` that include ``column``."""
        self.env.cr.execute("""
            SELECT array_agg(att.attname::text)
              FROM pg_index ind
              JOIN pg_attribute att ON att.attrelid = ind.indrelid AND att.attnum = ANY(ind.indkey)
             WHERE ind.indrelid = %s::regclass AND ind.indisunique AND NOT ind.indisprimary
             GROUP BY ind.indexrelid""", (table,))
        return [columns for (columns,) in self.env.cr.fetchall() if column in columns]

    @api.model
    def _has_column(self, table, column):
        self.env.cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                            (table, column))
        return bool(self.env.cr.fetchone())

    @api.model
    def _move_column(self, table, column, source_id, dest_id, where="", params=(), log=None):
        """Point ``table.column`` from source to dest; rows that would collide on a unique index
        are merged into the dest's row (followers) or dropped when they only repeat a relation.

        ``log`` (a list) receives every change, so that the merge can be undone:
        ``(action, table, column, row id, row as JSON, source id)`` with action ``moved``
        (the column was the source), ``deleted`` (the row as it was) or ``inserted``."""
        cr = self.env.cr
        params = list(params)
        indexes = self._unique_indexes(table, column)
        has_id = self._has_column(table, "id")
        conflicts = " ".join(
            "AND NOT EXISTS (SELECT 1 FROM \"%s\" other WHERE other.\"%s\" = %%s %s)" % (
                table, column,
                " ".join("AND other.\"%s\" = moved.\"%s\"" % (col, col) for col in cols if col != column))
            for cols in indexes)
        if log is not None:
            cr.execute("SELECT %s FROM \"%s\" moved WHERE moved.\"%s\" = %%s %s %s" % (
                "moved.id, NULL" if has_id else "NULL::integer, row_to_json(moved)::text", table, column, where,
                conflicts), [source_id] + params + [dest_id] * len(indexes))
            log.extend(("moved", table, column, row_id, data, source_id) for row_id, data in cr.fetchall())
        cr.execute("UPDATE \"%s\" moved SET \"%s\" = %%s WHERE moved.\"%s\" = %%s %s %s" % (
            table, column, column, where, conflicts),
            [dest_id, source_id] + params + [dest_id] * len(indexes))
        if not indexes:
            return
        cr.execute("SELECT count(*) FROM \"%s\" moved WHERE moved.\"%s\" = %%s %s" % (table, column, where),
                   [source_id] + params)
        if not cr.fetchone()[0]:
            return
        if table == "mail_followers":
            for cols in indexes:
                match = " ".join("AND kept.\"%s\" = moved.\"%s\"" % (col, col) for col in cols if col != column)
                cr.execute("""
                    INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
                    SELECT kept.id, rel.mail_message_subtype_id
                      FROM mail_followers moved
                      JOIN mail_followers kept ON kept.\"%s\" = %%s %s
                      JOIN mail_followers_mail_message_subtype_rel rel ON rel.mail_followers_id = moved.id
                     WHERE moved.\"%s\" = %%s %s
                    ON CONFLICT DO NOTHING
                    RETURNING row_to_json(mail_followers_mail_message_subtype_rel)::text""" % (
                    column, match, column, where), [dest_id, source_id] + params)
                if log is not None:
                    log.extend(("inserted", "mail_followers_mail_message_subtype_rel", None, None, data, source_id)
                               for (data,) in cr.fetchall())
            if log is not None:
                # the subtypes first, so that an undo (in reverse order) puts the follower back before them
                cr.execute("""
                    SELECT row_to_json(rel)::text FROM mail_followers_mail_message_subtype_rel rel
                      JOIN mail_followers moved ON moved.id = rel.mail_followers_id
                     WHERE moved.\"%s\" = %%s %s""" % (column, where), [source_id] + params)
                log.extend(("deleted", "mail_followers_mail_message_subtype_rel", None, None, data, source_id)
                           for (data,) in cr.fetchall())
            self._delete_logged(table, column, source_id, where, params, has_id, log)
        elif not has_id:
            # a pure relation table: the kept record already has this very relation
            self._delete_logged(table, column, source_id, where, params, has_id, log)
        else:
            raise UserError(_("Cannot merge: rows of %s would collide on a unique constraint.") % table)

    @api.model
    def _delete_logged(self, table, column, source_id, where, params, has_id, log):
        cr = self.env.cr
        cr.execute("DELETE FROM \"%s\" moved WHERE moved.\"%s\" = %%s %s RETURNING %s, row_to_json(moved)::text" % (
            table, column, where, "moved.id" if has_id else "NULL::integer"), [source_id] + list(params))
        if log is not None:
            log.extend(("deleted", table, column, row_id, data, source_id) for row_id, data in cr.fetchall())

    @api.model
    def _move_references(self, sources, dest, log=None):
        """Move every reference to ``sources`` onto ``dest`` (SQL, the caller's transaction);
        each change goes to ``log`` when given (see ``_move_column``)."""
        cr = self.env.cr
        foreign_keys = self._partner_foreign_keys()
        document_tables = self._document_tables()
        reference_fields = self.env["ir.model.fields"].sudo().search([
            ("ttype", "=", "reference"), ("store", "=", True)])
        for source in sources:
            for table, column in foreign_keys:
                self._move_column(table, column, source.id, dest.id, log=log)
            for table, model_column in document_tables:
                self._move_column(table, "res_id", source.id, dest.id,
                                  where="AND moved.\"%s\" = %%s" % model_column, params=("res.partner",), log=log)
            old_reference, new_reference = "res.partner,%d" % source.id, "res.partner,%d" % dest.id
            for field in reference_fields:
                model = self.env.get(field.model)
                if model is None or not model._auto or not self._has_column(model._table, field.name):
                    continue
                cr.execute("UPDATE \"%s\" SET \"%s\" = %%s WHERE \"%s\" = %%s RETURNING id" % (
                    model._table, field.name, field.name), (new_reference, old_reference))
                if log is not None:
                    log.extend(("moved_reference", model._table, field.name, row_id, old_reference, source.id)
                               for (row_id,) in cr.fetchall())
            cr.execute("UPDATE ir_property SET value_reference = %s WHERE value_reference = %s RETURNING id",
                       (new_reference, old_reference))
            if log is not None:
                log.extend(("moved_reference", "ir_property", "value_reference", row_id, old_reference, source.id)
                           for (row_id,) in cr.fetchall())
            cr.execute("""
                UPDATE ir_property moved SET res_id = %s WHERE res_id = %s AND NOT EXISTS (
                    SELECT 1 FROM ir_property other WHERE other.res_id = %s AND other.fields_id = moved.fields_id
                       AND other.company_id IS NOT DISTINCT FROM moved.company_id)
                RETURNING id""", (new_reference, old_reference, new_reference))
            if log is not None:
                log.extend(("moved_reference", "ir_property", "res_id", row_id, old_reference, source.id)
                           for (row_id,) in cr.fetchall())
        _logger.info("contact_dedup: merged partners %s into %s", sources.ids, dest.id)


class ContactDedupMergeLine(models.TransientModel):
    _name = "contact.dedup.merge.line"
    _description = "Value chosen in a contact merge"

    wizard_id = fields.Many2one("contact.dedup.merge", required=True, ondelete="cascade")
    field_name = fields.Char(required=True, readonly=True)
    field_label = fields.Char(string="Field", compute="_compute_texts")
    source_partner_id = fields.Many2one("res.partner", string="Value from", required=True)
    preview = fields.Char(string="Result", compute="_compute_texts")
    choices = fields.Char(string="Values", compute="_compute_texts")

    @api.depends("field_name", "source_partner_id")
    def _compute_texts(self):
        Partner = self.env["res.partner"]
        for line in self:
            field = Partner._fields.get(line.field_name)
            line.field_label = field.get_description(self.env)["string"] if field else line.field_name
            line.preview = _display(line.source_partner_id[line.field_name]) if field else ""
            line.choices = " | ".join("%s: %s" % (partner.display_name, _display(partner[line.field_name]) or "-")
                                      for partner in line.wizard_id.partner_ids) if field else ""
