from odoo import api, fields, models

from .. import access_guard


class CrmLeadAssignmentMember(models.Model):
    _name = "crm.lead.assignment.member"
    _description = "Salesperson of a lead assignment rule"
    _order = "sequence, id"

    rule_id = fields.Many2one("crm.lead.assignment.rule", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, ondelete="cascade")
    weight = fields.Integer(default=1, help="Share of the leads with the 'By weight' distribution: "
                                            "a weight of 2 gets twice the leads of a weight of 1.")
    company_id = fields.Many2one(related="rule_id.company_id", store=True, readonly=True)

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "The weight of a salesperson cannot be negative."),
    ]

    @api.model
    def create(self, vals):
        # the company is the rule's (a related field: written here, it would move the rule)
        access_guard.check_code_fields(self, vals, {"company_id"})
        access_guard.check_links(self, vals, ("rule_id", "user_id"))
        return super(CrmLeadAssignmentMember, self).create(vals)

    @api.multi
    def write(self, vals):
        access_guard.check_code_fields(self, vals, {"company_id"})
        access_guard.check_links(self, vals, ("rule_id", "user_id"))
        return super(CrmLeadAssignmentMember, self).write(vals)
