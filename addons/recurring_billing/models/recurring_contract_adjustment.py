from odoo import _, api, fields, models
from odoo.exceptions import UserError


class RecurringContractAdjustment(models.Model):
    """An amount to add to (or credit on, when negative) the next invoice of a contract:
    the prorated difference when a line changes or stops in the middle of a period."""

    _name = "recurring.contract.adjustment"
    _inherit = "recurring.access.guard"
    _description = "Prorated adjustment of a contract"
    _code_fields = ("invoice_line_id", "amendment_id")
    _order = "date"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
    )
    line_id = fields.Many2one(
        "recurring.contract.line",
        ondelete="set null",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
    )
    name = fields.Char(
        string="Description",
        required=True,
    )
    date = fields.Date(
        string="Change date",
        required=True,
    )
    amount = fields.Float(
        digits=(16, 2),
        required=True,
    )
    amendment_id = fields.Many2one(
        "recurring.contract.amendment",
        string="Change",
        ondelete="set null",
        index=True,
        readonly=True,
        help="The change of plan that made this credit or charge.",
    )
    invoice_line_id = fields.Many2one(
        "account.invoice.line",
        ondelete="set null",
        readonly=True,
    )

    @api.model
    def create(self, values):
        self._guard_values(values)
        return super(RecurringContractAdjustment, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if set(values) - set(self._code_fields):
            self._check_not_invoiced()
        return super(RecurringContractAdjustment, self).write(values)

    @api.multi
    def unlink(self):
        self._check_not_invoiced()
        return super(RecurringContractAdjustment, self).unlink()

    @api.multi
    def _check_not_invoiced(self):
        """An adjustment an invoice carries is what the invoice says: it changes no more."""
        invoiced = self.filtered(lambda adjustment: adjustment.sudo().invoice_line_id)
        if invoiced:
            raise UserError(_("The adjustment \"%s\" is already invoiced: it cannot be changed or deleted. Record "
                              "another adjustment on the next invoice instead.") % invoiced[0].name)

    @api.multi
    def _corrected_invoice_line(self):
        """The invoice line that billed the day this adjustment corrects (its date): a line
        of a customer invoice of the contract, not cancelled, whose period holds that day,
        of the adjustment's product when there is one (the usage of a period is billed on a
        later invoice than its fixed lines), the latest period first. Empty when no invoice
        billed that day (a credit dated before the first invoice). Read as superuser: the
        run's bookkeeping, whoever runs it."""
        self.ensure_one()
        lines = self.env["account.invoice.line"].sudo().search([
            ("invoice_id.recurring_contract_id", "=", self.contract_id.id),
            ("invoice_id.type", "=", "out_invoice"), ("invoice_id.state", "!=", "cancel"),
            ("recurring_period_start", "<=", self.date), ("recurring_period_end", ">=", self.date)])
        lines = lines.filtered(lambda line: line.product_id == self.product_id) or lines
        return lines.sorted(lambda line: (line.recurring_period_end, line.invoice_id.id))[-1:]

    @api.model
    def _invoice_reference(self, invoice):
        """How an accountant names an invoice: its number, else (a draft) its description."""
        return invoice.number or invoice.name or invoice.display_name
