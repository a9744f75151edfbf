from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

#: The invoice's links to the deposit flows: set by the application (as superuser) when it
#: makes the invoice; a user's copy may carry them to an order he may read, never rewrite them.
DEPOSIT_INVOICE_LINKS = ("deposit_order_id", "deposit_final_invoice_id", "deposit_return_order_id")


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

    def _deposit_booked_rates(self):
        """{(account, tax): rate booked} of the deposit invoice a foreign-currency credit note cancels.

        The rate is read from the deposit invoice's posted entry (company amount / invoice currency
        amount per account and tax), not from the rates table: a rate corrected since on the same day,
        or the rate of the credit note's own day, would leave a residue on the VAT and deposit accounts.
        Empty when the credit note cancels no deposit invoice, or both are in the company's currency.
        """
        self.ensure_one()
        original = self.sudo().refund_invoice_id
        if self.type != "out_refund" or not original.sale_deposit_ids or not original.move_id \
                or original.currency_id != self.currency_id or self.currency_id == self.company_id.currency_id:
            return {}
        sums = {}
        for line in original.move_id.line_ids.filtered(lambda l: l.currency_id == self.currency_id):
            key = (line.account_id.id, line.tax_line_id.id or False)
            balance, amount_currency = sums.get(key, (0.0, 0.0))
            sums[key] = (balance + line.balance, amount_currency + line.amount_currency)
        return {key: balance / amount_currency for key, (balance, amount_currency) in sums.items()
                if amount_currency}

    @api.multi
    def compute_invoice_totals(self, company_currency, invoice_move_lines):
        # a credit note cancelling a foreign-currency deposit invoice reverses, line by line, the amounts
        # booked in the company's currency: the VAT and the deposit account come back to zero
        rates = self._deposit_booked_rates() if len(self) == 1 else {}
        for line in invoice_move_lines if rates else []:
            rate = rates.get((line.get("account_id"), line.get("tax_line_id") or False))
            if rate is None or (line.get("currency_id") and line.get("amount_currency")):
                continue
            amount = self.currency_id.round(line["price"])
            line.update(currency_id=self.currency_id.id, amount_currency=amount,
                        price=company_currency.round(amount * rate))
        return super(AccountInvoice, self).compute_invoice_totals(company_currency, invoice_move_lines)

    def _get_currency_rate_date(self):
        """A credit note cancelling a deposit invoice mirrors it at its own exchange rate: its VAT and
        deposit account lines then reverse the amounts booked in the company's currency, not today's."""
        original = self.refund_invoice_id
        if self.type == "out_refund" and original.deposit_order_id and original.sale_deposit_ids \
                and original.currency_id != original.company_id.currency_id:
            return original._get_currency_rate_date() or original.date_invoice
        return super(AccountInvoice, self)._get_currency_rate_date()

    @api.model
    def create(self, values):
        self._deposit_check_invoice_links(values, creating=True)
        return super(AccountInvoice, self).create(values)

    @api.multi
    def write(self, values):
        self._deposit_check_invoice_links(values)
        return super(AccountInvoice, self).write(values)

    @api.model
    def _deposit_check_invoice_links(self, values, creating=False):
        if self.env.uid == SUPERUSER_ID:
            return
        for name in DEPOSIT_INVOICE_LINKS:
            if name not in values:
                continue
            field = self._fields[name]
            label = field.get_description(self.env)["string"]
            if not creating:
                raise AccessError(_("%(field)s (%(technical)s) of %(model)s is set by the application, not by "
                                    "users.") % {"field": label, "technical": name, "model": self._description})
            if values[name]:
                target = self.env[field.comodel_name].browse(values[name])
                try:
                    target.check_access_rights("read")
                    target.check_access_rule("read")
                except AccessError:
                    raise AccessError(_("%(field)s (%(technical)s) may only name a record you may read.")
                                      % {"field": label, "technical": name})

    @api.multi
    def action_invoice_open(self):
        self._check_deposit_deductions_kept()
        result = super(AccountInvoice, self).action_invoice_open()
        # a credit note made on a deposit invoice (Odoo's own "Add credit note" included) cancels it: set
        # against it as far as it is open, as the module's own credit notes are
        for credit_note in self.sudo().filtered(lambda i: i.type == "out_refund"
                                                and i.refund_invoice_id.sale_deposit_ids):
            credit_note.refund_invoice_id.deposit_order_id._deposit_reconcile(
                credit_note | credit_note.refund_invoice_id)
        finals = self.filtered(lambda i: i.type == "out_invoice")
        if finals:
            credit_notes = self.sudo().search([("deposit_final_invoice_id", "in", finals.ids),
                                               ("state", "=", "open")])
            for credit_note in credit_notes:
                credit_note.deposit_order_id._deposit_reconcile(credit_note | credit_note.deposit_final_invoice_id)
            orders = finals.sudo().mapped("invoice_line_ids.sale_line_ids.order_id").filtered("deposit_ids")
            orders._deposit_book_exchange_difference()
            orders._deposit_declare_deducted_vat()
        # a final invoice credited takes back the VAT declared for the deposits it deducted unpaid
        credited = self.sudo().filtered(lambda i: i.type == "out_refund" and i.refund_invoice_id.type == "out_invoice")
        credited.mapped("refund_invoice_id.invoice_line_ids.sale_line_ids.order_id").filtered(
            "deposit_ids")._deposit_declare_deducted_vat()
        return result

    def _check_deposit_deductions_kept(self):
        """Refuse to validate a final invoice whose deposit deductions were deleted or changed by hand.

        Its deduction lines must be what the order's deposits left to deduct require for the goods on the
        invoice (see ``sale.order._deduct_deposits``): otherwise the customer is billed the deposit twice
        and the deposit stays on the deposit account (4191) with the order invoiced.
        """
        for invoice in self.sudo().filtered(lambda i: i.type == "out_invoice" and i.state == "draft"):
            if invoice.company_id.deposit_deduction_mode == "credit_note":
                continue
            for order in invoice.invoice_line_ids.mapped("sale_line_ids.order_id").filtered("deposit_ids"):
                order._check_deposit_deduction_on(invoice)
                order._deposit_close_deduction_vat(invoice)
