from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    intake_default_team_id = fields.Many2one(related="company_id.intake_default_team_id")
    intake_unattended_hours = fields.Integer(related="company_id.intake_unattended_hours")
