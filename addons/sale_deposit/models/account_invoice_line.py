from odoo import _, api, fields, models
from odoo.exceptions import AccessError

DEPOSIT_LINE_FIELDS = ("deduct_deposit_id", "is_deposit_penalty", "is_deposit_forfeit")


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
    is_deposit_forfeit = fields.Boolean(
        readonly=True,
        help="Earnest money kept when the customer withdraws: an indemnity outside the scope of VAT.",
    )

    @api.model
    def _check_deposit_fields(self, values):
        """The deposit links of invoice lines drive the deduction: set by the code (or copied by an
        accountant's credit note), never by a salesman."""
        if any(values.get(name) for name in DEPOSIT_LINE_FIELDS) and not (
                self.env["sale.deposit"]._deposit_may_write()
                or self.env.user.has_group("account.group_account_invoice")):
            raise AccessError(_("Deposit deductions, penalties and indemnities are set by the deposit "
                                "actions of the sales order, not by hand."))

    @api.model
    def create(self, values):
        self._check_deposit_fields(values)
        return super(AccountInvoiceLine, self).create(values)

    @api.multi
    def write(self, values):
        self._check_deposit_fields(values)
        return super(AccountInvoiceLine, self).write(values)
