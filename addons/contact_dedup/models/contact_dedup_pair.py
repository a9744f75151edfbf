from psycopg2.extras import execute_values

from odoo import api, fields, models


class ContactDedupPair(models.Model):
    _name = "contact.dedup.pair"
    _description = "Scored pair of possible duplicates"
    _order = "score desc"

    group_id = fields.Many2one("contact.dedup.group", required=True, ondelete="cascade", index=True)
    record_low = fields.Integer(string="First record", required=True)
    record_high = fields.Integer(string="Second record", required=True)
    score = fields.Float(digits=(3, 2))
    reasons = fields.Char(help="Stored in English.")
    reasons_text = fields.Char(string="Reasons", compute="_compute_reasons_text")

    @api.depends("reasons")
    def _compute_reasons_text(self):
        Group = self.env["contact.dedup.group"]
        for pair in self:
            pair.reasons_text = Group._dedup_translate_reasons(pair.reasons)

    @api.multi
    def action_not_duplicate(self):
        """These two records are not the same (a branch of one company, say): only this pair is
        remembered and dropped; the group keeps the records still paired, and splits when the
        pairs left no longer join them all; with no pair left it is "Not a duplicate"."""
        groups = self.mapped("group_id")
        rows = [(pair.group_id.res_model, pair.record_low, pair.record_high) for pair in self]
        if rows:
            execute_values(self.env.cr._obj, """
                INSERT INTO contact_dedup_exclusion (res_model, record_low, record_high) VALUES %s
                ON CONFLICT DO NOTHING""", rows)
        self.unlink()
        for group in groups:
            group._regroup_pairs()
        return True
