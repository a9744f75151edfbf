from odoo import fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sale.deposit.terms.mixin"]

    deposit_template_id = fields.Many2one(
        "sale.deposit.template",
        string="Deposit template",
        company_dependent=True,
        help="The deposit terms this customer's new quotations start from, in the current company: they come "
             "before the customer's own terms and the company's defaults; a template picked on the quotation "
             "comes first.",
    )
