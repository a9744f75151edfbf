from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    deposit_exchange_order_id = fields.Many2one(
        "sale.order",
        string="Exchange difference on deposits of",
        readonly=True,
        index=True,
        copy=False,
    )
    deposit_cash_basis_order_id = fields.Many2one(
        "sale.order",
        string="Cash basis rounding on deposits of",
        readonly=True,
        index=True,
        copy=False,
    )
