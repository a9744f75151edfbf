from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError


class RecurringUsage(models.Model):
    """Consumption of a usage-based contract line on a date (posted by the API or
    imported), invoiced with the period it belongs to."""

    _name = "recurring.usage"
    _inherit = "recurring.access.guard"
    _description = "Usage record of a contract line"
    _code_fields = ("invoice_line_id", "contract_id", "company_id")
    _order = "date desc, id desc"

    line_id = fields.Many2one(
        "recurring.contract.line",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_usage", "=", True)],
    )
    contract_id = fields.Many2one(
        related="line_id.contract_id",
        store=True,
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="line_id.contract_id.company_id",
        store=True,
        readonly=True,
    )
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
    )
    quantity = fields.Float(
        digits=dp.get_precision("Product Unit of Measure"),
        required=True,
    )
    reference = fields.Char(
        help="Identifier of the record in the system that posted it.",
    )
    invoice_line_id = fields.Many2one(
        "account.invoice.line",
        readonly=True,
        ondelete="set null",
        copy=False,
    )

    _sql_constraints = [
        ("reference_unique", "UNIQUE (line_id, reference)",
         "This usage record was already posted for this line."),
    ]

    @api.constrains("quantity", "line_id", "date")
    def _check_usage(self):
        for usage in self:
            if usage.quantity < 0:
                raise ValidationError(_("A usage quantity cannot be negative (%s).") % usage.quantity)
            if not usage.line_id.is_usage:
                raise ValidationError(_("Line %s is not invoiced by usage.") % usage.line_id.name)
            contract = usage.line_id.contract_id
            if (contract.date_start and usage.date < contract.date_start) \
                    or (contract.date_end and usage.date > contract.date_end):
                raise ValidationError(_("Usage dated %(date)s is outside contract %(name)s, which runs from %(start)s "
                                        "to %(end)s: it would be invoiced for a period the contract does not "
                                        "have.") % {
                    "date": usage.date, "name": contract.name, "start": contract.date_start,
                    "end": contract.date_end or _("no end")})

    @api.model
    def create(self, values):
        self._guard_values(values)
        return super(RecurringUsage, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if self.filtered("invoice_line_id") and set(values) & {"quantity", "date", "line_id"}:
            raise ValidationError(_("An invoiced usage record cannot be changed."))
        return super(RecurringUsage, self).write(values)

    @api.multi
    def unlink(self):
        if self.filtered("invoice_line_id"):
            raise ValidationError(_("An invoiced usage record cannot be deleted: its invoice line bills it."))
        return super(RecurringUsage, self).unlink()
