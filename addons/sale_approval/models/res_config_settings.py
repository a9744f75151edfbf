from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sale_expiry_reminder_days = fields.Integer(
        related="company_id.sale_expiry_reminder_days",
    )
