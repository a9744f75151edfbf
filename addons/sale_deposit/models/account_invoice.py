from odoo import fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    sale_deposit_ids = fields.One2many(
        "sale.deposit",
        "invoice_id",
        string="Deposits",
        readonly=True,
    )
    deposit_order_id = fields.Many2one(
        "sale.order",
        string="Deposit of order",
        readonly=True,
        help="Set on the deposit invoices and on the credit notes deducting deposits.",
    )
    deposit_return_order_id = fields.Many2one(
        "sale.order",
        string="Returned goods of order",
        readonly=True,
        index=True,
        help="Set on the credit notes (avoirs) for goods returned on a sales order.",
    )
