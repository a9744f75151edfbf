from odoo import fields, models


class AccountInvoiceLine(models.Model):
    _inherit = "account.invoice.line"

    deduct_deposit_id = fields.Many2one(
        "sale.deposit",
        string="Deducted deposit",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    is_deposit_penalty = fields.Boolean(
        readonly=True,
        help="Second half of a double refund of earnest money: a penalty outside the scope of VAT.",
    )
