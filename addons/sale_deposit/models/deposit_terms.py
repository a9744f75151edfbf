from odoo import fields, models

KINDS = [
    ("acompte", "Down payment (acompte)"),
    ("arrhes", "Earnest money (arrhes)"),
]
METHODS = [
    ("percent_untaxed", "Percentage of the untaxed total"),
    ("percent_taxed", "Percentage of the taxed total"),
    ("fixed", "Fixed amount (tax included)"),
]
DUE = [
    ("confirmation", "At confirmation"),
    ("delivery", "Before delivery"),
]


class SaleDepositTermsMixin(models.AbstractModel):
    """Deposit terms shared by the company defaults, the customer, the template and the order."""

    _name = "sale.deposit.terms.mixin"
    _description = "Deposit terms"

    deposit_kind = fields.Selection(
        KINDS,
        help="Acompte binds both parties; arrhes let the customer withdraw by losing them and the seller "
             "by refunding twice. Left empty on a consumer sale, the advance is presumed to be arrhes.",
    )
    deposit_method = fields.Selection(
        METHODS,
        help="Leave empty for no deposit.",
    )
    deposit_value = fields.Float(
        digits=(16, 2),
        help="Percentage, or tax-included amount for a fixed deposit.",
    )
    deposit_due = fields.Selection(
        DUE,
        default="confirmation",
    )
    deposit_confirm_unpaid = fields.Boolean(
        string="Confirm before deposit is paid",
        default=True,
    )
    deposit_deliver_unpaid = fields.Boolean(
        string="Deliver before deposit is paid",
        default=False,
    )

    def _deposit_terms_values(self):
        """The terms as a dict of values, ready to write on an order."""
        self.ensure_one()
        return {name: self[name] for name in TERM_FIELDS}


TERM_FIELDS = (
    "deposit_kind", "deposit_method", "deposit_value", "deposit_due",
    "deposit_confirm_unpaid", "deposit_deliver_unpaid",
)
