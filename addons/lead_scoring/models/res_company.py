from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import scoring


class ResCompany(models.Model):
    _inherit = "res.company"

    lead_scoring_fit_cap = fields.Float(
        string="Fit Cap",
        default=50.0,
        help="Most points the profile rules can give a lead together.",
    )
    lead_scoring_engagement_cap = fields.Float(
        string="Engagement Cap",
        default=50.0,
        help="Most points the behaviour rules can give a lead together.",
    )
    lead_scoring_hot_threshold = fields.Float(
        string="Hot From",
        default=70.0,
        help="Score (0-100) from which a lead is hot.",
    )
    lead_scoring_warm_threshold = fields.Float(
        string="Warm From",
        default=40.0,
        help="Score (0-100) from which a lead is warm.",
    )

    lead_scoring_assign_hot = fields.Boolean(
        string="Assign Leads Turning Hot",
        default=True,
        help="A lead without salesperson that turns hot goes through the assignment rules again "
             "(rules can take a score range).",
    )

    @api.constrains("lead_scoring_fit_cap", "lead_scoring_engagement_cap",
                    "lead_scoring_hot_threshold", "lead_scoring_warm_threshold")
    def _check_lead_scoring_settings(self):
        for company in self:
            try:
                scoring.settings_with_defaults(company._lead_scoring_settings())
            except ValueError:
                raise ValidationError(_(
                    "Lead scoring settings of %s are not valid: caps must not be negative nor both zero, "
                    "and the warm threshold must not be above the hot threshold.") % company.name)

    @api.multi
    def _lead_scoring_settings(self):
        """The settings dict of lib.scoring for this company."""
        self.ensure_one()
        return {
            "fit_cap": self.lead_scoring_fit_cap,
            "engagement_cap": self.lead_scoring_engagement_cap,
            "hot_threshold": self.lead_scoring_hot_threshold,
            "warm_threshold": self.lead_scoring_warm_threshold,
        }
