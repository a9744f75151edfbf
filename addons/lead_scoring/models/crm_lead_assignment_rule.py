from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmLeadAssignmentRule(models.Model):
    _inherit = "crm.lead.assignment.rule"

    score_min = fields.Integer(
        string="Score From",
        default=0,
        help="The rule only takes leads scoring at least this much (0 to 100).",
    )
    score_max = fields.Integer(
        string="Score Up To",
        default=100,
        help="The rule only takes leads scoring at most this much (0 to 100).",
    )

    @api.constrains("score_min", "score_max")
    def _check_score_range(self):
        for rule in self:
            if not 0 <= rule.score_min <= rule.score_max <= 100:
                raise ValidationError(_("Rule %s: the score range must go up from 0 to at most 100.") % rule.name)

    def _matches(self, lead):
        """Also the lead's score must fall in the rule's range."""
        if not super(CrmLeadAssignmentRule, self)._matches(lead):
            return False
        return self.score_min <= (lead.score or 0) <= self.score_max
