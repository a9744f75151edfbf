from odoo import fields, models


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
        help="Yearly rate owed on advance payments left unused three months past the agreed date.",
    )

    def _deposit_account(self, field_name, code):
        """The configured account, else the French chart's account with that code."""
        self.ensure_one()
        account = self[field_name]
        if not account:
            account = self.env["account.account"].search(
                [("company_id", "=", self.id), ("code", "=like", code + "%"), ("deprecated", "=", False)],
                limit=1)
        return account
