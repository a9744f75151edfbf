from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError

from .recurring_contract import TERMS_FIELDS, UNIT_SELECTION

MODE_SELECTION = [("advance", "In advance"), ("arrears", "In arrears")]
ALIGNMENT_SELECTION = [("start", "On the start date"), ("calendar", "On the 1st of the month")]


class RecurringContractAmendment(models.Model):
    """A dated change of a contract: of a line's quantity or price, or of the contract's
    billing terms (frequency, alignment, invoicing mode).

    A line change made before its date is applied by the invoicing run once every period
    before it is invoiced, so that those periods bill the old terms and the later ones the
    new terms; a change within a period gives a prorated adjustment on the next invoice.

    A change of billing terms closes the current terms the day before its date and opens
    the new ones on it (the next period boundary by default): the periods before keep the
    old calendar, the new calendar starts on the change date, no day is billed twice or
    left out. Within a period not invoiced yet, that period is billed up to the day before
    (prorated); within a period already invoiced (in advance), its days from the change on
    are credited on the next invoice and the new terms bill from the change date."""

    _name = "recurring.contract.amendment"
    _inherit = "recurring.access.guard"
    _description = "Scheduled change of a contract"
    _code_fields = ("old_quantity", "old_price_unit", "old_recurring_interval", "old_recurring_unit",
                    "old_period_alignment", "old_invoicing_mode", "state")
    _order = "date, id"

    kind = fields.Selection(
        [("line", "Quantity or price"), ("terms", "Billing terms")],
        default="line",
        required=True,
        readonly=True,
    )
    line_id = fields.Many2one(
        "recurring.contract.line",
        ondelete="cascade",
        index=True,
    )
    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
    )
    date = fields.Date(
        string="Effective date",
        help="First day of the new terms. For billing terms, empty means the next period boundary.",
    )
    quantity = fields.Float(
        string="New quantity",
        digits=dp.get_precision("Product Unit of Measure"),
    )
    price_unit = fields.Float(
        string="New unit price",
        digits=dp.get_precision("Product Price"),
    )
    old_quantity = fields.Float(
        string="Previous quantity",
        digits=dp.get_precision("Product Unit of Measure"),
        readonly=True,
    )
    old_price_unit = fields.Float(
        string="Previous unit price",
        digits=dp.get_precision("Product Price"),
        readonly=True,
    )
    recurring_interval = fields.Integer(
        string="Invoice every",
    )
    recurring_unit = fields.Selection(
        UNIT_SELECTION,
        string="Period",
    )
    period_alignment = fields.Selection(
        ALIGNMENT_SELECTION,
    )
    invoicing_mode = fields.Selection(
        MODE_SELECTION,
    )
    old_recurring_interval = fields.Integer(
        string="Previously invoiced every",
        readonly=True,
    )
    old_recurring_unit = fields.Selection(
        UNIT_SELECTION,
        string="Previous period",
        readonly=True,
    )
    old_period_alignment = fields.Selection(
        ALIGNMENT_SELECTION,
        string="Previous alignment",
        readonly=True,
    )
    old_invoicing_mode = fields.Selection(
        MODE_SELECTION,
        string="Previous invoicing mode",
        readonly=True,
    )
    state = fields.Selection(
        [("pending", "Scheduled"), ("applied", "Applied")],
        default="pending",
        required=True,
        readonly=True,
    )

    @api.model
    def create(self, values):
        self._guard_values(values)
        if values.get("line_id") and not values.get("contract_id"):
            values["contract_id"] = self.env["recurring.contract.line"].browse(values["line_id"]).contract_id.id
        values = dict(values)
        # the form does not send the read-only kind: it comes from the context's default
        values.setdefault("kind", self.default_get(["kind"]).get("kind") or "line")
        if values["kind"] == "terms":
            return self._create_terms_change(values)
        return super(RecurringContractAmendment, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if any(amendment.kind == "terms" for amendment in self) and set(values) - {"state"}:
            raise UserError(_("A change of billing terms cannot be edited once recorded: its credits and "
                              "calendar are set. Record a later change instead."))
        return super(RecurringContractAmendment, self).write(values)

    @api.multi
    def unlink(self):
        if any(amendment.kind == "terms" for amendment in self):
            raise UserError(_("A change of billing terms cannot be deleted: the periods around it are "
                              "invoiced by it. Record a later change instead."))
        return super(RecurringContractAmendment, self).unlink()

    @api.constrains("kind", "date", "line_id", "recurring_interval", "recurring_unit", "period_alignment",
                    "invoicing_mode")
    def _check_kind(self):
        for amendment in self:
            if not amendment.date:
                raise ValidationError(_("A scheduled change needs its effective date."))
            if amendment.kind == "line" and not amendment.line_id:
                raise ValidationError(_("A change of quantity or price needs its contract line."))
            if amendment.kind == "terms" and (amendment.recurring_interval <= 0 or not all(
                    amendment[name] for name in ("recurring_unit", "period_alignment", "invoicing_mode"))):
                raise ValidationError(_("A change of billing terms needs a frequency of 1 or more periods, a "
                                        "period, an alignment and an invoicing mode."))

    # -- changes of billing terms ---------------------------------------------------------

    @api.model
    def _create_terms_change(self, values):
        """Check the change against the contract's invoiced periods, record it, credit the
        days from its date of a period already invoiced, and apply it to the contract when
        its date has come."""
        contract = self.env["recurring.contract"].browse(values.get("contract_id"))
        if not contract:
            raise ValidationError(_("A change of billing terms needs its contract."))
        contract.ensure_one()
        # the invoicing run locks the contract too: the invoiced periods checked below cannot
        # change under this change (a run in progress makes it wait, then fail and be retried)
        self.env.cr.execute("SELECT id FROM recurring_contract WHERE id = %s FOR UPDATE", (contract.id,))
        contract.invalidate_cache(ids=contract.ids)
        self.env["recurring.contract.period"].invalidate_cache()
        if contract.is_template or contract.state == "closed" or not contract.date_start:
            raise UserError(_("Contract %s is closed or a template: its billing terms cannot change.")
                            % contract.name)
        before = contract._calendar()
        day = fields.Date.from_string(values["date"]) if values.get("date") else contract._next_terms_boundary()
        old = before.terms_at(day)
        old_values = {"recurring_interval": old.interval, "recurring_unit": old.unit,
                      "period_alignment": old.alignment, "invoicing_mode": old.mode}
        for name in TERMS_FIELDS:
            if not values.get(name):  # left empty: kept
                values[name] = old_values[name]
        if all(values[name] == old_values[name] for name in TERMS_FIELDS):
            raise UserError(_("The new billing terms of contract %s are the ones in force on that day: "
                              "nothing to change.") % contract.name)
        contract._check_terms_change_date(day)
        values.update({
            "date": fields.Date.to_string(day),
            "old_recurring_interval": old.interval,
            "old_recurring_unit": old.unit,
            "old_period_alignment": old.alignment,
            "old_invoicing_mode": old.mode,
        })
        change = super(RecurringContractAmendment, self).create(values)
        contract._credit_unused_days(day, _("billing terms changed on %s") % contract._format_date(day),
                                     calendar=before)
        today = fields.Date.from_string(self.env.context.get("recurring_today")
                                        or fields.Date.context_today(self))
        contract._apply_terms_changes(today)
        contract._compute_next_invoice_date()
        return change

    # -- changes of quantity or price -----------------------------------------------------

    @api.multi
    def _apply_before(self, period):
        """Apply the pending line changes effective on or before the first day of ``period``,
        which is about to be invoiced: the periods before it are invoiced."""
        for amendment in self.filtered(lambda a: a.state == "pending" and a.kind == "line").sorted(
                lambda a: (a.date, a.id)):
            day = fields.Date.from_string(amendment.date)
            if day > period.start:
                continue
            containing = amendment.contract_id._calendar().period_of(day)
            line = amendment.line_id
            amendment._code_write({"old_quantity": line.quantity, "old_price_unit": line.price_unit,
                                   "state": "applied"})
            line.with_context(recurring_apply_now=True, recurring_amendment_recorded=True).apply_change(
                amendment.date, quantity=amendment.quantity, price_unit=amendment.price_unit,
                period_invoiced=containing.start < period.start)
