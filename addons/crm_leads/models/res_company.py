from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    intake_default_team_id = fields.Many2one(
        "crm.team",
        string="Default Team for New Leads",
        help="Leads that match no assignment rule go to this team.",
    )
    intake_unattended_hours = fields.Integer(
        string="Unattended After (Hours)",
        default=24,
        help="A new lead whose follow-up activity is still open after this many hours is re-assigned "
             "and the team leader alerted (0: never).",
    )
