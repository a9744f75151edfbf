from odoo import fields, models


class ContactDedupExclusion(models.Model):
    _name = "contact.dedup.exclusion"
    _description = "Pair reviewed as not a duplicate"

    res_model = fields.Char(required=True)
    record_low = fields.Integer(required=True)
    record_high = fields.Integer(required=True)

    _sql_constraints = [
        ("pair_unique", "unique(res_model, record_low, record_high)", "This pair is already remembered."),
    ]
