from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .deposit_terms import KINDS
from .rounded_monetary import RoundedMonetary


#: Written by the application only (as superuser): what links a deposit to its accounting.
DEPOSIT_CODE_LINKS = {"invoice_id", "company_id", "currency_id", "partner_id", "forfeit_move_id",
                      "forfeit_invoice_id", "deduction_line_ids"}
#: Given when a deposit is made by hand (by a sales manager), then written by the application only.
DEPOSIT_CODE_AFTER_CREATE = {"order_id", "kind", "amount", "amount_untaxed", "forfeit_amount"}


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
    amount_paid = RoundedMonetary(
        string="Paid",
        compute="_compute_amounts",
        help="Money received on the deposit invoice; credit notes reconciled with it aside.",
    )
    amount_refunded = RoundedMonetary(
        string="Credited",
        compute="_compute_amounts",
        help="Credit notes (avoirs) cancelling the deposit: refunds, withdrawal, cancellation.",
    )
    amount_deducted = RoundedMonetary(
        string="Deducted",
        compute="_compute_amounts",
    )
    amount_forfeited = RoundedMonetary(
        string="Forfeited",
        compute="_compute_amounts",
    )
    amount_to_deduct = RoundedMonetary(
        string="Left to deduct",
        compute="_compute_amounts",
        help="Invoiced, paid or not, and neither deducted from a final invoice nor credited: the final "
             "invoices deduct it, so that the customer is never invoiced twice for the same goods.",
    )
    amount_remaining = RoundedMonetary(
        string="Remaining",
        compute="_compute_amounts",
        help="Paid, and neither deducted from a final invoice, refunded nor forfeited.",
    )
    amount_to_pay = RoundedMonetary(
        string="Left to pay",
        compute="_compute_amounts",
        help="What the customer still owes on the deposit invoice: its open amount, less the credit notes "
             "(avoirs) issued on it and not yet set against it.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Awaiting payment"), ("paid", "Paid"),
         ("deducted", "Deducted unpaid"), ("cancel", "Cancelled")],
        compute="_compute_amounts",
        help="Cancelled: the deposit invoice is cancelled, or credited in full by credit notes (avoirs). "
             "Deducted unpaid: settled by the credit note deducting it from a final invoice, no money "
             "received on it.",
    )
    forfeit_move_id = fields.Many2one(
        "account.move",
        string="Forfeit entry",
        readonly=True,
        help="Entries of earlier versions; a forfeit is now a credit note and an indemnity invoice.",
    )
    forfeit_invoice_id = fields.Many2one(
        "account.invoice",
        string="Indemnity invoice",
        readonly=True,
        help="The earnest money kept, invoiced as an indemnity outside the scope of VAT.",
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
                 "invoice_id.refund_invoice_ids.residual",
                 "deduction_line_ids.price_total", "forfeit_amount")
    def _compute_amounts(self):
        for deposit in self:
            invoice = deposit.invoice_id.sudo()
            deposit.state = invoice.state if invoice.state in ("draft", "open", "paid", "cancel") else "draft"
            invoiced = paid = 0.0
            if invoice.state in ("open", "paid"):
                invoiced = invoice.amount_total
                # money only: a credit note reconciled with the deposit invoice is no payment
                paid = sum(payment["amount"] for payment in invoice._get_payments_vals()
                           if not payment["invoice_id"])
            refunded = refunds_open = 0.0
            for refund in invoice.refund_invoice_ids.filtered(lambda r: r.state in ("open", "paid")):
                refunded += sum(refund.invoice_line_ids.filtered(
                    lambda line: not line.is_deposit_penalty).mapped("price_total"))
                refunds_open += refund.residual
            deducted = 0.0
            for line in deposit.sudo().deduction_line_ids.filtered(lambda l: l.invoice_id.state != "cancel"):
                sign = -1 if line.invoice_id.type == "out_invoice" else 1
                deducted += sign * line.price_total
            round_ = deposit.currency_id.round
            deposit.amount_paid = round_(paid)
            deposit.amount_refunded = round_(refunded)
            deposit.amount_deducted = round_(deducted)
            deposit.amount_forfeited = round_(deposit.forfeit_amount)
            deposit.amount_to_deduct = max(round_(invoiced - refunded - deducted), 0.0)
            deposit.amount_remaining = max(round_(min(paid - refunded - deducted, deposit.amount_to_deduct)), 0.0)
            to_pay = max(round_(invoice.residual - refunds_open), 0.0) if invoice.state == "open" else 0.0
            deposit.amount_to_pay = to_pay
            if invoice.state in ("open", "paid"):
                if deposit.currency_id.compare_amounts(refunded, invoiced) >= 0:
                    deposit.state = "cancel"
                elif to_pay > 0:
                    deposit.state = "open"
                else:
                    deposit.state = "paid" if paid > 0 else "deducted"

    @api.model
    def _deposit_may_write(self):
        """Deposits drive accounting: only the code (as superuser) and sales managers change them."""
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group("sales_team.group_sale_manager")

    @api.model
    def create(self, values):
        if not self._deposit_may_write():
            raise AccessError(_("Deposits are created by \"Ask a deposit\" on the order, not by hand."))
        self._deposit_check_links(values)
        return super(SaleDeposit, self).create(values)

    @api.multi
    def write(self, values):
        if not self._deposit_may_write():
            raise AccessError(_("Only a sales manager can change a deposit: its kind and amounts drive the "
                                "accounting."))
        self._deposit_check_links(values)
        return super(SaleDeposit, self).write(values)

    @api.multi
    def _deposit_check_links(self, values):
        """The links that drive the accounting (its invoices, entries, order and company) are
        the application's: it writes them as superuser. A sales manager creating a deposit by
        hand gives its order, one he may read; never its company (the order's) or invoices."""
        if self.env.uid == SUPERUSER_ID:
            return
        code = set(values) & DEPOSIT_CODE_LINKS
        if self:
            # once made, its order, kind and amounts are the application's too
            code |= set(values) & DEPOSIT_CODE_AFTER_CREATE
        for name in sorted(code):
            field = self._fields[name]
            raise AccessError(_("%(field)s (%(technical)s) of %(model)s is set by the application, not by users.")
                              % {"field": field.get_description(self.env)["string"], "technical": name,
                                 "model": self._description})
        if values.get("order_id"):
            order = self.env["sale.order"].browse(values["order_id"])
            try:
                order.check_access_rights("read")
                order.check_access_rule("read")
            except AccessError:
                raise AccessError(_("A deposit cannot be asked on an order you may not read."))

    @api.multi
    def action_cancel_unpaid(self):
        """Cancel an unpaid deposit invoice by a credit note (avoir), instead of deducting it on the final
        invoice, which then asks for the whole order. Sales managers and billing only."""
        user = self.env.user
        if not (self._deposit_may_write() or user.has_group("account.group_account_invoice")):
            if "acompte" not in self.sudo().mapped("kind"):
                raise AccessError(_("Only a sales manager or billing can cancel an earnest money (arrhes) invoice."))
            raise AccessError(_("Only a sales manager or billing can cancel a deposit invoice."))
        for deposit in self.sudo():
            order = deposit.order_id
            if order.state == "cancel" or deposit.state != "open" or deposit.amount_paid \
                    or deposit.amount_deducted or not deposit.amount_to_deduct:
                if deposit.kind == "arrhes":
                    raise UserError(_("Earnest money (arrhes) %s cannot be cancelled: only a validated earnest "
                                      "money invoice with no payment and no deduction can.") % deposit.name)
                raise UserError(_("Deposit %s cannot be cancelled: only a validated deposit invoice with no "
                                  "payment and no deduction can.") % deposit.name)
            order._deposit_credit_note(deposit, _("Cancellation of the unpaid deposit %(deposit)s of order "
                                                  "%(order)s") % {"deposit": deposit.name, "order": order.name})
            message = _("Unpaid deposit %(deposit)s cancelled by %(user)s: the final invoice will ask for the "
                        "whole order.") % {"deposit": deposit.name, "user": user.name}
            order.message_post(body=message)
        return True

    @api.multi
    def action_refund(self):
        """Refund what is left of a deposit, paid or not, by a validated credit note (avoir) reconciled with
        its invoice: the money received is then owed back to the customer, and the final invoice asks for
        the whole order. For a deposit that no invoice can deduct any more (goods all returned, order lines
        brought to zero). Sales managers and billing only."""
        user = self.env.user
        if not (self._deposit_may_write() or user.has_group("account.group_account_invoice")):
            raise AccessError(_("Only a sales manager or billing can refund a deposit."))
        for deposit in self.sudo():
            order = deposit.order_id
            if deposit.state not in ("open", "paid") or not deposit.amount_to_deduct:
                raise UserError(_("Deposit %s cannot be refunded: nothing of it is left to deduct.") % deposit.name)
            amount = deposit.amount_to_deduct
            order._deposit_credit_note(deposit, _("Refund of deposit %(deposit)s of order %(order)s") % {
                "deposit": deposit.name, "order": order.name})
            order.message_post(body=_("Deposit %(deposit)s refunded (%(amount)s) by %(user)s: a credit note "
                                      "cancels it, the final invoice will ask for the whole order.") % {
                "deposit": deposit.name, "amount": order._deposit_format(amount), "user": user.name})
        return True
