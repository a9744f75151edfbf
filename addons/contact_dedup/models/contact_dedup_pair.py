from odoo import fields, models


class ContactDedupPair(models.Model):
    _name = "contact.dedup.pair"
    _description = "Scored pair of possible duplicates"
    _order = "score desc"

    group_id = fields.Many2one("contact.dedup.group", required=True, ondelete="cascade", index=True)
    record_low = fields.Integer(string="First record", required=True)
    record_high = fields.Integer(string="Second record", required=True)
    score = fields.Float(digits=(3, 2))
    reasons = fields.Char()
