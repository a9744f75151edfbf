from odoo import api, fields, models


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
        index=True,
        help="Set on the deposit invoices, on the credit notes deducting or cancelling deposits and on "
             "the indemnity invoices of kept earnest money.",
    )
    deposit_final_invoice_id = fields.Many2one(
        "account.invoice",
        string="Deducted from invoice",
        readonly=True,
        copy=False,
        help="Credit note deducting deposits: the final invoice it is reconciled with once validated.",
    )
    deposit_return_order_id = fields.Many2one(
        "sale.order",
        string="Returned goods of order",
        readonly=True,
        index=True,
        help="Set on the credit notes (avoirs) for goods returned on a sales order.",
    )

    @api.multi
    def action_invoice_open(self):
        result = super(AccountInvoice, self).action_invoice_open()
        finals = self.filtered(lambda i: i.type == "out_invoice")
        if finals:
            credit_notes = self.sudo().search([("deposit_final_invoice_id", "in", finals.ids),
                                               ("state", "=", "open")])
            for credit_note in credit_notes:
                credit_note.deposit_order_id._deposit_reconcile(credit_note | credit_note.deposit_final_invoice_id)
            orders = finals.sudo().mapped("invoice_line_ids.sale_line_ids.order_id").filtered("deposit_ids")
            orders._deposit_book_exchange_difference()
        return result
