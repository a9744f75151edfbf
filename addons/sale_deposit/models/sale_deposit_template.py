from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SaleDepositTemplate(models.Model):
    """Named deposit terms that a quotation picks, or that a customer's quotations start from.

    Odoo 11 Community keeps its quotation templates in ``website_quote``, which needs the
    ``website`` addon: the deposit terms have templates of their own instead (see the README).
    """

    _name = "sale.deposit.template"
    _inherit = "sale.deposit.terms.mixin"
    _description = "Deposit template"
    _order = "sequence, name, id"

    name = fields.Char(
        required=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    active = fields.Boolean(
        default=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.user.company_id,
        help="The company whose quotations may use these terms.",
    )
    note = fields.Text(
        string="Description",
        help="When to use these terms, for the salespeople.",
    )

    @api.constrains("deposit_value", "deposit_method")
    def _check_deposit_value(self):
        for template in self:
            if template.deposit_value < 0:
                raise ValidationError(_("A deposit cannot be negative."))
            if template.deposit_method in ("percent_untaxed", "percent_taxed") and template.deposit_value > 100:
                raise ValidationError(_("A deposit percentage cannot exceed 100%."))
