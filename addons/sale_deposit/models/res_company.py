from odoo import _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sale.deposit.terms.mixin"]

    deposit_deduction_mode = fields.Selection(
        [("lines", "Negative lines on the final invoice"),
         ("credit_note", "Separate credit note")],
        default="lines",
        required=True,
        help="A separate credit note suits e-invoicing formats that refuse negative lines.",
    )
    deposit_cash_basis_vat = fields.Boolean(
        string="VAT on deposits when paid",
        help="Deposit invoices use taxes due on payment: their VAT waits on 445800 (TVA en attente) and moves "
             "to the VAT collected when the deposit is paid, as French law wants for the deposits on goods "
             "since 2023. Each tax of the order gets a twin due on payment, created when first needed.",
    )
    deposit_account_id = fields.Many2one(
        "account.account",
        string="Deposit account",
        help="Account of the deposit invoices (419100 Clients - avances et acomptes reçus by default).",
    )
    deposit_forfeit_account_id = fields.Many2one(
        "account.account",
        string="Forfeited earnest money account",
        help="Income outside the scope of VAT booked when a customer withdraws and loses the arrhes "
             "(771800 by default).",
    )
    deposit_penalty_account_id = fields.Many2one(
        "account.account",
        string="Earnest money penalty account",
        help="Expense booked when the seller fails and refunds twice the arrhes (671800 by default).",
    )
    deposit_legal_interest_rate = fields.Float(
        string="Legal interest rate (%)",
        digits=(16, 4),
        default=3.0,
        help="Yearly rate for the days before the first semester of the legal interest rates (Sales > "
             "Configuration > Legal interest rates), which give the rate of each semester.",
    )

    def _deposit_cash_basis_tax(self, tax):
        """The twin of a sales tax, due on payment: same rate and computation, its VAT waiting on 445800."""
        self.ensure_one()
        if tax.tax_exigibility == "on_payment" or tax.amount_type == "group":
            return tax
        twin = self.env["account.tax"].with_context(active_test=False).search([
            ("company_id", "=", self.id), ("type_tax_use", "=", tax.type_tax_use),
            ("tax_exigibility", "=", "on_payment"), ("amount_type", "=", tax.amount_type),
            ("amount", "=", tax.amount), ("price_include", "=", tax.price_include),
            ("include_base_amount", "=", tax.include_base_amount),
            ("cash_basis_account", "=", tax.account_id.id)], limit=1)
        if twin:
            return twin
        waiting = self.env["account.account"].search(
            [("company_id", "=", self.id), ("code", "=like", "4458%"), ("deprecated", "=", False)], limit=1)
        if not waiting or not self.tax_cash_basis_journal_id:
            raise UserError(_("VAT on deposits when paid needs an account 445800 (TVA en attente) and a cash "
                              "basis journal in the accounting settings of company %s.") % self.name)
        if not self.tax_exigibility:
            self.tax_exigibility = True
        return tax.copy({
            "name": _("%s (on payment)") % tax.name,
            "tax_exigibility": "on_payment",
            "account_id": waiting.id,
            "refund_account_id": waiting.id,
            "cash_basis_account": tax.account_id.id,
        })

    def _deposit_invoice_tax(self, tax):
        """The sales tax due on the invoice a twin due on payment was made from (``tax`` itself if none)."""
        self.ensure_one()
        if tax.tax_exigibility != "on_payment" or not tax.cash_basis_account:
            return tax
        original = self.env["account.tax"].with_context(active_test=False).search([
            ("company_id", "=", self.id), ("type_tax_use", "=", tax.type_tax_use),
            ("tax_exigibility", "=", "on_invoice"), ("amount_type", "=", tax.amount_type),
            ("amount", "=", tax.amount), ("price_include", "=", tax.price_include),
            ("include_base_amount", "=", tax.include_base_amount),
            ("account_id", "=", tax.cash_basis_account.id)], order="active desc, id", limit=1)
        return original or tax

    def _deposit_account(self, field_name, code):
        """The configured account, else the French chart's account with that code."""
        self.ensure_one()
        account = self[field_name]
        if not account:
            account = self.env["account.account"].search(
                [("company_id", "=", self.id), ("code", "=like", code + "%"), ("deprecated", "=", False)],
                limit=1)
        return account
