from odoo import api, fields, models

from .deposit_terms import KINDS


class SaleDeposit(models.Model):
    """One deposit asked on a sales order, invoiced by its own deposit invoice."""

    _name = "sale.deposit"
    _description = "Sales order deposit"
    _order = "order_id, id"

    name = fields.Char(
        required=True,
    )
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="order_id.company_id",
        store=True,
        readonly=True,
    )
    currency_id = fields.Many2one(
        related="order_id.currency_id",
        readonly=True,
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id",
        readonly=True,
    )
    kind = fields.Selection(
        KINDS,
        required=True,
    )
    invoice_id = fields.Many2one(
        "account.invoice",
        string="Deposit invoice",
        readonly=True,
        ondelete="restrict",
    )
    amount = fields.Monetary(
        string="Deposit (tax incl.)",
        required=True,
        readonly=True,
    )
    amount_untaxed = fields.Monetary(
        string="Deposit (tax excl.)",
        readonly=True,
    )
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_amounts",
    )
    amount_refunded = fields.Monetary(
        string="Refunded",
        compute="_compute_amounts",
    )
    amount_deducted = fields.Monetary(
        string="Deducted",
        compute="_compute_amounts",
    )
    amount_forfeited = fields.Monetary(
        string="Forfeited",
        compute="_compute_amounts",
    )
    amount_remaining = fields.Monetary(
        string="Remaining",
        compute="_compute_amounts",
        help="Paid, and neither deducted from a final invoice, refunded nor forfeited.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Awaiting payment"), ("paid", "Paid"), ("cancel", "Cancelled")],
        compute="_compute_amounts",
    )
    forfeit_move_id = fields.Many2one(
        "account.move",
        string="Forfeit entry",
        readonly=True,
    )
    forfeit_amount = fields.Monetary(
        readonly=True,
    )
    deduction_line_ids = fields.One2many(
        "account.invoice.line",
        "deduct_deposit_id",
        string="Deductions",
        readonly=True,
    )

    @api.depends("invoice_id.state", "invoice_id.residual", "invoice_id.refund_invoice_ids.state",
                 "deduction_line_ids.price_total", "forfeit_amount")
    def _compute_amounts(self):
        for deposit in self:
            invoice = deposit.invoice_id
            deposit.state = invoice.state if invoice.state in ("draft", "open", "paid", "cancel") else "draft"
            paid = 0.0
            if invoice.state in ("open", "paid"):
                paid = invoice.amount_total - invoice.residual
            refunded = 0.0
            for refund in invoice.refund_invoice_ids.filtered(lambda r: r.state in ("open", "paid")):
                refunded += sum(refund.invoice_line_ids.filtered(
                    lambda line: not line.is_deposit_penalty).mapped("price_total"))
            deducted = 0.0
            for line in deposit.deduction_line_ids.filtered(lambda l: l.invoice_id.state != "cancel"):
                sign = -1 if line.invoice_id.type == "out_invoice" else 1
                deducted += sign * line.price_total
            deposit.amount_paid = paid
            deposit.amount_refunded = refunded
            deposit.amount_deducted = deducted
            deposit.amount_forfeited = deposit.forfeit_amount
            deposit.amount_remaining = max(paid - refunded - deducted - deposit.forfeit_amount, 0.0)
