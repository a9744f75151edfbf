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
    deposit_cash_basis_deducted = fields.Boolean(
        string="VAT of deposits deducted unpaid",
        readonly=True,
        copy=False,
        help="Moves the VAT of deposits deducted from a final invoice before their payment to the VAT "
             "collected, and takes it back once the payment moved it.",
    )
