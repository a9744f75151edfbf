import json

from psycopg2 import sql
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class ContactDedupMergeLog(models.Model):
    """One merge of contacts or of leads, with every row it changed, so that it can be undone."""

    _name = "contact.dedup.merge.log"
    _description = "Merge of duplicate contacts"
    _order = "id desc"

    res_model = fields.Selection(
        [("res.partner", "Contacts"), ("crm.lead", "Leads")],
        string="Kind",
        required=True,
        default="res.partner",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Kept contact", readonly=True, ondelete="set null")
    lead_id = fields.Many2one("crm.lead", string="Kept lead", readonly=True, ondelete="set null")
    dest_id = fields.Integer(string="Kept contact id", readonly=True, required=True)
    source_ids = fields.Char(string="Merged contact ids", readonly=True, required=True)
    merged_names = fields.Char(string="Merged contacts", readonly=True)
    group_id = fields.Many2one("contact.dedup.group", readonly=True, ondelete="set null")
    previous_values = fields.Text(readonly=True, help="The kept contact's values before the merge (JSON).")
    merged_values = fields.Text(readonly=True, help="The kept contact's values right after the merge (JSON).")
    state = fields.Selection([("done", "Merged"), ("undone", "Undone")], default="done", required=True,
                             readonly=True)
    line_count = fields.Integer(string="Rows changed", readonly=True)
    line_ids = fields.One2many("contact.dedup.merge.log.line", "log_id", string="Changes", readonly=True)

    @api.model
    def _record(self, dest, sources, previous, changes, group=None, merged=None):
        """Log a merge: ``changes`` as ``ContactDedupMerge._move_column`` collects them;
        ``previous`` and ``merged`` the kept contact's values before and right after it."""
        log = self.create({
            "partner_id": dest.id, "dest_id": dest.id, "source_ids": ",".join(str(i) for i in sources.ids),
            "merged_names": ", ".join(sources.mapped("display_name")), "group_id": group.id if group else False,
            "previous_values": json.dumps(previous), "line_count": len(changes),
            "merged_values": json.dumps(merged) if merged is not None else False,
        })
        log._insert_lines(changes)
        return log

    @api.model
    def _record_leads(self, kept, merged_ids, merged_names, changes, group=None):
        """Log a merge of leads (``crm.lead.merge_opportunity``): ``changes`` as
        ``ContactDedupMerge._move_column`` collects them, plus the kept lead's row before the
        merge (``restored``) and the merged leads' rows (``deleted``)."""
        log = self.create({
            "res_model": "crm.lead", "lead_id": kept.id, "dest_id": kept.id,
            "source_ids": ",".join(str(lead_id) for lead_id in merged_ids), "merged_names": ", ".join(merged_names),
            "line_count": len(changes), "group_id": group.id if group else False,
        })
        log._insert_lines(changes)
        return log

    def _insert_lines(self, changes):
        """Write ``changes`` (``ContactDedupMerge._move_column``'s rows) as this log's lines, in
        pages of 1,000 rows."""
        if changes:
            rows = [(self.id, index) + tuple(change) for index, change in enumerate(changes)]
            execute_values(self.env.cr._obj, """
                INSERT INTO contact_dedup_merge_log_line
                    (log_id, sequence, action, table_name, column_name, row_id, row_data, source_id)
                VALUES %s""", rows, page_size=1000)

    @api.multi
    def action_undo(self):
        """Put every changed row back, in reverse order; reactivate the merged contacts and give
        the kept one its previous values.

        A row moved by the merge that someone changed since (a sale order given to a third
        customer) is left as it is: only rows still pointing to the kept record go back. The note
        of the undo says how many were left."""
        self.ensure_one()
        if not self.env.user.has_group("contact_dedup.group_contact_dedup_manager"):
            raise AccessError(_("Only members of the group Merge duplicates may undo a merge."))
        if self.state != "done":
            raise UserError(_("This merge is already undone."))
        Kept = self.env[self.res_model].sudo().with_context(active_test=False)
        self.env["contact.dedup.merge"]._check_own_companies(Kept.browse(self.dest_id).exists().mapped("company_id"))
        self._check_undo_order()
        cr = self.env.cr
        cr.execute("""
            SELECT action, table_name, column_name, row_id, row_data, source_id FROM contact_dedup_merge_log_line
             WHERE log_id = %s ORDER BY sequence DESC""", (self.id,))
        left = 0
        for action, table, column, row_id, data, source_id in cr.fetchall():
            if not self._undo_change(action, table, column, row_id, data, source_id):
                left += 1
        if self.res_model == "crm.lead":
            return self._undo_lead_merge(self._left_as_they_are(left))
        Partner = self.env["res.partner"].with_context(active_test=False, contact_dedup_force=True)
        sources = Partner.browse([int(item) for item in self.source_ids.split(",")])
        dest = Partner.browse(self.dest_id)
        self.invalidate_cache()
        Partner.invalidate_cache()
        sources.write({"active": True})
        sources.sudo().write({"dedup_merged_into_id": False})  # the merge's link, the application's
        previous = json.loads(self.previous_values or "{}")
        merged = json.loads(self.merged_values) if self.merged_values else None
        if merged is not None:
            # a field of the kept contact edited since the merge keeps its new value
            for field_name in list(previous):
                value = dest[field_name]
                value = value.id if isinstance(value, models.BaseModel) else value
                if field_name in merged and value != merged[field_name]:
                    del previous[field_name]
                    left += 1
        if previous:
            dest.write(previous)
        family = Partner.search(["|", ("id", "child_of", dest.id), ("id", "child_of", sources.ids)])
        # stored fields that read the parent: the children moved back show their own company again
        self.env.add_todo(Partner._fields["commercial_partner_id"], family)
        self.env.add_todo(Partner._fields["display_name"], family)
        Partner.recompute()
        self.env["contact.dedup.merge"]._post_note(
            dest, _("Merge undone: %s are separate contacts again.") % self.merged_names + self._left_as_they_are(left))
        # the log and the group are the application's bookkeeping, not the user's documents
        if self.group_id:
            self.group_id.sudo().state = "open"
        self.sudo().state = "undone"
        return True

    @api.multi
    def _check_undo_order(self):
        """Refuse to undo a merge while a later merge of the same records is in place: its rows
        were moved again by the later one, and putting them back now would leave links pointing
        to the wrong record. The user is told which merge to undo first."""
        self.ensure_one()
        records = {self.dest_id} | {int(item) for item in (self.source_ids or "").split(",") if item}
        self.env.cr.execute("""
            SELECT id, dest_id, source_ids, merged_names, create_date FROM contact_dedup_merge_log
             WHERE id > %s AND state = 'done' AND res_model = %s ORDER BY id DESC""", (self.id, self.res_model))
        for log_id, dest_id, source_ids, names, date in self.env.cr.fetchall():
            theirs = {dest_id} | {int(item) for item in (source_ids or "").split(",") if item}
            if records & theirs:
                raise UserError(_("A later merge (#%(number)d, %(date)s, of %(names)s) changed these records again: "
                                  "undo it first.") % {"number": log_id, "date": date, "names": names or ""})

    @api.model
    def _left_as_they_are(self, count):
        """The sentence of the undo's note about the rows and values changed since the merge."""
        return " " + _("%d links changed since the merge were left as they are.") % count if count else ""

    @api.multi
    def _undo_lead_merge(self, changed=""):
        """After the rows are back: the merged leads exist again, the kept one has its values.
        ``changed``: the sentence about the rows left as they are, if any."""
        self.invalidate_cache()
        self.env["crm.lead"].invalidate_cache()
        kept = self.env["crm.lead"].with_context(active_test=False).browse(self.dest_id)
        self.env["contact.dedup.merge"]._post_note(
            kept, _("Merge undone: %s are separate leads again.") % self.merged_names + changed)
        if self.group_id:
            self.group_id.sudo().state = "open"
        self.sudo().state = "undone"
        return True

    @api.model
    def _undo_change(self, action, table, column, row_id, data, source_id):
        """Put one logged row back; False when it was left as it is: a moved row that no longer
        points to the kept record (changed since the merge) or no longer exists."""
        cr = self.env.cr
        table_id, column_id = sql.Identifier(table), sql.Identifier(column) if column else None
        if action == "moved" and row_id:
            cr.execute(sql.SQL("UPDATE {} SET {} = %s WHERE id = %s AND {} = %s").format(
                table_id, column_id, column_id), (source_id, row_id, self.dest_id))
            return bool(cr.rowcount)
        elif action == "moved":
            row = json.loads(data)
            others = [key for key in row if key != column]
            query = sql.SQL("UPDATE {} SET {} = %s WHERE ctid = (SELECT ctid FROM {} WHERE {} = %s {} LIMIT 1)")
            cr.execute(query.format(
                table_id, column_id, table_id, column_id, sql.SQL(" ").join(
                    sql.SQL("AND {} IS NOT DISTINCT FROM %s").format(sql.Identifier(key)) for key in others)),
                [source_id, self.dest_id] + [row[key] for key in others])
            return bool(cr.rowcount)
        elif action == "moved_reference":
            cr.execute(sql.SQL("UPDATE {} SET {} = %s WHERE id = %s AND {} = %s").format(
                table_id, column_id, column_id), (data, row_id, "%s,%d" % (self.res_model, self.dest_id)))
            return bool(cr.rowcount)
        elif action == "restored":
            # the whole row as it was (a record Odoo wrote merged values into)
            columns = [key for key in json.loads(data) if key != "id"]
            names = sql.SQL(", ").join(sql.Identifier(key) for key in columns)
            cr.execute(sql.SQL("UPDATE {} SET ({}) = (SELECT {} FROM json_populate_record(NULL::{}, %s)) "
                               "WHERE id = %s").format(table_id, names, names, table_id), (data, row_id))
        elif action == "deleted":
            cr.execute(sql.SQL("INSERT INTO {} SELECT * FROM json_populate_record(NULL::{}, %s)").format(
                table_id, table_id), (data,))
        elif action == "inserted":
            row = json.loads(data)
            cr.execute(sql.SQL("DELETE FROM {} WHERE {}").format(table_id, sql.SQL(" AND ").join(
                sql.SQL("{} IS NOT DISTINCT FROM %s").format(sql.Identifier(key)) for key in row)),
                list(row.values()))
        return True


class ContactDedupMergeLogLine(models.Model):
    _name = "contact.dedup.merge.log.line"
    _description = "Row changed by a merge of contacts"
    _order = "log_id, sequence"

    log_id = fields.Many2one("contact.dedup.merge.log", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    action = fields.Char(required=True)
    table_name = fields.Char(required=True)
    column_name = fields.Char()
    row_id = fields.Integer()
    row_data = fields.Text()
    source_id = fields.Integer()
