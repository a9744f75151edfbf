import datetime

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..lib import proration, recurrence

# the terms of a line that bill its periods: once a period billed the line, they change only
# from a date (apply_change, the "Change quantity or price" wizard), never by a plain write
LOCKED_TERMS = (("quantity", "Product Unit of Measure"), ("price_unit", "Product Price"))
# what the line bills, besides its terms: once billed, another product, unit of measure or
# taxes start from a date through a change of plan (a new line), never by a plain write
LOCKED_PLAN = ("product_id", "uom_id", "tax_ids")
# the days a line bills and how: once billed, they change only by a stop from a date
# (action_stop) or a change of plan, which credit or charge the days already invoiced
LOCKED_DATES = ("date_start", "date_end", "is_usage")
# what lets the application's own writes of those terms through: an object no caller can
# put in a context (an RPC context is JSON), unlike a flag
_TERMS_WRITE = object()


def _many2many_result(current_ids, commands):
    """The ids a many2many holding ``current_ids`` holds once ``commands`` are written (a
    record created by the commands counts as a new id)."""
    result = set(current_ids)
    if commands and all(isinstance(command, int) for command in commands):
        return set(commands)
    for command in commands or ():
        if command[0] == 0:
            result.add(("new", id(command)))
        elif command[0] in (2, 3):
            result.discard(command[1])
        elif command[0] == 4:
            result.add(command[1])
        elif command[0] == 5:
            result = set()
        elif command[0] == 6:
            result = set(command[2] or ())
    return result


class RecurringContractLine(models.Model):
    """A product invoiced every period of its contract: a fixed quantity, or the usage
    recorded for the period."""

    _name = "recurring.contract.line"
    _inherit = "recurring.access.guard"
    _description = "Recurring contract line"
    _code_fields = ("price_subtotal", "currency_id", "amendment_ids")
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
    )
    name = fields.Text(
        string="Description",
        required=True,
    )
    quantity = fields.Float(
        digits=dp.get_precision("Product Unit of Measure"),
        default=1.0,
        required=True,
    )
    uom_id = fields.Many2one(
        "product.uom",
        string="Unit of measure",
    )
    price_unit = fields.Float(
        string="Unit price",
        digits=dp.get_precision("Product Price"),
        required=True,
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        domain=[("type_tax_use", "=", "sale")],
    )
    is_usage = fields.Boolean(
        string="Invoice usage",
        help="The quantity invoiced is the usage recorded for the period, not a fixed quantity.",
    )
    date_start = fields.Date(
        help="Empty: from the start of the contract.",
    )
    date_end = fields.Date(
        help="Empty: until the end of the contract.",
    )
    currency_id = fields.Many2one(
        related="contract_id.currency_id",
        readonly=True,
    )
    price_subtotal = fields.Monetary(
        string="Amount per period",
        compute="_compute_price_subtotal",
        store=True,
    )
    price_change_ids = fields.One2many(
        "recurring.price.change",
        "line_id",
        string="Price changes",
    )
    amendment_ids = fields.One2many(
        "recurring.contract.amendment",
        "line_id",
        string="Scheduled changes",
        readonly=True,
    )
    invoiced = fields.Boolean(
        compute="_compute_invoiced",
        help="A period already invoiced billed this line: its quantity and price change only from a date "
             "(Change quantity or price).",
    )
    contract_state = fields.Selection(
        related="contract_id.state",
        readonly=True,
    )

    @api.model
    def create(self, values):
        self._guard_values(values)
        line = super(RecurringContractLine, self).create(values)
        if line.date_start and not line.is_usage and line.contract_id.state != "draft":
            # its days of the periods invoiced before would be charged for one period only
            line._check_change_not_before_invoiced(line.date_start)
        line._charge_days_already_invoiced()
        return line

    @api.depends("contract_id.period_ids", "date_start", "date_end")
    def _compute_invoiced(self):
        for line in self:
            # a yes or no that whoever reads the line may see (portal users read no period)
            line.invoiced = isinstance(line.id, int) and line.sudo()._is_invoiced()

    @api.multi
    def _is_invoiced(self):
        """Whether an invoiced period billed the line: a period of the contract invoiced once
        the line existed that covers one of its days, or a charge or credit of the line (its
        days of a period invoiced before it was added). A line added to a running contract
        is not invoiced until its first period is."""
        self.ensure_one()
        for claim in self.contract_id.period_ids:
            if claim.create_date >= self.create_date \
                    and (not self.date_start or self.date_start <= claim.date_end) \
                    and (not self.date_end or self.date_end >= claim.date_start):
                return True
        return bool(self.env["recurring.contract.adjustment"].search_count([("line_id", "=", self.id)]))

    @api.model
    def _added_line_charge(self, contract, date, amount_per_period):
        """The charge a fixed line of ``amount_per_period`` added to ``contract`` from ``date``
        (text) needs: its days from then to the end of the period already invoiced that holds
        that day (0 when none does)."""
        if contract.state not in ("running", "to_renew", "paused") or not contract.period_ids.filtered(
                lambda p: p.date_start <= date <= p.date_end):
            return 0
        day = fields.Date.from_string(date)
        return proration.change_adjustment(0, amount_per_period, contract._calendar().period_of(day), day, True,
                                           contract.currency_id.decimal_places)

    @api.multi
    def _charge_days_already_invoiced(self):
        """A line added to a running contract from a day within a period already invoiced
        (in advance: a new plan or option from today) bills its days from then to the end
        of that period on the next invoice, prorated on the period's full length; the
        periods after bill it in full."""
        for line in self.filtered(lambda l: l.date_start and not l.is_usage):
            contract = line.contract_id
            amount = self._added_line_charge(contract, line.date_start, line.quantity * line.price_unit)
            if amount:
                day = fields.Date.from_string(line.date_start)
                customer = contract._customer_context()
                context = customer.env.context  # noqa: F841 - read by _(): the labels in the customer's language
                self.env["recurring.contract.adjustment"].create({
                    "contract_id": contract.id,
                    "line_id": line.id,
                    "product_id": line.product_id.id,
                    "date": line.date_start,
                    "amount": float(amount),
                    "name": _("%(product)s: added on %(date)s, in a period already invoiced") % {
                        "product": line.product_id.with_env(customer.env).display_name,
                        "date": customer._format_date(day)},
                })

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if "contract_id" in values and any(line.contract_id.id != values["contract_id"] for line in self):
            # its invoiced periods, prices and customer stay with the contract it was made on
            raise UserError(_("A contract line cannot move to another contract: stop it from a date on this "
                              "contract and add a new line on the other one."))
        self._check_terms_locked(values)
        self._check_plan_locked(values)
        self._check_dates_locked(values)
        return super(RecurringContractLine, self).write(values)

    @api.multi
    def unlink(self):
        for line in self:
            if line.sudo()._is_invoiced():
                raise UserError(_(
                    "Line %(product)s of contract %(contract)s is already invoiced: it cannot be deleted, or its "
                    "invoices and the revenue history would lose it. Stop it from a date instead (action_stop, or "
                    "\"Change quantity or price\" to a quantity of 0): the days already invoiced after it are "
                    "credited.") % {
                    "product": line.product_id.display_name, "contract": line.contract_id.name})
        return super(RecurringContractLine, self).unlink()

    @api.multi
    def _check_dates_locked(self, values):
        """Refuse, to every user, a plain write of the dates or of the usage flag of a line
        already invoiced: the days already invoiced would be neither credited nor charged.
        A line stops from a date by ``action_stop`` (the Stop button), which credits them; it
        changes product or billing by "Change plan"."""
        if self.env.context.get("recurring_line_terms_write") is _TERMS_WRITE \
                or not any(name in values for name in LOCKED_DATES):
            return
        for line in self:
            changed = [name for name in LOCKED_DATES if name in values and (values[name] or False) != line[name]]
            if changed and line.sudo()._is_invoiced():
                labels = self.fields_get(changed)
                raise UserError(_(
                    "Line %(product)s of contract %(contract)s is already invoiced: %(fields)s cannot be changed "
                    "directly, or the days already invoiced would be neither credited nor charged. Stop the line "
                    "from a date with action_stop (or \"Change quantity or price\" to a quantity of 0), which "
                    "credits the unused days, or use \"Change plan\" on the contract.") % {
                    "product": line.product_id.display_name, "contract": line.contract_id.name,
                    "fields": ", ".join('"%s"' % labels[name]["string"] for name in changed)})

    @api.multi
    def _check_plan_locked(self, values):
        """Refuse, to every user, a write that changes the product, unit of measure or taxes
        of a line already invoiced: the next invoices and the revenue history would disagree
        with what was billed. Another product, unit or taxes start from a date by "Change plan"
        (a new line)."""
        if self.env.context.get("recurring_line_terms_write") is _TERMS_WRITE \
                or not any(name in values for name in LOCKED_PLAN):
            return
        for line in self:
            changed = [name for name in ("product_id", "uom_id") if name in values and (values[name] or False)
                       != (line[name].id or False)]
            if "tax_ids" in values and _many2many_result(line.tax_ids.ids, values["tax_ids"]) != set(line.tax_ids.ids):
                changed.append("tax_ids")
            if changed and line.sudo()._is_invoiced():
                labels = self.fields_get(changed)
                raise UserError(_(
                    "Line %(product)s of contract %(contract)s is already invoiced: %(fields)s cannot be changed "
                    "directly, or the next invoices would disagree with what was billed. Use \"Change plan\" on "
                    "the contract: it stops the line the day before a date and starts the new product, unit of "
                    "measure or taxes on that date, crediting or charging the days already invoiced.") % {
                    "product": line.product_id.display_name, "contract": line.contract_id.name,
                    "fields": ", ".join('"%s"' % labels[name]["string"] for name in changed)})

    @api.multi
    def _check_terms_locked(self, values):
        """Refuse, to every user, a plain write that changes the quantity or the price of a
        line already invoiced: the periods billed at the old terms would not be credited or
        charged for the difference. The application writes them through ``_write_terms``."""
        if self.env.context.get("recurring_line_terms_write") is _TERMS_WRITE:
            return
        names = [(name, precision) for name, precision in LOCKED_TERMS if name in values]
        if not names:
            return
        Precision = self.env["decimal.precision"]
        for line in self:
            changed = [name for name, precision in names if float_compare(
                line[name], values[name] or 0.0, precision_digits=Precision.precision_get(precision))]
            if changed and line.sudo()._is_invoiced():
                labels = self.fields_get(changed)
                raise UserError(_(
                    "Line %(product)s of contract %(contract)s is already invoiced: %(fields)s cannot be changed "
                    "directly. Its quantity and unit price change only from a date, so that the days already "
                    "invoiced are credited or charged for the difference. Use \"Change quantity or price\" on "
                    "the line, or \"Change plan\" on the contract.") % {
                    "product": line.product_id.display_name, "contract": line.contract_id.name,
                    "fields": ", ".join('"%s"' % labels[name]["string"] for name in changed)})

    @api.multi
    def _write_terms(self, values):
        """Write the quantity, the price or the dates of lines as the application (dated changes)."""
        return self.with_context(recurring_line_terms_write=_TERMS_WRITE).write(values)

    @api.depends("quantity", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.quantity * line.price_unit

    @api.constrains("quantity", "price_unit")
    def _check_quantity(self):
        for line in self:
            if line.quantity < 0:
                raise ValidationError(_("The quantity of %(product)s cannot be negative (%(quantity)s): stop or "
                                        "reduce the line instead.") % {
                    "product": line.product_id.display_name, "quantity": line.quantity})

    @api.constrains("tax_ids", "contract_id")
    def _check_tax_company(self):
        """A line's taxes are its contract's company's: a tax of another company (which the
        user may not even read) would be charged on the invoices of this one."""
        for line in self.sudo():
            company = line.contract_id.company_id
            foreign = line.tax_ids.filtered(lambda tax: tax.company_id != company)
            if foreign:
                raise ValidationError(_("The taxes of %(product)s must be taxes of the contract's company "
                                        "%(company)s: %(count)s tax(es) of another company refused.") % {
                    "product": line.product_id.display_name or line.name, "company": company.name,
                    "count": len(foreign)})

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for line in self:
            if line.date_start and line.date_end and line.date_end < line.date_start:
                raise ValidationError(_("The end date of line %s is before its start date.")
                                      % line.product_id.display_name)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        product = self.product_id
        if not product:
            return
        self.name = product.get_product_multiline_description_sale() if hasattr(
            product, "get_product_multiline_description_sale") else product.display_name
        self.uom_id = product.uom_id
        self.price_unit = product.lst_price
        company = self.contract_id.company_id or self.env.user.company_id
        self.tax_ids = product.taxes_id.filtered(lambda tax: tax.company_id == company)

    @api.multi
    def _template_values(self):
        self.ensure_one()
        return {
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "name": self.name,
            "quantity": self.quantity,
            "uom_id": self.uom_id.id,
            "price_unit": self.price_unit,
            "tax_ids": [(6, 0, self.tax_ids.ids)],
            "is_usage": self.is_usage,
        }

    @api.multi
    def _price_for_period(self, period):
        """The unit price of a period: the last price change effective on its first day."""
        self.ensure_one()
        price = self.price_unit
        first_day = fields.Date.to_string(period.full_start)
        for change in self.price_change_ids.sorted("date"):
            if change.date <= first_day:
                price = change.price_unit
        return price

    @api.multi
    def _terms_at(self, day, period, scheduled=True):
        """(quantity, unit price) of the line on ``day`` in ``period``: its current terms
        taken back through the changes applied after that day (and forward through the
        changes scheduled by then, unless ``scheduled`` is False)."""
        self.ensure_one()
        quantity, price = self.quantity, self.price_unit
        text = fields.Date.to_string(day)
        # a change of plan starts another line: this one keeps its terms up to its end
        amendments = self.amendment_ids.filtered(lambda a: a.kind == "line").sorted(
            lambda a: (a.date, a.id), reverse=True)
        for amendment in amendments:
            if amendment.state == "applied" and amendment.date > text:
                quantity, price = amendment.old_quantity, amendment.old_price_unit
        for amendment in amendments.sorted(lambda a: (a.date, a.id)):
            if scheduled and amendment.state == "pending" and amendment.date <= text:
                quantity, price = amendment.quantity, amendment.price_unit
        first_day = fields.Date.to_string(period.full_start)
        for change in self.price_change_ids.sorted("date"):
            if change.date <= first_day:
                price = change.price_unit
        return quantity, price

    @api.multi
    def _terms_spans(self, first, last, period, scheduled=True):
        """The days from ``first`` to ``last`` (dates) of ``period`` split where the line's terms
        change (its changes of quantity or price applied, and scheduled ones unless
        ``scheduled`` is False: a scheduled change charges or credits its days itself when it
        is applied): a list of (first day, last day, quantity, unit price)."""
        self.ensure_one()
        if last < first:
            return []
        states = ("applied", "pending") if scheduled else ("applied",)
        bounds = sorted({fields.Date.from_string(amendment.date) for amendment in self.amendment_ids
                         if amendment.kind == "line" and amendment.state in states
                         and first < fields.Date.from_string(amendment.date) <= last})
        spans = []
        start = first
        for bound in bounds + [last + recurrence.ONE_DAY]:
            spans.append((start, bound - recurrence.ONE_DAY) + tuple(self._terms_at(start, period, scheduled)))
            start = bound
        return spans

    @api.multi
    def _period_ratio(self, period):
        """Share of the period this line bills: the days it covers (lines added or stopped
        within it) less the days the contract was paused."""
        self.ensure_one()
        start = max(period.start, fields.Date.from_string(self.date_start)) if self.date_start else period.start
        end = min(period.end, fields.Date.from_string(self.date_end)) if self.date_end else period.end
        if end < start:
            return 0.0
        days = (end - start).days + 1 - recurrence.paused_days(start, end, self.contract_id._paused_ranges())
        return days / float(period.full_days)

    @api.multi
    def apply_change(self, date, quantity=None, price_unit=None, period_invoiced=None):
        """Change the quantity or the price of a running line from ``date`` within a period:
        the line takes the new values and a prorated adjustment (a charge, or a credit for
        the unused days of a prepaid period) goes on the next invoice. A change dated after
        today is scheduled (``recurring.contract.amendment``): the invoicing run applies it
        once the periods before it are invoiced, so that they bill the current terms. So is a
        change dated today or earlier while a period before the one holding it is not invoiced
        yet (a contract invoiced in arrears, or a run not made yet)."""
        # the day the change is made (as the caller sees it, else today)
        today = self.env.context.get("recurring_today") or fields.Date.context_today(self)
        for line in self:
            contract = line.contract_id
            if quantity is not None and quantity < 0:
                raise ValidationError(_("The quantity cannot be negative."))
            new_quantity = line.quantity if quantity is None else quantity
            new_price = line.price_unit if price_unit is None else price_unit
            day = fields.Date.from_string(date)
            if date < contract.date_start:
                raise UserError(_("The change date is before the start of the contract."))
            if self.env.context.get("recurring_engine_change") is not _TERMS_WRITE:
                line._check_change_not_before_invoiced(date)
            if contract.state != "draft" and not self.env.context.get("recurring_apply_now") and (
                    date > today or contract._uninvoiced_period_before(day)):
                # later, or after a period still to invoice (in arrears, or a run not made yet):
                # the earlier periods bill the current terms, the run applies the change after them
                # the terms it replaces, as they stand now (set again when it is applied)
                self.env["recurring.contract.amendment"].create({
                    "line_id": line.id, "date": date, "quantity": new_quantity, "price_unit": new_price,
                })._code_write({"old_quantity": line.quantity, "old_price_unit": line.price_unit})
                continue
            amount = line._change_adjustment(day, new_quantity, new_price, period_invoiced)
            if amount:
                line._create_change_adjustment(day, amount, new_quantity, new_price)
            if contract.state != "draft" and not self.env.context.get("recurring_amendment_recorded"):
                # the line's history, for the MRR of past months
                self.env["recurring.contract.amendment"].create({
                    "line_id": line.id, "date": date, "quantity": new_quantity, "price_unit": new_price,
                })._code_write({"old_quantity": line.quantity, "old_price_unit": line.price_unit, "state": "applied"})
            line._write_terms({"quantity": new_quantity, "price_unit": new_price})
        return True

    @api.multi
    def _create_change_adjustment(self, day, amount, new_quantity, new_price):
        """The charge or credit of a change of the line from ``day`` to ``new_quantity`` x
        ``new_price``, labelled in the customer's language."""
        self.ensure_one()
        customer = self.contract_id._customer_context()
        context = customer.env.context  # noqa: F841 - read by _(): the label in the customer's language
        return self.env["recurring.contract.adjustment"].create({
            "contract_id": self.contract_id.id,
            "line_id": self.id,
            "product_id": self.product_id.id,
            "date": fields.Date.to_string(day),
            "amount": float(amount),
            "name": _("%(product)s: from %(old_qty)s x %(old_price)s to %(qty)s x %(price)s on %(date)s") % {
                "product": self.product_id.with_env(customer.env).display_name,
                "old_qty": customer._format_number(self.quantity),
                "old_price": customer._format_money(self.price_unit),
                "qty": customer._format_number(new_quantity), "price": customer._format_money(new_price),
                "date": customer._format_date(day)},
        })

    @api.multi
    def _check_change_not_before_invoiced(self, date):
        """Refuse a change of quantity or price from ``date`` (text) that its adjustment could
        not make exact: one dated before a whole period already invoiced (the adjustment
        covers the period holding the date only: the later ones would keep the old terms),
        or before a change of the line already applied (the line's terms on that day are no
        longer its current ones)."""
        self.ensure_one()
        contract = self.contract_id
        later = contract.sudo().period_ids.filtered(lambda p: p.date_start > date)
        if later:
            latest = max(later.mapped("date_start"))
            raise UserError(_(
                "Contract %(name)s is already invoiced from %(first)s: a change of %(product)s dated %(date)s would "
                "be credited or charged on one invoiced period only. Date it on or after %(latest)s (the start of "
                "the last invoiced period); record the difference of the earlier periods as an adjustment.") % {
                "name": contract.name, "product": self.product_id.display_name,
                "date": contract._format_date(fields.Date.from_string(date)),
                "first": contract._format_date(fields.Date.from_string(min(later.mapped("date_start")))),
                "latest": contract._format_date(fields.Date.from_string(latest))})
        applied = self.amendment_ids.filtered(lambda a: a.kind == "line" and a.state == "applied" and a.date > date)
        if applied:
            raise UserError(_(
                "Line %(product)s already changed on %(applied)s: a change dated %(date)s, earlier, cannot be "
                "applied after it. Date it on or after %(applied)s.") % {
                "product": self.product_id.display_name,
                "date": contract._format_date(fields.Date.from_string(date)),
                "applied": contract._format_date(fields.Date.from_string(max(applied.mapped("date"))))})

    @api.multi
    def _change_adjustment(self, day, new_quantity, new_price, period_invoiced=None):
        """The prorated charge (positive) or credit (negative) a change of the line to
        ``new_quantity`` x ``new_price`` from ``day`` (a date) needs, on the period as the
        contract bills it (clipped by its start, its end and its changes of terms):
        ``proration.change_adjustment``. Nothing on a draft contract nor a usage line."""
        self.ensure_one()
        contract = self.contract_id
        period = contract._calendar().period_of(day)
        invoiced = period_invoiced
        if invoiced is None:
            invoiced = bool(contract.period_ids.filtered(
                lambda p: p.date_start == fields.Date.to_string(period.start)))
        if contract.state == "draft" or self.is_usage:
            return 0
        # days never billed, or credited already, are neither charged nor credited: in a period
        # not invoiced yet every paused day (its invoice leaves them out); in an invoiced one the
        # days of the pauses that ended (credited when they ended, or never billed); the days
        # of a pause in progress are credited when it ends, at the terms of each day
        paused = contract._paused_ranges()
        if invoiced:
            paused = [(start, end) for start, end in paused if end]
        return proration.change_adjustment(
            self.quantity * self.price_unit, new_quantity * new_price, period, day, invoiced,
            contract.currency_id.decimal_places, paused=paused)

    @api.multi
    def action_open_change(self):
        """Button of a line: the "Change quantity or price" wizard."""
        self.ensure_one()
        action = self.env.ref("recurring_billing.action_recurring_contract_change_wizard").read()[0]
        action["context"] = {"default_line_id": self.id, "default_contract_id": self.contract_id.id,
                             "default_change_type": "line"}
        return action

    @api.multi
    def action_open_stop(self):
        """Button of a line: the wizard that stops it from a date (``action_stop``)."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        return self.env["recurring.contract.line.stop.wizard"]._action(self.contract_id, self)

    @api.multi
    def _check_change_date(self, date, plan=False):
        """Refuse a dated change of the line (``plan``: replaced by another line from
        ``date``) on a contract not running, or on a day the contract or the line does not run."""
        self.ensure_one()
        contract = self.contract_id
        if contract.is_template or contract.state not in ("running", "to_renew", "paused"):
            raise UserError(_("Contract %s is not running: edit its lines directly while it is a draft; a closed "
                              "contract does not change.") % contract.name)
        if date < contract.date_start or (contract.date_end and date > contract.date_end):
            raise UserError(_("The effective date must be within the contract, from its start to its end."))
        starts_later = self.date_start and (date < self.date_start or (plan and date == self.date_start))
        if starts_later or (self.date_end and date > self.date_end):
            raise UserError(_("Line %s does not run on that day: pick a date within its dates.")
                            % self.product_id.display_name)

    @api.model
    def _stop_day(self, date):
        """The day ``date`` (text ``YYYY-MM-DD`` as sent over RPC, or a date) names; a clear
        error for anything else."""
        if isinstance(date, datetime.date) and not isinstance(date, datetime.datetime):
            return date
        day = None
        if isinstance(date, str) and date.strip():
            try:
                day = fields.Date.from_string(date.strip())
            except ValueError:
                day = None
        if day:
            return day
        raise UserError(_("The stop date must be a day written YYYY-MM-DD, such as 2027-01-31: %s is not one.")
                        % (date if isinstance(date, str) and date.strip() else repr(date)))

    @api.multi
    def _check_stop_date(self, date):
        """Refuse a stop of the line from ``date`` (text) that would not be a stop: the contract
        not running, a day outside the contract or the line, the line's first day or before,
        or a change of quantity or price scheduled from then on (it would apply to a stopped line)."""
        self.ensure_one()
        contract = self.contract_id
        self._check_change_date(date)
        first_day = self.date_start or contract.date_start
        if date <= first_day:
            raise UserError(_("Line %(product)s starts on %(start)s: it can only be stopped from a later day (the "
                              "day before the stop is its last day). To end the whole contract, close it.") % {
                "product": self.product_id.display_name,
                "start": contract._format_date(fields.Date.from_string(first_day))})
        scheduled = self.amendment_ids.filtered(lambda a: a.kind == "line" and a.state == "pending" and a.date >= date)
        if scheduled:
            raise UserError(_("Line %(product)s has a change of quantity or price scheduled on %(date)s, after its "
                              "stop: delete it from the line's scheduled changes first.") % {
                "product": self.product_id.display_name,
                "date": contract._format_date(fields.Date.from_string(scheduled[0].date))})

    @api.multi
    def action_stop(self, date):
        """Stop the lines from ``date`` (``YYYY-MM-DD``; their last day is the day before).

        A public method (RPC): the caller must be allowed to edit the lines (salespeople those
        of their own contracts, sales managers all). The line keeps its quantity and price,
        what it billed (its form, the MRR of past months): the periods not invoiced yet bill
        it up to the day before the stop, no later period bills it, and the days from the
        stop of the periods already invoiced (in advance) are credited on the next invoice,
        prorated on each period as it was billed (clipped first period included)."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        day = self._stop_day(date)
        text = fields.Date.to_string(day)
        for line in self:
            contract = line.contract_id
            # the invoicing run locks the contract too: the invoiced periods read below cannot
            # change meanwhile (a run in progress makes this wait)
            self.env.cr.execute("SELECT id FROM recurring_contract WHERE id = %s FOR UPDATE", (contract.id,))
            contract.invalidate_cache(ids=contract.ids)
            self.env["recurring.contract.period"].invalidate_cache()
            line._check_stop_date(text)
            if not line.is_usage:
                contract._credit_unused_days(day, contract._credit_reason("stopped", day), lines=line)
            line._write_terms({"date_end": fields.Date.to_string(day - recurrence.ONE_DAY)})
        return True
