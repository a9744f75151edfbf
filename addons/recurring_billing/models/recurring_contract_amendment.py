import datetime

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang, html_escape

from .recurring_contract import TERMS_FIELDS, UNIT_SELECTION
from .recurring_contract_line import _TERMS_WRITE

MODE_SELECTION = [("advance", "In advance"), ("arrears", "In arrears")]
ALIGNMENT_SELECTION = [("start", "On the start date"), ("calendar", "On the 1st of the month")]


class RecurringContractAmendment(models.Model):
    """A dated change of a contract: of a line's quantity or price, or of the contract's
    billing terms (frequency, alignment, invoicing mode).

    A line change made before its date is applied by the invoicing run once every period
    before it is invoiced, so that those periods bill the old terms and the later ones the
    new terms; a change within a period gives a prorated adjustment on the next invoice.

    A change of plan stops a line the day before its date and starts a line of the new
    product (its unit of measure and taxes) on it: the unused days of the old plan in a
    period already invoiced are credited and the new plan's days of it charged on the next
    invoice. It is one record, with the credit and the charge it made.

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
                    "old_period_alignment", "old_invoicing_mode", "state", "old_product_id", "new_line_id")
    _order = "date, id"

    kind = fields.Selection(
        [("line", "Quantity or price"), ("terms", "Billing terms"), ("plan", "Change of plan")],
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
    old_product_id = fields.Many2one(
        "product.product",
        string="Previous plan",
        readonly=True,
    )
    product_id = fields.Many2one(
        "product.product",
        string="New plan",
        help="Change of plan: the product of the line that starts on the effective date.",
    )
    uom_id = fields.Many2one(
        "product.uom",
        string="New unit of measure",
        help="Change of plan: empty for the product's unit of measure.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="New taxes",
        domain=[("type_tax_use", "=", "sale")],
        help="Change of plan: left out, the product's taxes.",
    )
    new_line_id = fields.Many2one(
        "recurring.contract.line",
        string="New line",
        ondelete="set null",
        readonly=True,
    )
    adjustment_ids = fields.One2many(
        "recurring.contract.adjustment",
        "amendment_id",
        string="Credits and charges",
        readonly=True,
    )
    credit_amount = fields.Float(
        string="Credited",
        digits=(16, 2),
        compute="_compute_amounts",
        help="The unused days of the old plan already invoiced, credited on the next invoice.",
    )
    charge_amount = fields.Float(
        string="Charged",
        digits=(16, 2),
        compute="_compute_amounts",
        help="The new plan's days of a period already invoiced, charged on the next invoice.",
    )
    invoice_line_ids = fields.Many2many(
        "account.invoice.line",
        string="Invoice lines",
        compute="_compute_amounts",
        help="The invoice lines that carried the credit and the charge (empty until invoiced).",
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
        if values["kind"] == "plan":
            return self._create_plan_change(values)
        line = self.env["recurring.contract.line"].browse(values.get("line_id"))
        if line and values.get("date") and self.env.context.get("recurring_engine_change") is not _TERMS_WRITE:
            line._check_change_not_before_invoiced(values["date"])
        return super(RecurringContractAmendment, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if any(amendment.kind == "terms" for amendment in self) and set(values) - {"state"}:
            raise UserError(_("A change of billing terms cannot be edited once recorded: its credits and "
                              "calendar are set. Record a later change instead."))
        if any(amendment.kind == "plan" for amendment in self) and set(values) - set(self._code_fields):
            raise UserError(_("A change of plan cannot be edited once recorded: its credit, charge and new line "
                              "are set. Record a later change of plan instead."))
        if any(amendment.kind == "line" and amendment.state == "applied" for amendment in self) \
                and set(values) - set(self._code_fields):
            raise UserError(_("An applied change of quantity or price cannot be edited: the line and its credit or "
                              "charge follow it. Record a later change instead."))
        return super(RecurringContractAmendment, self).write(values)

    @api.multi
    def unlink(self):
        if any(amendment.kind == "terms" for amendment in self):
            raise UserError(_("A change of billing terms cannot be deleted: the periods around it are "
                              "invoiced by it. Record a later change instead."))
        if any(amendment.kind == "plan" for amendment in self):
            raise UserError(_("A change of plan cannot be deleted: its credit, charge and new line are set. "
                              "Record a later change of plan instead."))
        if any(amendment.kind == "line" and amendment.state == "applied" for amendment in self):
            raise UserError(_("An applied change of quantity or price cannot be deleted: the line and its credit or "
                              "charge follow it. Record a later change instead."))
        return super(RecurringContractAmendment, self).unlink()

    @api.depends("adjustment_ids.amount", "adjustment_ids.invoice_line_id")
    def _compute_amounts(self):
        for amendment in self:
            # read as the application: a salesperson who reads the change sees where its amounts went
            adjustments = amendment.sudo().adjustment_ids
            amendment.credit_amount = -sum(adjustment.amount for adjustment in adjustments if adjustment.amount < 0)
            amendment.charge_amount = sum(adjustment.amount for adjustment in adjustments if adjustment.amount > 0)
            amendment.invoice_line_ids = adjustments.mapped("invoice_line_id").ids

    @api.constrains("kind", "date", "line_id", "recurring_interval", "recurring_unit", "period_alignment",
                    "invoicing_mode")
    def _check_kind(self):
        for amendment in self:
            if not amendment.date:
                raise ValidationError(_("A scheduled change needs its effective date."))
            if amendment.kind == "line" and not amendment.line_id:
                raise ValidationError(_("A change of quantity or price needs its contract line."))
            if amendment.kind == "plan" and not (amendment.line_id and amendment.product_id):
                raise ValidationError(_("A change of plan needs the contract line it replaces and the product of "
                                        "the new plan."))
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
        contract._credit_unused_days(day, contract._credit_reason("terms", day), calendar=before)
        today = fields.Date.from_string(self.env.context.get("recurring_today")
                                        or fields.Date.context_today(self))
        contract._apply_terms_changes(today)
        contract._compute_next_invoice_date()
        return change

    # -- changes of plan ------------------------------------------------------------------

    @api.model
    def _plan_change_amounts(self, line, date, quantity, price_unit):
        """(credit, charge) of a change of ``line`` to a plan of ``quantity`` x ``price_unit``
        from ``date`` (text): the old plan's unused days of the period already invoiced that
        holds the date (negative), the new plan's days of it (positive); 0 when none does."""
        contract = line.contract_id
        credit = 0
        if not line.is_usage and contract.period_ids.filtered(lambda p: p.date_start <= date <= p.date_end):
            credit = line._change_adjustment(fields.Date.from_string(date), 0.0, line.price_unit, period_invoiced=True)
        charge = line._added_line_charge(contract, date, quantity * price_unit)
        return credit, charge

    @api.model
    def _create_plan_change(self, values):
        """Record a change of plan and make it: the old line stops the day before the date
        (its quantity and price stay, for the history), a line of the new product, unit of
        measure and taxes starts on it (until the old line's end), and the credit and the
        charge of a period already invoiced go on the next invoice, linked to this record.
        A note in the contract's chatter says what changed and for how much."""
        Line = self.env["recurring.contract.line"]
        line = Line.browse(values.get("line_id"))
        product = self.env["product.product"].browse(values.get("product_id"))
        if not (line and product and values.get("date")):
            raise ValidationError(_("A change of plan needs the contract line it replaces, its effective date and "
                                    "the product of the new plan."))
        contract = line.contract_id
        # the invoicing run locks the contract too: the periods read below cannot change meanwhile
        self.env.cr.execute("SELECT id FROM recurring_contract WHERE id = %s FOR UPDATE", (contract.id,))
        contract.invalidate_cache(ids=contract.ids)
        self.env["recurring.contract.period"].invalidate_cache()
        date = values["date"]
        values.setdefault("quantity", line.quantity)
        values.setdefault("price_unit", product.lst_price)
        line._check_change_date(date, plan=True)
        scheduled = line.amendment_ids.filtered(lambda a: a.kind == "line" and a.state == "pending" and a.date >= date)
        if scheduled:
            # it would be applied to a line stopped by then, and miss the new plan's line
            raise UserError(_("Line %(product)s has a change of quantity or price scheduled on %(date)s, after the "
                              "change of plan: delete it from the line's scheduled changes first, then schedule it "
                              "on the new plan's line.") % {
                "product": line.product_id.display_name,
                "date": contract._format_date(fields.Date.from_string(scheduled[0].date))})
        if values["quantity"] < 0 or values["price_unit"] < 0:
            raise UserError(_("The new quantity and unit price cannot be negative."))
        if not values.get("uom_id"):
            values["uom_id"] = product.uom_id.id
        if "tax_ids" not in values:
            values["tax_ids"] = [(6, 0, product.taxes_id.filtered(
                lambda tax: tax.company_id == contract.company_id).ids)]
        values.update({"contract_id": contract.id, "old_product_id": line.product_id.id,
                       "old_quantity": line.quantity, "old_price_unit": line.price_unit, "state": "applied"})
        change = super(RecurringContractAmendment, self).create(values)
        credit, _charge = self._plan_change_amounts(line, date, change.quantity, change.price_unit)
        day = fields.Date.from_string(date)
        Adjustment = self.env["recurring.contract.adjustment"]
        adjustments = Adjustment.browse()
        customer = contract._customer_context()
        if credit:
            context = customer.env.context  # noqa: F841 - read by _(): the label in the customer's language
            adjustments |= Adjustment.create({
                "contract_id": contract.id,
                "line_id": line.id,
                "product_id": line.product_id.id,
                "date": date,
                "amount": float(credit),
                "name": _("%(product)s: unused days from %(date)s, already invoiced (plan changed to "
                          "%(new_product)s)") % {"product": line.product_id.with_env(customer.env).display_name,
                                                 "date": customer._format_date(day),
                                                 "new_product": product.with_env(customer.env).display_name},
            })
        old_end = line.date_end
        line._write_terms({"date_end": fields.Date.to_string(day - datetime.timedelta(days=1))})
        new_line = Line.create({
            "contract_id": contract.id,
            "sequence": line.sequence,
            "product_id": product.id,
            "name": product.get_product_multiline_description_sale() if hasattr(
                product, "get_product_multiline_description_sale") else product.display_name,
            "quantity": change.quantity,
            "uom_id": change.uom_id.id,
            "price_unit": change.price_unit,
            "tax_ids": [(6, 0, change.tax_ids.ids)],
            "date_start": date,
            "date_end": old_end,
        })
        # the charge of the new line's days of a period already invoiced (made by its create)
        adjustments |= Adjustment.search([("line_id", "=", new_line.id)])
        adjustments._code_write({"amendment_id": change.id})
        change._code_write({"new_line_id": new_line.id})
        change._post_plan_change_note()
        return change

    @api.multi
    def _post_plan_change_note(self):
        """A note in the contract's chatter: the date, the old and new plans, the credit and
        the charge of the next invoice. Its author is the user who changed the plan."""
        for change in self:
            contract = change.contract_id
            currency = contract.currency_id

            def money(amount, currency=currency):
                return formatLang(self.env, amount, currency_obj=currency)
            body = "<p>%s</p>" % html_escape(_(
                "Plan changed from %(date)s: %(old)s (%(old_quantity)s x %(old_price)s) to %(new)s "
                "(%(quantity)s x %(price)s).") % {
                "date": contract._format_date(fields.Date.from_string(change.date)),
                "old": change.old_product_id.display_name, "old_quantity": contract._format_number(change.old_quantity),
                "old_price": money(change.old_price_unit), "new": change.product_id.display_name,
                "quantity": contract._format_number(change.quantity), "price": money(change.price_unit)})
            if change.credit_amount or change.charge_amount:
                body += "<p>%s</p>" % html_escape(_(
                    "Next invoice: %(credit)s credited for %(old)s, %(charge)s charged for %(new)s.") % {
                    "credit": money(change.credit_amount), "charge": money(change.charge_amount),
                    "old": change.old_product_id.display_name, "new": change.product_id.display_name})
            else:
                body += "<p>%s</p>" % html_escape(_(
                    "No credit or charge on the next invoice: no period already invoiced holds that date."))
            # an internal note: its sender need not have an e-mail address (Odoo would refuse the post)
            sender = {} if self.env.user.email else {"email_from": self.env.user.name}
            contract.message_post(body=body, subject=_("Change of plan"), subtype="mail.mt_note",
                                  message_type="comment", **sender)

    # -- changes of quantity or price -----------------------------------------------------

    @api.multi
    def _apply_before(self, period, today=None):
        """Apply the pending line changes effective on or before the first day of ``period``,
        which is about to be invoiced: the periods before it are invoiced (the change's
        adjustment covers the days of its own period). A change within ``period`` whose day
        has come by ``today`` (a period invoiced in arrears, or a late run) is applied too:
        the period is billed at the new terms and the days before the change get the
        difference, on the same invoice."""
        for amendment in self.filtered(lambda a: a.state == "pending" and a.kind == "line").sorted(
                lambda a: (a.date, a.id)):
            day = fields.Date.from_string(amendment.date)
            if day <= period.start:
                containing = amendment.contract_id._calendar().period_of(day)
                invoiced = containing.start < period.start
            elif today and day <= min(today, period.end):
                invoiced = False
            else:
                continue
            line = amendment.line_id
            amendment._code_write({"old_quantity": line.quantity, "old_price_unit": line.price_unit,
                                   "state": "applied"})
            line.with_context(recurring_apply_now=True, recurring_amendment_recorded=True,
                              recurring_engine_change=_TERMS_WRITE).apply_change(
                amendment.date, quantity=amendment.quantity, price_unit=amendment.price_unit,
                period_invoiced=invoiced)
