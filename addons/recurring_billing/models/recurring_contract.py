import datetime
import logging
from email.utils import formataddr

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import proration, recurrence

UNIT_SELECTION = [
    ("day", "Day(s)"),
    ("week", "Week(s)"),
    ("month", "Month(s)"),
    ("year", "Year(s)"),
]
# the billing terms a dated change of terms can set (same names on the change and the contract)
# the furthest ahead a contract invoices: a year (days ahead of 100000 made invoices up to 2300)
MAX_DAYS_AHEAD = 366
_logger = logging.getLogger(__name__)
TERMS_FIELDS = ("recurring_interval", "recurring_unit", "period_alignment", "invoicing_mode")


class RecurringContract(models.Model):
    """A subscription: lines invoiced every period, from a start date, for a commitment
    that renews unless notice is given. Invoicing lives in recurring_contract_invoicing.py."""

    _name = "recurring.contract"
    _description = "Recurring contract"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "recurring.access.guard"]
    _order = "date_start desc, id desc"
    # set by the lifecycle buttons, the invoicing and the order confirmation only
    _code_fields = ("state", "mrr", "amount_period", "next_invoice_date", "alert_sent_date", "notice_date",
                    "sale_order_id", "period_ids", "adjustment_ids", "invoice_ids")

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        default=lambda self: _("New"),
        track_visibility="onchange",
    )
    is_template = fields.Boolean(
        string="Template",
        help="A template is never invoiced: it pre-fills new contracts.",
    )
    template_id = fields.Many2one(
        "recurring.contract",
        domain=[("is_template", "=", True)],
        copy=False,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("paused", "Paused"),
         ("to_renew", "To renew"), ("closed", "Closed")],
        default="draft",
        required=True,
        copy=False,
        index=True,
        track_visibility="onchange",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        track_visibility="onchange",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env["res.company"]._company_default_get("recurring.contract"),
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.user.company_id.currency_id,
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic account",
        help="Put on every invoice line of the contract.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        domain=[("type", "=", "sale")],
        help="Sales journal of the invoices; the company's first one when empty.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        copy=False,
        readonly=True,
    )
    recurring_interval = fields.Integer(
        string="Invoice every",
        default=1,
        required=True,
    )
    recurring_unit = fields.Selection(
        UNIT_SELECTION,
        string="Period",
        default="month",
        required=True,
    )
    invoicing_mode = fields.Selection(
        [("advance", "In advance"), ("arrears", "In arrears")],
        default="advance",
        required=True,
        help="In advance: each period is invoiced on its first day. In arrears: the day after it ends.",
    )
    period_alignment = fields.Selection(
        [("start", "On the start date"), ("calendar", "On the 1st of the month")],
        default="start",
        required=True,
        help="On the 1st of the month, a contract starting mid-month gets a prorated first period.",
    )
    prorate = fields.Boolean(
        string="Prorate partial periods",
        default=True,
    )
    date_start = fields.Date(
        string="Start date",
        default=fields.Date.context_today,
        track_visibility="onchange",
    )
    commitment_count = fields.Integer(
        string="Commitment (periods)",
        help="Number of periods the customer commits to; 0 for no commitment.",
    )
    instalment_count = fields.Integer(
        string="Instalments",
        help="Number of invoices after which the contract ends; 0 for open-ended.",
    )
    date_end = fields.Date(
        string="End date",
        help="End of the current term: the contract renews or closes after it.",
        track_visibility="onchange",
    )
    auto_renew = fields.Boolean(
        string="Renew automatically",
        default=True,
    )
    notice_days = fields.Integer(
        string="Notice period (days)",
        default=30,
    )
    alert_days = fields.Integer(
        string="Alert days before term end",
        default=45,
    )
    alert_sent_date = fields.Date(
        string="Alert sent for term ending",
        copy=False,
        readonly=True,
    )
    notice_given = fields.Boolean(
        string="Notice given",
        copy=False,
        track_visibility="onchange",
        help="The customer or the company gave notice: the contract closes at the end of the term "
             "when notice came at least the notice period before it, else at the end of the next one.",
    )
    notice_date = fields.Date(
        copy=False,
        readonly=True,
    )
    days_ahead = fields.Integer(
        string="Invoice days ahead",
        help="Invoice a period this many days before its invoice date (0 to 366).",
    )
    invoice_policy = fields.Selection(
        [("draft", "Draft invoices"), ("open", "Validated invoices"),
         ("send", "Validated and e-mailed invoices")],
        string="Invoices",
        default="draft",
        required=True,
    )
    next_invoice_date = fields.Date(
        copy=False,
        index=True,
        readonly=True,
    )
    line_ids = fields.One2many(
        "recurring.contract.line",
        "contract_id",
        string="Lines",
        copy=True,
    )
    period_ids = fields.One2many(
        "recurring.contract.period",
        "contract_id",
        string="Invoiced periods",
        readonly=True,
    )
    pause_ids = fields.One2many(
        "recurring.contract.pause",
        "contract_id",
        string="Pauses",
        readonly=True,
        # sales and billing users read the pauses (the Resume button ends them), customers do not
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
    )
    terms_change_ids = fields.One2many(
        "recurring.contract.amendment",
        "contract_id",
        string="Changes of billing terms",
        domain=[("kind", "=", "terms")],
        context={"default_kind": "terms"},
        help="Dated changes of frequency, alignment or invoicing mode: the periods before a change keep the "
             "old terms, the ones from its date the new terms.",
    )
    plan_change_ids = fields.One2many(
        "recurring.contract.amendment",
        "contract_id",
        string="Changes of plan",
        domain=[("kind", "=", "plan")],
        readonly=True,
        help="Each change of plan: its date, the old and new plans, who made it, and the credit and charge it "
             "put on the next invoice.",
    )
    refund_unused_days = fields.Boolean(
        string="Credit unused days on closing",
        default=lambda self: self.env.user.company_id.recurring_refund_unused_days,
        help="Closing the contract before the end of a period invoiced in advance credits the days left, "
             "prorated, on the closing credit note or invoice.",
    )
    adjustment_ids = fields.One2many(
        "recurring.contract.adjustment",
        "contract_id",
        string="Adjustments",
        readonly=True,
    )
    invoice_ids = fields.One2many(
        "account.invoice",
        "recurring_contract_id",
        string="Invoices",
        readonly=True,
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count",
    )
    amount_period = fields.Monetary(
        string="Amount per period",
        compute="_compute_amounts",
        store=True,
    )
    mrr = fields.Monetary(
        string="Monthly recurring revenue",
        compute="_compute_amounts",
        store=True,
    )
    note = fields.Text(
        string="Internal note",
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
        help="For the team only: customers never read it, not even over RPC.",
    )

    @api.depends("line_ids.price_subtotal", "line_ids.is_usage", "line_ids.date_start", "line_ids.date_end",
                 "recurring_interval", "recurring_unit", "state", "date_start", "date_end")
    def _compute_amounts(self):
        for contract in self:
            # the lines in force today (on its first day before it starts, on its last once ended): a
            # line stopped or replaced by another plan keeps its quantity and price, its history
            day = contract._amounts_day()
            total = sum(contract.line_ids.filtered(
                lambda line: not line.is_usage and (not line.date_start or line.date_start <= day)
                and (not line.date_end or line.date_end >= day)).mapped("price_subtotal"))
            contract.amount_period = total
            if contract.state in ("paused", "closed"):  # no recurring revenue while paused or once closed
                contract.mrr = 0.0
            elif contract.recurring_interval > 0 and contract.recurring_unit:
                months = recurrence.months_per_period(contract.recurring_interval, contract.recurring_unit)
                contract.mrr = total / months
            else:
                contract.mrr = 0.0

    @api.multi
    def _amounts_day(self):
        """The day whose lines make the amount per period and the MRR: today (``recurring_today``
        in the context, else the user's today), within the contract's dates."""
        self.ensure_one()
        day = self.env.context.get("recurring_today") or fields.Date.context_today(self)
        if self.date_start and day < self.date_start:
            day = self.date_start
        if self.date_end and day > self.date_end:
            day = self.date_end
        return day

    @api.model
    def _refresh_amounts(self, today):
        """Recompute the amount per period and the MRR of the contracts whose lines in force
        changed since they were computed (a line started or stopped since): set-based, the
        stored amount compared with the lines in force on ``today`` in SQL."""
        text = fields.Date.to_string(today)
        self.env.cr.execute("""
            SELECT c.id
              FROM recurring_contract c
             CROSS JOIN LATERAL (SELECT LEAST(GREATEST(%(today)s::date, COALESCE(c.date_start, %(today)s::date)),
                                              COALESCE(c.date_end, 'infinity'::date)) AS day) ref
             WHERE NOT COALESCE(c.is_template, FALSE)
               AND EXISTS (SELECT 1 FROM recurring_contract_line l
                            WHERE l.contract_id = c.id AND (l.date_start IS NOT NULL OR l.date_end IS NOT NULL))
               AND round(COALESCE(c.amount_period, 0)::numeric, 2) != round(COALESCE((
                       SELECT sum(l.price_subtotal) FROM recurring_contract_line l
                        WHERE l.contract_id = c.id AND NOT COALESCE(l.is_usage, FALSE)
                          AND (l.date_start IS NULL OR l.date_start <= ref.day)
                          AND (l.date_end IS NULL OR l.date_end >= ref.day)), 0)::numeric, 2)
        """, {"today": text})
        contracts = self.with_context(recurring_today=text).browse([row[0] for row in self.env.cr.fetchall()])
        if contracts:
            for name in ("amount_period", "mrr"):
                contracts._recompute_todo(self._fields[name])
            contracts.recompute()
        return contracts

    @api.multi
    def _compute_invoice_count(self):
        data = self.env["account.invoice"].read_group(
            [("recurring_contract_id", "in", self.ids)], ["recurring_contract_id"], ["recurring_contract_id"])
        counts = {row["recurring_contract_id"][0]: row["recurring_contract_id_count"] for row in data}
        for contract in self:
            contract.invoice_count = counts.get(contract.id, 0)

    @api.multi
    def _compute_access_url(self):
        result = super(RecurringContract, self)._compute_access_url()
        for contract in self:
            contract.access_url = "/my/contracts/%s" % contract.id
        return result

    @api.constrains("recurring_interval", "commitment_count", "instalment_count", "notice_days", "days_ahead")
    def _check_counts(self):
        for contract in self:
            if contract.recurring_interval <= 0:
                raise ValidationError(_("A contract must be invoiced every 1 or more days, weeks, months or "
                                        "years: %s is not a valid frequency.") % contract.recurring_interval)
            if min(contract.commitment_count, contract.instalment_count, contract.notice_days,
                   contract.days_ahead) < 0:
                raise ValidationError(_("Commitment, instalments, notice period and days ahead cannot be "
                                        "negative."))
            if contract.days_ahead > MAX_DAYS_AHEAD:
                raise ValidationError(_("Contract %(name)s cannot be invoiced %(days)s days ahead: at most "
                                        "%(max)s days (a year) ahead.") % {
                    "name": contract.name, "days": contract.days_ahead, "max": MAX_DAYS_AHEAD})

    @api.constrains("journal_id", "company_id")
    def _check_journal(self):
        for contract in self.sudo():
            journal = contract.journal_id
            if journal and (journal.type != "sale" or journal.company_id != contract.company_id):
                raise ValidationError(_("The journal of contract %(name)s must be a sales journal of its company: "
                                        "%(journal)s is not.") % {"name": contract.name,
                                                                  "journal": journal.display_name})

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_start and contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(_("The end date (%(end)s) of contract %(name)s is before its start date "
                                        "(%(start)s).") % {
                    "end": contract.date_end, "name": contract.name, "start": contract.date_start})
            # usage posted ahead (dated after today) and the contract then closed today, or its
            # dates changed: the usage left outside would be billed for days the contract does not have
            domain = [("contract_id", "=", contract.id), ("invoice_line_id", "=", False), "|",
                      ("date", "<", contract.date_start or "0001-01-01"),
                      ("date", ">", contract.date_end or "9999-12-31")]
            outside = self.env["recurring.usage"].sudo().search(domain, limit=1)
            if outside:
                raise ValidationError(_(
                    "Contract %(name)s would run from %(start)s to %(end)s, but usage of %(line)s is recorded on "
                    "%(date)s, outside these dates: it would be invoiced for days the contract does not have. "
                    "Correct or delete that usage first.") % {
                    "name": contract.name, "line": outside.line_id.name,
                    "date": contract._format_date(fields.Date.from_string(outside.date)),
                    "start": contract._format_date(fields.Date.from_string(contract.date_start))
                    if contract.date_start else _("no start"),
                    "end": contract._format_date(fields.Date.from_string(contract.date_end))
                    if contract.date_end else _("no end")})

    @api.onchange("template_id")
    def _onchange_template_id(self):
        template = self.template_id
        if not template:
            return
        for field in ("recurring_interval", "recurring_unit", "invoicing_mode", "period_alignment", "prorate",
                      "commitment_count", "instalment_count", "auto_renew", "notice_days", "alert_days",
                      "days_ahead", "invoice_policy", "payment_term_id", "journal_id", "note"):
            self[field] = template[field]
        self.line_ids = [(5, 0, 0)] + [(0, 0, line._template_values()) for line in template.line_ids]

    @api.onchange("date_start", "commitment_count", "recurring_interval", "recurring_unit")
    def _onchange_commitment(self):
        if self.date_start and self.commitment_count > 0 and self.recurring_interval > 0:
            self.date_end = self._term_end(fields.Date.from_string(self.date_start))

    @api.model
    def create(self, values):
        self._guard_values(values)
        if values.get("name", _("New")) == _("New") and not values.get("is_template"):
            values["name"] = self.env["ir.sequence"].next_by_code("recurring.contract") or _("New")
        return super(RecurringContract, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        locked = set(values) & set(self._billing_terms())
        if locked and not self.env.context.get("recurring_terms_change"):
            for contract in self.filtered(lambda c: c.period_ids or c.terms_change_ids):
                changed = [name for name in locked
                           if contract._fields[name].convert_to_write(contract[name], contract) != values[name]]
                if changed:
                    raise UserError(_(
                        "Contract %(name)s is already invoiced: its %(terms)s cannot change, or periods would "
                        "overlap or be skipped. Record a dated change of its billing terms (or of its lines) "
                        "instead.") % {
                        "name": contract.name,
                        "terms": ", ".join(contract._fields[name].get_description(self.env)["string"]
                                           for name in sorted(changed))})
        self._check_invoiced_write(values)
        result = super(RecurringContract, self).write(values)
        if "notice_given" in values and "notice_date" not in values:
            # the box ticked in the form (or over RPC) is notice given today, as the button records it;
            # cleared, the notice is withdrawn
            for contract in self:
                if contract.notice_given and not contract.notice_date:
                    contract._code_write({"notice_date": fields.Date.context_today(self)})
                elif not contract.notice_given and contract.notice_date:
                    contract._code_write({"notice_date": False})
        return result

    @api.multi
    def _check_invoiced_write(self, values):
        """Refuse, to every user, what would make an invoiced contract disagree with its
        invoices: another customer or currency, becoming a template once started, an end
        date inside (or before) a period already invoiced (the Close button credits the
        unused days of the periods invoiced in advance)."""
        for contract in self:
            invoiced = contract.sudo().period_ids
            for name in ("partner_id", "currency_id"):
                if name in values and invoiced and (values[name] or False) != contract[name].id:
                    raise UserError(_(
                        "Contract %(name)s is already invoiced: its %(field)s cannot change, or its credit notes "
                        "and next invoices would not match the invoices already sent. Close it and start a new "
                        "contract instead.") % {
                        "name": contract.name, "field": contract._fields[name].get_description(self.env)["string"]})
            if "instalment_count" in values and invoiced and values["instalment_count"] \
                    and values["instalment_count"] < len(invoiced):
                raise UserError(_(
                    "Contract %(name)s has %(count)s periods invoiced already: its number of instalments cannot be "
                    "set below that (%(new)s). Close the contract instead.") % {
                    "name": contract.name, "count": len(invoiced), "new": values["instalment_count"]})
            if values.get("is_template") and not contract.is_template and (
                    invoiced or contract.state != "draft"):
                raise UserError(_("Contract %s is running or invoiced: it cannot become a template (its invoicing "
                                  "would silently stop). Create a template from a new contract instead.")
                                % contract.name)
            if values.get("date_end") and invoiced:
                last_invoiced = max(invoiced.mapped("date_end"))
                # the code writes dates, RPC and the forms text
                end = values["date_end"] if isinstance(values["date_end"], str) \
                    else fields.Date.to_string(values["date_end"])
                if end < last_invoiced and end != contract.date_end:
                    raise UserError(_(
                        "Contract %(name)s is invoiced up to %(last)s: its end date cannot be set to %(end)s, "
                        "inside the periods already invoiced, without crediting their unused days. Use the Close "
                        "button: it ends the contract today and credits the days invoiced in advance.") % {
                        "name": contract.name, "end": contract._format_date(fields.Date.from_string(end)),
                        "last": contract._format_date(fields.Date.from_string(last_invoiced))})

    @api.multi
    def unlink(self):
        for contract in self:
            if self._guard_trusted():
                break  # the superuser (administrator, scripts cleaning up) deletes what it must
            if contract.sudo().period_ids or contract.sudo().invoice_ids:
                raise UserError(_("Contract %s is already invoiced: it cannot be deleted, its invoices and revenue "
                                  "history would lose their contract. Close it instead.") % contract.name)
        return super(RecurringContract, self).unlink()

    @api.model
    def _billing_terms(self):
        """Fields that make the calendar of the invoiced periods: locked once one is invoiced."""
        return ("date_start",) + TERMS_FIELDS

    # -- calendar -------------------------------------------------------------------

    @api.multi
    def _calendar(self):
        """The lib calendar of this contract: its billing terms from its start, then those of
        each dated change of terms from its date."""
        self.ensure_one()
        start = fields.Date.from_string(self.date_start)
        changes = self.terms_change_ids.sorted(lambda change: (change.date, change.id))
        if changes:
            first = changes[0]
            terms = [recurrence.Terms(start, first.old_recurring_interval, first.old_recurring_unit,
                                      first.old_invoicing_mode, first.old_period_alignment)]
            terms += [recurrence.Terms(fields.Date.from_string(change.date), change.recurring_interval,
                                       change.recurring_unit, change.invoicing_mode, change.period_alignment)
                      for change in changes]
        else:
            terms = [recurrence.Terms(start, self.recurring_interval, self.recurring_unit, self.invoicing_mode,
                                      self.period_alignment)]
        return recurrence.Calendar(start, terms, fields.Date.from_string(self.date_end) if self.date_end else None,
                                   self.instalment_count or None)

    @api.multi
    def _terms_changed_on(self, period):
        """Whether ``period`` is cut by a change of billing terms (on its first day or the day after it)."""
        self.ensure_one()
        days = set(self.terms_change_ids.mapped("date"))
        return bool(days) and (fields.Date.to_string(period.start) in days
                               or fields.Date.to_string(period.end + recurrence.ONE_DAY) in days)

    @api.multi
    def _next_terms_boundary(self):
        """The default date of a change of billing terms: the start of the next period not
        invoiced yet, after the one running today."""
        self.ensure_one()
        today = fields.Date.from_string(self.env.context.get("recurring_today") or fields.Date.context_today(self))
        day = max(today, fields.Date.from_string(self.date_start))
        boundary = self._calendar().period_of(day).end + recurrence.ONE_DAY
        if self.period_ids:
            last_invoiced = max(fields.Date.from_string(end) for end in self.period_ids.mapped("date_end"))
            boundary = max(boundary, last_invoiced + recurrence.ONE_DAY)
        return boundary

    @api.multi
    def _check_terms_change_date(self, day):
        """A change of terms comes after the start, after the last change, after the first day
        of every invoiced period and not after the end: no invoiced period is rewritten."""
        self.ensure_one()
        text = fields.Date.to_string(day)
        if text <= self.date_start:
            raise UserError(_("A change of billing terms of contract %(name)s must come after its start "
                              "(%(start)s): before any invoice, edit the terms themselves.") % {
                "name": self.name, "start": self._format_date(fields.Date.from_string(self.date_start))})
        if self.date_end and text > self.date_end:
            raise UserError(_("Contract %(name)s ends on %(end)s: a change of its billing terms on %(date)s "
                              "would never apply.") % {
                "name": self.name, "end": self._format_date(fields.Date.from_string(self.date_end)),
                "date": self._format_date(day)})
        later = self.terms_change_ids.filtered(lambda change: change.date >= text)
        if later:
            raise UserError(_("Contract %(name)s already changes its billing terms on %(date)s: a new change "
                              "must come after it.") % {
                "name": self.name, "date": self._format_date(fields.Date.from_string(max(later.mapped("date"))))})
        invoiced = self.period_ids.filtered(lambda claim: claim.date_start >= text).sorted("date_start")
        if invoiced:
            raise UserError(_("The period of contract %(name)s from %(start)s to %(end)s is already invoiced "
                              "under the current terms: date the change after %(start)s.") % {
                "name": self.name, "start": self._format_date(fields.Date.from_string(invoiced[-1].date_start)),
                "end": self._format_date(fields.Date.from_string(invoiced[-1].date_end))})

    @api.multi
    def _apply_terms_changes(self, today):
        """Show the terms in force on ``today`` on the contracts: the changes of terms dated
        on or before it become applied. The calendar never depends on it."""
        text = fields.Date.to_string(today)
        for contract in self:
            changes = contract.terms_change_ids.filtered(
                lambda change: change.state == "pending" and change.date <= text).sorted(lambda c: (c.date, c.id))
            for change in changes:
                contract.with_context(recurring_terms_change=True).write({
                    name: change[name] for name in TERMS_FIELDS})
                change._code_write({"state": "applied"})

    @api.multi
    def action_change_terms(self, date=None, **terms):
        """Record a change of billing terms (``recurring_interval``, ``recurring_unit``,
        ``period_alignment``, ``invoicing_mode``) from ``date`` (default: the next period
        boundary). Returns the action opening the recorded change (its id: ``res_id``), which
        RPC carries (a record would not)."""
        self.ensure_one()
        self._check_may_edit()
        values = dict(terms, kind="terms", contract_id=self.id)
        if date:
            values["date"] = date
        change = self.env["recurring.contract.amendment"].create(values)
        return {"type": "ir.actions.act_window", "name": _("Change of billing terms"),
                "res_model": change._name, "res_id": change.id, "view_mode": "form", "target": "current"}

    @api.multi
    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification", subtype=None, parent_id=False,
                     attachments=None, content_subtype="html", **kwargs):
        """The notes of the contract's buttons (the state they change, a renewal) need no e-mail
        address of the user who pressed them: without one, the sender reads the user's name at
        the company's address (Odoo would refuse the note, and with it the button)."""
        if not kwargs.get("email_from") and not self.env.user.email:
            kwargs["email_from"] = self._sender_at_company(self[:1].company_id) or self.env.user.name
        return super(RecurringContract, self).message_post(
            body=body, subject=subject, message_type=message_type, subtype=subtype, parent_id=parent_id,
            attachments=attachments, content_subtype=content_subtype, **kwargs)

    @api.model
    def _sender_at_company(self, company):
        """The current user's name at ``company``'s e-mail address (else the user's company's),
        for a user without an address of their own; None when the company has none either."""
        company = company or self.env.user.company_id
        if not company.email:
            return None
        return formataddr((self.env.user.name, company.email))

    @api.multi
    def _customer_context(self):
        """The contract in its customer's language: the labels of the invoice lines (changes,
        credits) and their dates read as the customer reads them, whoever makes them."""
        self.ensure_one()
        lang = self.partner_id.lang
        return self.with_context(lang=lang) if lang and lang != self.env.lang else self

    @api.multi
    def _credit_reason(self, reason, day):
        """Why days are credited (``stopped``, ``closed``, ``terms``), said on the customer's invoice."""
        customer = self._customer_context()
        context = customer.env.context  # noqa: F841 - read by _(): the labels in the customer's language
        text = customer._format_date(day)
        if reason == "stopped":
            return _("line stopped on %s") % text
        if reason == "closed":
            return _("contract closed on %s") % text
        return _("billing terms changed on %s") % text

    @api.multi
    def _credit_unused_days(self, first_unused_day, reason, calendar=None, lines=None):
        """Credit, on the next invoice, the days from ``first_unused_day`` of the periods
        already invoiced: one adjustment per fixed line (of ``lines``, by default all) and
        period, prorated on the period's full length (``proration.unused_credit``), less the
        days of the pauses that have ended (credited when they ended, or never billed)."""
        self.ensure_one()
        customer = self._customer_context()
        context = customer.env.context  # noqa: F841 - read by _(): the labels in the customer's language
        calendar = calendar or self._calendar()
        text = fields.Date.to_string(first_unused_day)
        digits = self.currency_id.decimal_places
        Adjustment = self.env["recurring.contract.adjustment"]
        lines = self.line_ids if lines is None else lines
        # the days of a pause that has ended were credited when it ended (or never billed, the
        # period invoiced after it): they are not credited again; a pause in progress credits
        # only its days up to a line's last day when it ends, so its days after are credited here
        credited = [(start, end) for start, end in self._paused_ranges() if end]
        for claim in self.period_ids.filtered(lambda p: p.date_end >= text).sorted("date_start"):
            claim_start, claim_end = fields.Date.from_string(claim.date_start), fields.Date.from_string(claim.date_end)
            full = calendar.period_of(claim_start)
            for line in lines.filtered(lambda line: not line.is_usage):
                start = max(claim_start, fields.Date.from_string(line.date_start)) if line.date_start else claim_start
                end = min(claim_end, fields.Date.from_string(line.date_end)) if line.date_end else claim_end
                if end < max(start, first_unused_day):
                    continue
                # each day credited at the terms that billed it: a change of quantity or price
                # applied since (and charged or credited) splits the days
                for first, last, quantity, price in line._terms_spans(max(start, first_unused_day), end, full):
                    days = (last - first).days + 1 - recurrence.paused_days(first, last, credited)
                    amount = proration.round_amount(
                        -proration.to_decimal(quantity * price) * days / full.full_days, digits)
                    if not amount:
                        continue
                    Adjustment.create({
                        "contract_id": self.id,
                        "line_id": line.id,
                        "product_id": line.product_id.id,
                        "date": fields.Date.to_string(first),
                        "amount": float(amount),
                        "name": _("%(product)s: unused days from %(start)s to %(end)s, already invoiced "
                                  "(%(reason)s)") % {
                            "product": line.product_id.with_env(customer.env).display_name,
                            "start": customer._format_date(first), "end": customer._format_date(last),
                            "reason": reason},
                    })

    @api.multi
    def _term_end(self, term_start):
        """Last day of a commitment term starting on ``term_start``."""
        self.ensure_one()
        return recurrence.shift(term_start, self.commitment_count, self.recurring_interval,
                                self.recurring_unit) - recurrence.ONE_DAY

    @api.multi
    def _paused_ranges(self):
        self.ensure_one()
        # what the invoicing needs, whoever runs it (billing users read no pause); read once per
        # contract in an invoicing run (which changes no pause)
        return list(self._invoicing_cache(("paused ranges", self.id), lambda: [
            (fields.Date.from_string(p.date_start), fields.Date.from_string(p.date_end) if p.date_end else None)
            for p in self.sudo().pause_ids]))

    @api.multi
    def _uninvoiced_period_before(self, day):
        """Whether a period before the one holding ``day`` (a date) is still to invoice:
        neither invoiced nor wholly paused."""
        self.ensure_one()
        calendar = self._calendar()
        target = calendar.period_of(day).start
        invoiced = {fields.Date.from_string(start) for start in self.sudo().period_ids.mapped("date_start")}
        paused = self._paused_ranges()
        for period, _terms in calendar.iter_periods():
            if period.start >= target:
                return False
            if period.start not in invoiced and not recurrence.is_fully_paused(period, paused):
                return True
        return False

    @api.multi
    def _compute_next_invoice_date(self):
        """Store the invoice date of the first period neither invoiced nor paused."""
        for contract in self:
            next_date = False
            if not (contract.is_template or contract.state in ("draft", "closed", "paused")
                    or not contract.date_start):
                invoiced = [fields.Date.from_string(p.date_start) for p in contract.period_ids]
                next_date = contract._calendar().next_invoice_date(
                    invoiced_starts=invoiced, paused=contract._paused_ranges())
            next_text = fields.Date.to_string(next_date) if next_date else False
            if next_text != contract.next_invoice_date:
                contract._code_write({"next_invoice_date": next_text})

    @api.multi
    def _service_end(self):
        """The contract's last day of service (a date): its end date, or the last day of its
        last instalment when that comes first; None while it is open-ended."""
        self.ensure_one()
        ends = [fields.Date.from_string(self.date_end)] if self.date_end else []
        if self.instalment_count and self.date_start:
            last = None
            for last, _terms in self._calendar().iter_periods():
                pass
            if last:
                ends.append(last.end)
        return min(ends) if ends else None

    @api.multi
    def _end_after_last_instalment(self):
        """A running contract whose last instalment is invoiced ends with that instalment's
        period: its end date becomes the period's last day (the lifecycle job, or the next
        invoicing run, closes it the day after). No later period is invoiced anyway."""
        for contract in self.filtered(lambda c: c.instalment_count and not c.next_invoice_date
                                      and c.state in ("running", "to_renew") and not c.is_template):
            end = contract._service_end()
            claims = contract.sudo().period_ids
            if not end or not claims:
                continue
            text = fields.Date.to_string(end)
            if max(claims.mapped("date_end")) < text or (contract.date_end and contract.date_end <= text):
                continue
            try:
                with self.env.cr.savepoint():
                    # bookkeeping of the run, whoever runs it (a billing user may not edit contracts)
                    contract.sudo().write({"date_end": text})
            except (UserError, ValidationError) as error:
                # usage recorded after the last instalment: the contract keeps running until it is closed
                _logger.warning("Contract %s: its instalments are invoiced but its end date stays: %s",
                                contract.id, error)

    @api.multi
    def _instalments_done(self):
        """Whether the contract has no instalment left to invoice (none when it has no number of
        instalments)."""
        self.ensure_one()
        claims = self.sudo().period_ids
        if not (self.instalment_count and claims and not self.next_invoice_date):
            return False
        end = self._service_end()
        return bool(end and max(claims.mapped("date_end")) >= fields.Date.to_string(end))

    @api.multi
    def _mrr_at(self, day):
        """The contract's MRR on ``day`` in its currency, from its history: the lines running
        that day with the quantity and price they had then; nothing while it was paused,
        before it started or after it ended (its last instalment included)."""
        self.ensure_one()
        if self.is_template or self.state == "draft" or not self.date_start:
            return 0.0
        text = fields.Date.to_string(day)
        service_end = self._service_end()
        if self.date_start > text or (service_end and service_end < day):
            return 0.0
        if recurrence.paused_days(day, day, self._paused_ranges()):
            return 0.0
        calendar = self._calendar()
        period = calendar.period_of(day)
        terms = calendar.terms_at(day)
        total = 0.0
        for line in self.line_ids.filtered(lambda line: not line.is_usage):
            if (line.date_start and line.date_start > text) or (line.date_end and line.date_end < text):
                continue
            quantity, price = line._terms_at(day, period)
            total += quantity * price
        return total / recurrence.months_per_period(terms.interval, terms.unit)

    @api.multi
    def _company_mrr_at(self, day):
        """``_mrr_at`` in the company's currency at the rate of ``day``."""
        self.ensure_one()
        mrr = self._mrr_at(day)
        company_currency = self.company_id.currency_id
        if not mrr or self.currency_id == company_currency:
            return mrr
        # the rates of the contract's company (a rate may be a company's own)
        return self.currency_id.with_context(date=fields.Date.to_string(day), company_id=self.company_id.id).compute(
            mrr, company_currency, round=False)

    # -- lifecycle ------------------------------------------------------------------

    @api.multi
    def action_start(self):
        self._check_may_edit()
        for contract in self:
            if contract.is_template:
                raise UserError(_("A template cannot be started: create a contract from it."))
            if not contract.partner_id or not contract.date_start:
                raise UserError(_("Contract %s needs a customer and a start date.") % contract.name)
            if not contract.line_ids:
                raise UserError(_("Contract %s has no line to invoice.") % contract.name)
            if contract.commitment_count and not contract.date_end:
                contract.date_end = contract._term_end(fields.Date.from_string(contract.date_start))
        self._code_write({"state": "running"})
        self._compute_next_invoice_date()
        return True

    @api.multi
    def action_pause(self):
        """Pause from today (the day the user sees, ``recurring_today`` in the context)."""
        self._check_may_edit()
        today = self.env.context.get("recurring_today") or fields.Date.context_today(self)
        for contract in self.filtered(lambda c: c.state in ("running", "to_renew")):
            self.env["recurring.contract.pause"]._app().create({"contract_id": contract.id, "date_start": today})
            contract._code_write({"state": "paused", "next_invoice_date": False})
        return True

    @api.multi
    def action_resume(self):
        """Resume a paused contract from today: the pause's last day is yesterday, a period
        partly paused is billed for its other days, and the paused days of periods already
        invoiced (in advance) are credited on the next invoice."""
        self._check_may_edit()
        today = fields.Date.from_string(self.env.context.get("recurring_today")
                                        or fields.Date.context_today(self))
        last_paused_day = fields.Date.to_string(today - recurrence.ONE_DAY)
        for contract in self.filtered(lambda c: c.state == "paused"):
            contract._code_write({"state": "running"})
            contract._end_pauses(last_paused_day)
        self._compute_next_invoice_date()
        return True

    @api.multi
    def _end_pauses(self, last_paused_day):
        """End the pauses in progress on ``last_paused_day`` (a pause starting after it paused
        nothing) and credit their days already invoiced."""
        self.ensure_one()
        pauses = self.pause_ids.filtered(lambda p: not p.date_end)._app()
        pauses.filtered(lambda p: p.date_start > last_paused_day).unlink()
        pauses = pauses.exists()
        pauses.write({"date_end": last_paused_day})
        for pause in pauses:
            self._credit_paused_days(pause)

    @api.multi
    def _credit_paused_days(self, pause):
        """A credit, on the next invoice, for the days of ``pause`` that periods invoiced
        before it (in advance) billed: one adjustment per line and period."""
        self.ensure_one()
        customer = self._customer_context()
        context = customer.env.context  # noqa: F841 - read by _(): the labels in the customer's language
        pause_start, pause_end = fields.Date.from_string(pause.date_start), fields.Date.from_string(pause.date_end)
        calendar = self._calendar()
        digits = self.currency_id.decimal_places
        for claim in self.period_ids.sorted("date_start"):
            first = max(pause_start, fields.Date.from_string(claim.date_start))
            last = min(pause_end, fields.Date.from_string(claim.date_end))
            if last < first:
                continue
            full = calendar.period_of(first)
            for line in self.line_ids.filtered(lambda line: not line.is_usage):
                line_first = max(first, fields.Date.from_string(line.date_start)) if line.date_start else first
                line_last = min(last, fields.Date.from_string(line.date_end)) if line.date_end else last
                # each day at the terms that billed it (a change applied during the pause credited
                # or charged its own days; one scheduled will, leaving out the paused days)
                spans = line._terms_spans(line_first, line_last, full, scheduled=False)
                for span_first, span_last, quantity, price in spans:
                    days = (span_last - span_first).days + 1
                    amount = proration.round_amount(
                        -proration.to_decimal(quantity * price) * days / full.full_days, digits)
                    if not amount:
                        continue
                    self.env["recurring.contract.adjustment"].create({
                        "contract_id": self.id,
                        "line_id": line.id,
                        "product_id": line.product_id.id,
                        "date": fields.Date.to_string(span_first),
                        "amount": float(amount),
                        "name": _("%(product)s: %(days)s paused days from %(start)s to %(end)s, already "
                                  "invoiced") % {
                            "product": line.product_id.with_env(customer.env).display_name, "days": days,
                            "start": customer._format_date(span_first), "end": customer._format_date(span_last)},
                    })

    @api.multi
    def action_give_notice(self):
        self._check_may_edit()
        self.write({"notice_given": True})
        self._code_write({"notice_date": fields.Date.context_today(self)})
        return True

    @api.multi
    def action_close(self):
        """Close now: the term ends today unless it already ended; a pause in progress ends
        with it (its days already invoiced credited); the periods not invoiced
        yet up to the end are invoiced, the days invoiced in advance after the end are
        credited (unless the contract says not to), the usage and the adjustments left go
        on a closing invoice, or a credit note when the credits are larger."""
        self._check_may_edit()
        today = self.env.context.get("recurring_today") or fields.Date.context_today(self)
        for contract in self:
            started = contract.state != "draft" and contract.date_start and contract.date_start <= today
            if not contract.date_end or contract.date_end > today:
                # the one way to end an invoiced contract inside a period invoiced in advance: its
                # unused days are credited below (a plain write of such an end date is refused)
                super(RecurringContract, contract).write({"date_end": max(today, contract.date_start or today)})
            if started and contract.state == "paused":
                # paused up to its last day: the paused days already invoiced are credited and
                # the days before the pause not invoiced yet (in arrears) are, as on resuming
                contract.with_context(tracking_disable=True)._code_write({"state": "running"})
                contract._end_pauses(min(today, contract.date_end))
            running = started and contract.state in ("running", "to_renew")
            if running:
                # every period up to the end, the last (clipped) one included, also when
                # invoiced in arrears: its invoicing day would be after the contract closed
                contract._compute_next_invoice_date()
                day_after = fields.Date.from_string(contract.date_end) + recurrence.ONE_DAY
                contract.with_context(recurring_raise_errors=True, recurring_invoice_day=today)._invoice_contracts(
                    day_after, commit=False)
            contract._code_write({"state": "closed", "next_invoice_date": False})
            if started and contract.refund_unused_days:
                # the prepaid days after the last one are credited on the closing invoice (or credit note)
                last_day = fields.Date.from_string(contract.date_end)
                contract._credit_unused_days(last_day + recurrence.ONE_DAY,
                                             contract._credit_reason("closed", last_day))
            if started:
                contract.with_context(recurring_invoice_day=today)._invoice_closing()
        return True

    @api.multi
    def action_change_plan(self):
        """Button: the change of plan wizard (a line stopped, a new product from the same day)."""
        self.ensure_one()
        action = self.env.ref("recurring_billing.action_recurring_contract_change_wizard").read()[0]
        lines = self.line_ids.filtered(lambda line: not line.date_end and not line.is_usage)
        action["name"] = _("Change plan")
        action["context"] = {"default_contract_id": self.id, "default_change_type": "plan",
                             "default_line_id": lines[:1].id}
        return action

    @api.multi
    def action_open_stop(self):
        """Button: the wizard that stops a line from a date (``recurring.contract.line.action_stop``)."""
        self.ensure_one()
        self._check_may_edit()
        lines = self.line_ids.filtered(lambda line: not line.date_end)
        return self.env["recurring.contract.line.stop.wizard"]._action(self, lines[:1])

    @api.multi
    def action_reset_draft(self):
        self._check_may_edit()
        if self.mapped("period_ids"):
            raise UserError(_("An invoiced contract cannot go back to draft: pause or close it."))
        self._code_write({"state": "draft", "next_invoice_date": False})
        return True

    @api.multi
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["domain"] = [("recurring_contract_id", "=", self.id)]
        action["context"] = {"default_type": "out_invoice", "type": "out_invoice"}
        return action

    @api.model
    def cron_lifecycle(self, today=None):
        """The scheduler's entry point (kept for the jobs of older installations)."""
        self._check_scheduler("cron_lifecycle")
        return self._cron_lifecycle(today)

    @api.model
    def _cron_lifecycle(self, today=None):
        """Daily: alerts before the term ends, renewal or closing after it."""
        today = today or fields.Date.from_string(fields.Date.context_today(self))
        self._refresh_amounts(today)
        contracts = self.search([("state", "in", ("running", "to_renew")), ("date_end", "!=", False),
                                 ("is_template", "=", False)])
        for contract in contracts:
            contract._lifecycle_step(today)
        return True

    @api.multi
    def _lifecycle_step(self, today):
        self.ensure_one()
        date_end = fields.Date.from_string(self.date_end)
        alert_from = date_end - datetime.timedelta(days=self.alert_days)
        if today > date_end:
            fully_invoiced = not self.next_invoice_date
            # a contract of instalments ends with its last one, whatever its commitment says
            if self.auto_renew and not self._notice_effective() and self.commitment_count \
                    and not self._instalments_done():
                new_end = self._term_end(date_end + recurrence.ONE_DAY)
                # catch up the terms missed (the job did not run, the contract was renewed late):
                # the term in force today at once, so that today's period is billed today; a late
                # notice stops the renewals after the first term it could not stop
                while today > new_end and not self.notice_given:
                    new_end = self._term_end(new_end + recurrence.ONE_DAY)
                self.write({"date_end": new_end})
                self._code_write({"state": "running"})
                self._compute_next_invoice_date()
                self.message_post(body=_("Contract renewed until %s.") % self._format_date(new_end))
            elif fully_invoiced:
                self._code_write({"state": "closed"})
                self._invoice_closing()
                self.message_post(body=_("Contract closed: its %s instalments are invoiced.") % self.instalment_count
                                  if self._instalments_done() else _("Contract closed at the end of its term."))
            return
        if today >= alert_from and self.alert_sent_date != self.date_end:
            self._send_term_alerts()
            self._code_write({"alert_sent_date": self.date_end,
                              "state": "to_renew" if self.auto_renew and not self.notice_given else self.state})

    @api.multi
    def _notice_effective(self):
        """Notice stops the renewal only when given at least the notice period before the term end."""
        self.ensure_one()
        if not self.notice_given or not self.date_end:
            return False
        limit = fields.Date.from_string(self.date_end) - datetime.timedelta(days=self.notice_days)
        return fields.Date.from_string(self.notice_date or self.date_end) <= limit

    @api.multi
    def _term_alert_summary(self):
        self.ensure_one()
        renews = self.auto_renew and not self.notice_given
        values = {"name": self.name, "date": self._format_date(fields.Date.from_string(self.date_end))}
        return (_("Contract %(name)s renews on %(date)s") if renews
                else _("Contract %(name)s ends on %(date)s")) % values

    @api.multi
    def _send_term_alerts(self):
        """An activity for the salesperson and an e-mail to the customer before the term ends."""
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model = self.env["ir.model"]._get("recurring.contract")
        template = self.env.ref("recurring_billing.mail_template_term_alert", raise_if_not_found=False)
        for contract in self:
            user = contract.user_id or self.env.user
            # in the language of the salesperson who reads it, whoever runs the daily job
            summary = contract.with_context(lang=user.lang or self.env.lang)._term_alert_summary()
            self.env["mail.activity"].create({
                "res_model_id": model.id,
                "res_id": contract.id,
                "activity_type_id": activity_type.id if activity_type else False,
                "summary": summary,
                "date_deadline": contract.date_end,
                "user_id": (contract.user_id or self.env.user).id,
            })
            if template:
                contract.message_post_with_template(template.id, composition_mode="comment")
