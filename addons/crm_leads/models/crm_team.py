from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # read by the lead record rule of salespeople (security/crm_leads_security.xml)
    members_see_unassigned_leads = fields.Boolean(
        default=True,
        help="Salespeople of this team see its leads that nobody is assigned to yet. "
             "Whatever this says, they never see another team's unassigned leads.",
    )
