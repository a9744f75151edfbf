from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sale_expiry_reminder_days = fields.Integer(
        string="Expiry reminder (days before)",
        default=3,
        help="The salesperson is reminded once, this many days before a quotation's validity date.",
    )
