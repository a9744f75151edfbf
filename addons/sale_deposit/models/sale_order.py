from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

from ..lib import deposit as deposit_lib
from ..lib import invariants as deposit_invariants
from .deposit_terms import TERM_FIELDS
from .rounded_monetary import RoundedMonetary
from .stock_picking import delivery_state_by_workflow

OVERRIDE_FIELDS = ("deposit_confirm_unpaid", "deposit_deliver_unpaid")
# the terms a deposit invoice was made on: frozen once one exists, but for sales managers
FROZEN_FIELDS = TERM_FIELDS + ("deposit_partial_delivery", "deposit_agreed_date", "deposit_template_id")


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sale.deposit.terms.mixin"]

    deposit_template_id = fields.Many2one(
        "sale.deposit.template",
        string="Deposit template",
        domain="[('company_id', '=', company_id)]",
        track_visibility="onchange",
        help="Named deposit terms: picking one fills the terms of the order. A template picked on the order "
             "comes before the customer's default template, which comes before the customer's own terms and the "
             "company's defaults. Changing it later changes the terms of the deposits still to ask, never a "
             "deposit already invoiced.",
    )
    deposit_partial_delivery = fields.Boolean(
        string="Partial delivery allowed",
        default=True,
        track_visibility="onchange",
    )
    # the terms, tracked in the chatter
    deposit_kind = fields.Selection(track_visibility="onchange")
    deposit_method = fields.Selection(track_visibility="onchange")
    deposit_value = fields.Float(track_visibility="onchange")
    deposit_due = fields.Selection(track_visibility="onchange")
    # overrides of the payment rules: sales managers only, and tracked in the chatter
    deposit_confirm_unpaid = fields.Boolean(
        track_visibility="onchange",
    )
    deposit_deliver_unpaid = fields.Boolean(
        track_visibility="onchange",
    )
    deposit_agreed_date = fields.Date(
        string="Agreed delivery date",
        track_visibility="onchange",
        help="The delivery date agreed with the customer. Whatever it is, each advance payment bears the legal "
             "interest from three months after it was paid until the delivery or the refund (Code de la "
             "consommation, L214-2).",
    )
    deposit_ids = fields.One2many(
        "sale.deposit",
        "order_id",
        string="Deposits",
        readonly=True,
    )
    deposit_effective_kind = fields.Selection(
        [("acompte", "Down payment (acompte)"), ("arrhes", "Earnest money (arrhes)")],
        string="Deposit nature",
        compute="_compute_deposit_amounts",
        help="The kind stated, or arrhes for a consumer sale with no kind stated.",
    )
    deposit_expected = RoundedMonetary(
        string="Deposit expected",
        compute="_compute_deposit_amounts",
    )
    deposit_invoiced = RoundedMonetary(
        string="Deposits invoiced",
        compute="_compute_deposit_amounts",
    )
    deposit_paid = RoundedMonetary(
        string="Deposits paid",
        compute="_compute_deposit_amounts",
    )
    deposit_remaining = RoundedMonetary(
        string="Deposits to deduct",
        compute="_compute_deposit_amounts",
    )
    deposit_to_pay = RoundedMonetary(
        string="Deposit left to pay",
        compute="_compute_deposit_amounts",
    )
    deposit_late = fields.Boolean(
        string="Late delivery",
        compute="_compute_deposit_late",
        help="An advance payment was made more than three months ago and the goods are neither delivered nor "
             "the deposit refunded: it bears the legal interest (Code de la consommation, L214-2).",
    )
    deposit_late_interest = RoundedMonetary(
        string="Legal interest owed",
        compute="_compute_deposit_late",
        help="Interest at the legal rate of each semester (for consumers, or for other creditors when the "
             "customer is a company) on each advance payment, from three months after it until the delivery "
             "or the refund; what accrued stays owed once the deposit is used.",
    )
    deposit_late_flagged = fields.Boolean(
        string="Late delivery flagged",
        readonly=True,
        copy=False,
        help="The daily check gave the salesperson an activity for this late order (once).",
    )

    deposit_return_invoice_ids = fields.One2many(
        "account.invoice",
        "deposit_return_order_id",
        string="Credit notes for returns",
        readonly=True,
    )
    deposit_return_credited = RoundedMonetary(
        string="Returned goods credited",
        compute="_compute_deposit_returns",
        help="Credit notes (avoirs) issued for goods the customer sent back.",
    )
    deposit_return_to_credit = fields.Boolean(
        string="Returned goods to credit",
        compute="_compute_deposit_returns",
    )

    @api.depends("deposit_ids.amount_paid", "deposit_ids.amount_remaining", "deposit_ids.amount_to_pay",
                 "deposit_ids.amount_to_deduct", "deposit_ids.state", "deposit_method", "deposit_value",
                 "amount_total", "deposit_kind", "partner_id", "deposit_agreed_date", "state")
    def _compute_deposit_amounts(self):
        for order in self:
            # read from the posted documents: the deposit invoices open or paid, less the credit notes on them
            issued = order.deposit_ids.filtered(lambda d: d.sudo().invoice_id.state in ("open", "paid"))
            deposits = issued.filtered(lambda d: d.state != "cancel")
            round_ = order.currency_id.round
            order.deposit_effective_kind = order._deposit_kind()
            # sums of floats (19.74 = 9.87 + 9.87 reads 19.740000000000002): rounded to the currency
            order.deposit_invoiced = round_(sum(deposit.amount - deposit.amount_refunded for deposit in deposits))
            order.deposit_paid = round_(sum(deposits.mapped("amount_paid")))
            order.deposit_remaining = round_(sum(deposits.mapped("amount_to_deduct")))
            expected = 0.0
            if order.deposit_method and order.deposit_value > 0 and order.amount_total > 0:
                try:
                    expected = float(deposit_lib.deposit_amount(
                        order.deposit_method, order.deposit_value, order.amount_untaxed, order.amount_total,
                        digits=order.currency_id.decimal_places))
                except deposit_lib.DepositError:
                    expected = 0.0
            order.deposit_expected = round_(expected)
            to_pay = 0.0
            if order.state != "cancel":
                to_pay = sum(deposits.mapped("amount_to_pay"))
                # the part of the terms not asked yet, while goods are left to invoice (a deposit cancelled or
                # credited was asked: the sales manager or billing waived it)
                if order.state not in ("sale", "done") or order._deposit_left_to_invoice() > 0:
                    to_pay += max(expected - sum(issued.mapped("amount")), 0.0)
            order.deposit_to_pay = order.currency_id.round(to_pay)

    @api.depends("deposit_ids.amount_paid", "deposit_ids.amount_remaining", "picking_ids.state", "state",
                 "partner_id")
    def _compute_deposit_late(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        for order in self:
            late, interest = order._deposit_late_interest(today)
            order.deposit_late = late
            order.deposit_late_interest = order.currency_id.round(interest)

    # ------------------------------------------------------------ late delivery
    def _deposit_payments(self):
        """``[(date, amount)]`` of the money received on the order's deposit invoices (credit notes aside)."""
        self.ensure_one()
        payments = []
        for invoice in self.sudo().deposit_ids.mapped("invoice_id").filtered(lambda i: i.state in ("open", "paid")):
            payments += [(fields.Date.from_string(payment["date"]), payment["amount"])
                         for payment in invoice._get_payments_vals() if not payment["invoice_id"]]
        return payments

    def _deposit_interest_end(self):
        """The day the advance payments stopped bearing interest: the goods all delivered, or every deposit
        paid refunded, forfeited or deducted; ``None`` while the customer still waits."""
        self.ensure_one()
        order = self.sudo()
        outgoing = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing" and p.state != "cancel")
        if outgoing and all(picking.state == "done" for picking in outgoing):
            return max(fields.Datetime.from_string(picking.date_done).date() for picking in outgoing)
        deposits = order.deposit_ids.filtered(lambda d: d.amount_paid > 0)
        if deposits and not any(deposit.amount_remaining > 0 for deposit in deposits):
            documents = (deposits.mapped("invoice_id.refund_invoice_ids")
                         | deposits.mapped("deduction_line_ids.invoice_id")
                         | deposits.mapped("forfeit_invoice_id")).filtered(lambda i: i.state in ("open", "paid"))
            dates = [fields.Date.from_string(document.date_invoice) for document in documents
                     if document.date_invoice]
            if dates:
                return max(dates)
        return None

    def _deposit_late_interest(self, on_date):
        """``(late, interest)`` of the order on ``on_date`` (Code de la consommation, L214-2): each advance
        payment bears the legal interest from three months after it until the delivery or the refund, at
        the rate of each semester for the customer's kind (consumer, or other creditor for a company)."""
        self.ensure_one()
        payments = self._deposit_payments()
        if not payments:
            return False, 0.0
        consumer = not self.partner_id.commercial_partner_id.is_company
        rates = self.env["sale.deposit.legal.rate"]._deposit_rates(consumer)
        try:
            late, interest = deposit_lib.late_interest(
                payments, on_date, rates, end_date=self._deposit_interest_end(),
                digits=self.currency_id.decimal_places,
                default_rate=self.company_id.deposit_legal_interest_rate or 0.0)
        except deposit_lib.DepositError as error:
            raise UserError(_("Order %(order)s: %(error)s") % {"order": self.name, "error": error})
        return late and self.state in ("sale", "done"), float(interest)

    @api.model
    def _cron_deposit_flag_late_orders(self):
        """Daily: give the salesperson of each late order an activity, once per order.

        Safe to run twice at the same time: the orders are locked (``SKIP LOCKED``) and flagged in the
        same transaction as their activity.
        """
        today = fields.Date.from_string(fields.Date.context_today(self))
        candidates = self.sudo().search([
            ("state", "in", ("sale", "done")), ("deposit_late_flagged", "=", False),
            ("deposit_ids.invoice_id.state", "in", ("open", "paid"))])
        if not candidates:
            return self.browse()
        self.env.cr.execute("SELECT id FROM sale_order WHERE id IN %s AND deposit_late_flagged IS NOT TRUE "
                            "FOR UPDATE SKIP LOCKED", (tuple(candidates.ids),))
        orders = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get("sale.order")
        flagged = self.browse()
        for order in orders:
            late, interest = order._deposit_late_interest(today)
            if not late:
                continue
            user = order.user_id or self.env.user
            # the daily job runs as the administrator: the activity reads in its salesperson's language
            texts = order.with_context(lang=user.lang or order.partner_id.lang or self.env.lang)\
                ._deposit_late_activity_texts(interest)
            self.env["mail.activity"].sudo().create(dict(
                texts,
                res_model_id=model.id,
                res_id=order.id,
                activity_type_id=todo.id,
                user_id=user.id,
                date_deadline=fields.Date.to_string(today),
            ))
            flagged |= order
        flagged.sudo().write({"deposit_late_flagged": True})
        return flagged

    def _deposit_late_activity_texts(self, interest):
        """Summary and note of the late delivery activity, in the language of the context."""
        self.ensure_one()
        return {
            "summary": _("Late delivery: legal interest on the advance payments"),
            "note": _("An advance payment on order %(order)s was made more than three months ago and the "
                      "goods are not delivered: %(interest)s of legal interest are owed so far "
                      "(Code de la consommation, L214-2). Deliver or refund the customer.") % {
                "order": self.name, "interest": self._deposit_format(interest)},
        }

    @api.constrains("deposit_value", "deposit_method")
    def _check_deposit_value(self):
        for order in self:
            if order.deposit_value < 0:
                raise ValidationError(_("A deposit cannot be negative."))
            if order.deposit_method in ("percent_untaxed", "percent_taxed") and order.deposit_value > 100:
                raise ValidationError(_("A deposit percentage cannot exceed 100%."))

    @api.constrains("deposit_template_id", "company_id")
    def _check_deposit_template_company(self):
        for order in self:
            template = order.sudo().deposit_template_id
            if template and template.company_id != order.company_id:
                raise ValidationError(_("Deposit template %(template)s belongs to company %(company)s, not to the "
                                        "order's.") % {"template": template.name, "company": template.company_id.name})

    # ------------------------------------------------------------------ terms
    @api.onchange("partner_id")
    def _onchange_partner_deposit_terms(self):
        # a template picked on the order comes first: a new customer does not replace its terms
        if self.partner_id and not self.deposit_template_id:
            self.update(self._deposit_default_terms(self.partner_id, self.company_id or self.env.user.company_id))

    @api.onchange("deposit_template_id")
    def _onchange_deposit_template(self):
        if self.deposit_template_id:
            self.update(self.deposit_template_id._deposit_terms_values())

    @api.model
    def _deposit_default_terms(self, partner, company, template=None, customer_template=True):
        """The terms an order takes, with the template they come from (``deposit_template_id``).

        In this order: the ``template`` picked on the order; else, with ``customer_template``, the
        customer's (commercial entity) default template in ``company``; else the customer's own
        terms when it has any; else the company's defaults.
        """
        commercial = partner.commercial_partner_id
        if not template and customer_template and commercial:
            template = commercial.with_context(force_company=company.id).deposit_template_id
            if template.company_id != company:
                template = template.browse()
        if template:
            values = template._deposit_terms_values()
        else:
            source = commercial if commercial.deposit_method else company
            values = source._deposit_terms_values()
        values["deposit_template_id"] = template.id if template else False
        return values

    def _deposit_template_in(self, values):
        """``(template, customer_template)`` for ``values``: the template they name (an empty one named
        means none, not even the customer's), else the order's."""
        Template = self.env["sale.deposit.template"]
        if "deposit_template_id" in values:
            return Template.browse(values["deposit_template_id"]), bool(values["deposit_template_id"])
        return (self.deposit_template_id if len(self) == 1 else Template), True

    @api.model
    def create(self, values):
        # terms typed on the order win, field by field, over the template's (picked on the order, else the
        # customer's default one), which fills the terms not typed; without any template, typed terms are
        # the order's own and the customer's or company's are not mixed in
        if values.get("deposit_template_id") or values.get("partner_id"):
            partner = self.env["res.partner"].browse(values.get("partner_id"))
            company = self.env["res.company"].browse(values.get("company_id")) or self.env.user.company_id
            template, customer_template = self.browse()._deposit_template_in(values)
            defaults = self._deposit_default_terms(partner, company, template, customer_template)
            if defaults.get("deposit_template_id") or not any(name in values for name in TERM_FIELDS):
                values = dict(defaults, **values)
        self.browse()._check_deposit_override(values)
        return super(SaleOrder, self).create(values)

    @api.multi
    def write(self, values):
        if values.get("deposit_template_id"):
            # a template picked over RPC brings its terms, as on the form, the terms typed with it
            # winning; the deposits already invoiced keep theirs (their invoices and amounts are their own)
            template = self.env["sale.deposit.template"].browse(values["deposit_template_id"])
            values = dict(template._deposit_terms_values(), **values)
        self._check_deposit_terms_frozen(values)
        self._check_deposit_override(values)
        if "deposit_late_flagged" in values and self.env.uid != SUPERUSER_ID:
            raise AccessError(_("%(field)s (%(technical)s) of %(model)s is set by the application, not by users.")
                              % {"field": self._fields["deposit_late_flagged"].get_description(self.env)["string"],
                                 "technical": "deposit_late_flagged", "model": self._description})
        return super(SaleOrder, self).write(values)

    def _deposit_is_manager(self):
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group("sales_team.group_sale_manager")

    def _deposit_format(self, amount):
        """``amount`` in the order's currency, formatted for the user's language (``1 234,50 €``)."""
        self.ensure_one()
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _check_deposit_terms_frozen(self, values):
        """Once a deposit invoice exists, its terms change only on a sales manager's decision."""
        names = [name for name in FROZEN_FIELDS if name in values]
        if not names or self._deposit_is_manager():
            return
        invoiced = self.sudo().filtered(
            lambda o: o.deposit_ids.filtered(lambda d: d.invoice_id and d.state != "cancel"))
        for order in invoiced:
            for name in names:
                field = order._fields[name]
                new = field.convert_to_record(field.convert_to_cache(values[name], order), order)
                old = order[name]
                if field.type == "float":
                    changed = order.currency_id.compare_amounts(new or 0.0, old or 0.0) != 0
                else:
                    changed = (new or False) != (old or False)
                if changed:
                    params = {"order": order.name, "field": field.get_description(self.env)["string"]}
                    kinds = order.deposit_ids.filtered(lambda d: d.invoice_id and d.state != "cancel").mapped("kind")
                    if "acompte" not in kinds:
                        raise AccessError(_(
                            "Order %(order)s has an earnest money (arrhes) invoice: only a sales manager can "
                            "change \"%(field)s\".") % params)
                    raise AccessError(_(
                        "Order %(order)s has a deposit invoice: only a sales manager can change \"%(field)s\".")
                        % params)

    def _check_deposit_override(self, values):
        """Only a sales manager lets an order be confirmed or delivered before its deposit is paid.

        A salesperson may only bring in the terms of a deposit template (sales managers make them), of
        the customer or of the company (choosing the template or the customer); any other value of these
        fields, on a new order or an existing one, is refused.
        """
        names = [name for name in OVERRIDE_FIELDS if name in values]
        if not names or self._deposit_is_manager():
            return
        for order in self or [self.browse()]:
            partner = self.env["res.partner"].browse(values.get("partner_id")) or order.partner_id
            company = self.env["res.company"].browse(values.get("company_id")) or order.company_id \
                or self.env.user.company_id
            template, customer_template = order._deposit_template_in(values)
            defaults = self._deposit_default_terms(partner, company, template, customer_template) \
                if partner or template else {}
            # on an existing order, only another template or another customer picked brings its value: the
            # order's own customer written again, or an empty template, bring nothing (the sales manager's
            # decision on the order stands)
            brought = not order or (
                values.get("deposit_template_id") and values["deposit_template_id"] != order.deposit_template_id.id
            ) or (values.get("partner_id") and values["partner_id"] != order.partner_id.id)
            for name in names:
                if bool(values[name]) == bool(order[name]) if order else False:
                    continue
                if brought and defaults and bool(values[name]) == bool(defaults.get(name)):
                    continue
                raise AccessError(_("Only a sales manager can change \"%s\" on an order.")
                                  % self._fields[name].get_description(self.env)["string"])

    def _deposit_kind(self):
        """Kind stated on the order, else presumed from the customer (consumer: arrhes)."""
        self.ensure_one()
        consumer = not self.partner_id.commercial_partner_id.is_company
        return deposit_lib.effective_kind(self.deposit_kind, consumer)

    # ---------------------------------------------------------- deposit invoice
    @api.multi
    def _deposit_product(self, kind):
        return self.env.ref("sale_deposit.product_deposit_%s" % kind)

    @api.multi
    def _prepare_deposit_invoice(self, kind, amount):
        """Values of a deposit invoice, in the style of ``_prepare_invoice``; lines are added after."""
        self.ensure_one()
        values = self._prepare_invoice()
        values.update({
            "deposit_order_id": self.id,
            "name": self.client_order_ref or self.name,
            "comment": self.with_context(lang=self.partner_id.lang or self.env.lang)._deposit_invoice_comment(kind),
        })
        return values

    def _deposit_invoice_comment(self, kind):
        """Comment of a deposit invoice, in the language of the order's context (the customer's)."""
        self.ensure_one()
        if kind == "arrhes":
            return _("Earnest money (arrhes) on order %s") % self.name
        return _("Down payment (acompte) on order %s") % self.name

    def _deposit_line_name(self, kind, method, value):
        """Label of a deposit invoice line, in the language of the order's context (the customer's)."""
        self.ensure_one()
        # whole sentences per kind: a translated noun set into another sentence reads wrong in French
        if method == "fixed":
            if kind == "arrhes":
                return _("Earnest money (arrhes) on order %s") % self.name
            return _("Down payment (acompte) on order %s") % self.name
        values = {"percent": formatLang(self.env, value, digits=0 if float(value).is_integer() else 2),
                  "order": self.name}
        if kind == "arrhes":
            return _("Earnest money (arrhes) of %(percent)s%% of order %(order)s") % values
        return _("Down payment (acompte) of %(percent)s%% of order %(order)s") % values

    def _deposit_deduction_name(self, kind, number, cancellation=False):
        """Label of a line deducting (or, with ``cancellation``, cancelling) the deposit of invoice ``number``,
        in the language of the order's context (the customer's)."""
        values = {"number": number, "order": self.name}
        if cancellation:
            if kind == "arrhes":
                return _("Cancellation of the earnest money (arrhes) of invoice %(number)s, order %(order)s") % values
            return _("Cancellation of the down payment (acompte) of invoice %(number)s, order %(order)s") % values
        if kind == "arrhes":
            return _("Deduction of the earnest money (arrhes) of invoice %(number)s, order %(order)s") % values
        return _("Deduction of the down payment (acompte) of invoice %(number)s, order %(order)s") % values

    @api.multi
    def _prepare_deposit_line(self, kind, taxes, untaxed, taxed, label):
        """Values of one deposit invoice line, for the share of the deposit on one group of taxes."""
        self.ensure_one()
        product = self._deposit_product(kind)
        company = self.company_id
        account = company._deposit_account("deposit_account_id", "4191")
        if not account:
            account = product.property_account_income_id or product.categ_id.property_account_income_categ_id
        fiscal_position = self.fiscal_position_id or self.partner_invoice_id.property_account_position_id
        if fiscal_position:
            account = fiscal_position.map_account(account)
        if not account:
            raise UserError(_("Please set a deposit account in the Sales settings."))
        price_included = taxes and all(tax.price_include for tax in taxes)
        return {
            "name": label,
            "origin": self.name,
            "product_id": product.id,
            "uom_id": product.uom_id.id,
            "account_id": account.id,
            "quantity": 1.0,
            "price_unit": taxed if price_included else untaxed,
            "invoice_line_tax_ids": [(6, 0, taxes.ids)],
            "account_analytic_id": self.analytic_account_id.id,
        }

    def _deposit_invoice_taxes(self, taxes):
        """Taxes of a deposit invoice line: the order's, or their twins due on payment (company option)."""
        self.ensure_one()
        if not self.company_id.deposit_cash_basis_vat:
            return taxes
        result = self.env["account.tax"]
        for tax in taxes:
            result |= self.company_id._deposit_cash_basis_tax(tax)
        return result

    def _deposit_tax_groups(self):
        """The order's untaxed and taxed totals per set of taxes, as the deposit lines mirror them."""
        groups = {}
        for line in self.order_line.filtered(lambda l: not l.is_downpayment):
            key = tuple(sorted(line.tax_id.ids))
            untaxed, taxed = groups.get(key, (0.0, 0.0))
            groups[key] = (untaxed + line.price_subtotal, taxed + line.price_total)
        return [(key, untaxed, taxed) for key, (untaxed, taxed) in sorted(groups.items())]

    @api.multi
    def create_deposit(self, method=None, value=None, kind=None):
        """Create and validate a deposit invoice on each order.

        :param method: ``percent_untaxed``, ``percent_taxed`` or ``fixed``; the order's terms by default.
        :param value: percentage or tax-included amount; the order's terms by default.
        :returns: the new ``sale.deposit`` records.
        """
        deposits = self.env["sale.deposit"]
        asked_kind = kind
        for order in self:
            if order.state == "cancel":
                raise UserError(_("Order %s is cancelled: no deposit can be asked on it.") % order.name)
            if order.state == "done":
                raise UserError(_("Order %s is locked: no deposit can be asked on it.") % order.name)
            order_method = method or order.deposit_method
            order_value = order.deposit_value if value is None else value
            if not order_method:
                raise UserError(_("Order %s has no deposit terms.") % order.name)
            digits = order.currency_id.decimal_places
            already = sum(order.deposit_ids.filtered(lambda d: d.state != "cancel").mapped("amount"))
            try:
                amount = deposit_lib.deposit_amount(
                    order_method, order_value, order.amount_untaxed, order.amount_total,
                    already_deposited=already, digits=digits)
                shares = deposit_lib.split_over_tax_groups(amount, order._deposit_tax_groups(), digits=digits)
            except deposit_lib.DepositError as error:
                raise UserError(_("Deposit on order %(order)s: %(error)s") % {"order": order.name, "error": error})
            outstanding = sum(deposit.amount - deposit.amount_deducted - deposit.amount_refunded
                              - deposit.amount_forfeited
                              for deposit in order.deposit_ids.filtered(lambda d: d.state != "cancel"))
            room = deposit_lib.to_decimal(order._deposit_left_to_invoice() - outstanding, digits)
            if amount > room:
                raise UserError(_(
                    "Order %(order)s: a deposit of %(amount)s would leave a negative balance, "
                    "only %(room)s are left to invoice.") % {
                    "order": order.name, "amount": order._deposit_format(amount),
                    "room": order._deposit_format(max(room, 0))})
            order_kind = asked_kind or order._deposit_kind()
            if order_kind != order._deposit_kind() and not order._deposit_is_manager():
                kinds = dict(self.env["sale.deposit"]._fields["kind"]._description_selection(self.env))
                raise UserError(_(
                    "Order %(order)s: its terms ask for a deposit of the kind \"%(terms)s\"; only a sales "
                    "manager can ask for one of the kind \"%(kind)s\", which changes the customer's right to "
                    "withdraw.") % {"order": order.name, "terms": kinds.get(order._deposit_kind()),
                                    "kind": kinds.get(order_kind)})
            minimum = max(order.currency_id.round(order.amount_total / 100.0), 1.0)
            if order.currency_id.compare_amounts(float(amount), minimum) < 0 \
                    and order.currency_id.compare_amounts(float(amount), float(room)) < 0:
                raise UserError(_(
                    "Order %(order)s: a deposit of %(amount)s is too small; a deposit is at least 1%% of the "
                    "order and one currency unit (%(minimum)s), or all that is left of the order.") % {
                    "order": order.name, "amount": order._deposit_format(float(amount)),
                    "minimum": order._deposit_format(minimum)})
            kind = order_kind
            label = order.with_context(lang=order.partner_id.lang or self.env.lang)._deposit_line_name(
                kind, order_method, order_value)
            invoice_values = order.sudo()._prepare_deposit_invoice(kind, amount)
            invoice_values["invoice_line_ids"] = [
                (0, 0, order.sudo()._prepare_deposit_line(
                    kind, order.sudo()._deposit_invoice_taxes(self.env["account.tax"].browse(list(key))),
                    float(untaxed), float(taxed), label))
                for key, untaxed, taxed in shares
            ]
            # the salesperson asks for it; the accounting runs with the rights of the system
            invoice = self.env["account.invoice"].sudo().create(invoice_values)
            invoice.compute_taxes()
            invoice.action_invoice_open()
            deposit = self.env["sale.deposit"].sudo().create({
                "name": invoice.number or order.name,
                "order_id": order.id,
                "kind": kind,
                "invoice_id": invoice.id,
                "amount": invoice.amount_total,
                "amount_untaxed": invoice.amount_untaxed,
            })
            values = {"number": invoice.number, "amount": order._deposit_format(invoice.amount_total)}
            if kind == "arrhes":
                message = _("Earnest money (arrhes) invoice %(number)s of %(amount)s created.") % values
            else:
                message = _("Down payment (acompte) invoice %(number)s of %(amount)s created.") % values
            order.message_post(body=message)
            deposits |= deposit
        return deposits

    @api.multi
    def action_confirm(self):
        for order in self:
            if not order.deposit_method or order.deposit_due != "confirmation":
                continue
            if not order.deposit_confirm_unpaid and order.deposit_expected and order.deposit_to_pay > 0:
                raise UserError(_(
                    "Order %(order)s can only be confirmed once its deposit is paid: %(amount)s "
                    "are still due.") % {"order": order.name, "amount": order._deposit_format(order.deposit_to_pay)})
        result = super(SaleOrder, self).action_confirm()
        for order in self:
            if (order.deposit_method and order.deposit_due == "confirmation" and order.deposit_value > 0
                    and not order.deposit_ids.filtered(lambda d: d.state != "cancel")):
                order.create_deposit()
        return result

    @api.multi
    def action_view_deposits(self):
        self.ensure_one()
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        invoices = self.deposit_ids.mapped("invoice_id") | self.deposit_ids.mapped("invoice_id.refund_invoice_ids")
        action["domain"] = [("id", "in", invoices.ids)]
        return action

    # ------------------------------------------------------------ final invoice
    @api.multi
    def action_invoice_create(self, grouped=False, final=False):
        if not final and any(order.deposit_ids and order.order_line.filtered(
                lambda line: line.is_downpayment and line.qty_to_invoice < 0) for order in self):
            # Odoo's "Invoiceable lines" leaves its own down payments for a later invoice; beside our
            # deposits, which are deducted at once, the customer was then billed above the order
            # (360 + 840 + 840 for 1 200): its down payments are deducted now too
            final = True
        self._check_deposit_invoice_not_negative()
        invoice_ids = super(SaleOrder, self).action_invoice_create(grouped=grouped, final=final)
        invoices = self.env["account.invoice"].browse(invoice_ids)
        for invoice in invoices.filtered(lambda i: i.type == "out_invoice"):
            for order in invoice.invoice_line_ids.mapped("sale_line_ids.order_id") & self:
                order._deduct_deposits(invoice)
        return invoice_ids

    def _check_deposit_invoice_not_negative(self):
        """Refuse to invoice lines totalling below zero, or zero with nothing left to invoice after them,
        while deposits are left to deduct.

        Odoo turns a negative invoice into a credit note, from which no deposit can be deducted, and a 0.00
        invoice deducts nothing: the deposit would stay on the deposit account (4191) with the order
        invoiced. The user corrects the order's lines, or has the deposits refunded (credited) first.
        """
        for order in self:
            deposits = order.sudo().deposit_ids.filtered(lambda d: d.amount_to_deduct > 0)
            if not deposits:
                continue
            lines = order.order_line.filtered(lambda l: l.product_uom_qty and l.qty_to_invoice
                                              and not l.is_downpayment)
            if not lines:
                continue
            untaxed = sum(line.price_subtotal * line.qty_to_invoice / line.product_uom_qty for line in lines)
            taxed = sum(line.price_total * line.qty_to_invoice / line.product_uom_qty for line in lines)
            rest = order._deposit_left_to_invoice() - max(taxed, 0.0)
            sign = order.currency_id.compare_amounts(untaxed, 0.0)
            if sign < 0 or (sign == 0 and order.currency_id.compare_amounts(rest, 0.0) <= 0):
                raise UserError(_(
                    "Order %(order)s cannot be invoiced: its lines to invoice total %(amount)s (tax excluded), "
                    "and no invoice can deduct its deposits of %(deposits)s from that. Correct the order's "
                    "lines, or have a sales manager refund the deposits first (\"Refund\" on the deposit, "
                    "or \"Cancel unpaid\" for a deposit not paid).") % {
                    "order": order.name, "amount": order._deposit_format(untaxed),
                    "deposits": order._deposit_format(sum(deposits.mapped("amount_to_deduct")))})

    def _deposit_cover(self):
        """{order id: tax-included amount its lines still bill beyond its deposits left to deduct}, for the
        orders with deposits left to deduct. A line lowered below its invoiced quantity counts negative."""
        result = {}
        for order in self.filtered(lambda o: o.state != "cancel"):
            deposits = order.sudo().deposit_ids.filtered(lambda d: d.amount_to_deduct > 0)
            if not deposits:
                continue
            left = 0.0
            for line in order.sudo().order_line.filtered(lambda l: not l.is_downpayment):
                price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
                unit = line.tax_id.compute_all(price, order.currency_id, 1.0, product=line.product_id,
                                               partner=order.partner_shipping_id)["total_included"]
                left += (line.product_uom_qty - line.deposit_qty_returned - line.qty_invoiced) * unit
            result[order.id] = order.currency_id.round(left - sum(deposits.mapped("amount_to_deduct")))
        return result

    def _check_deposit_cover(self, before):
        """Refuse a change of the order's lines that brings what they bill below the deposits left to deduct
        (or lowers it further): the customer would be billed above the order and the deposit left on 4191."""
        after = self._deposit_cover()
        for order in self:
            cover = after.get(order.id)
            if cover is None or order.currency_id.compare_amounts(cover, 0.0) >= 0:
                continue
            if order.id in before and order.currency_id.compare_amounts(cover, before[order.id]) >= 0:
                continue
            deposits = order.sudo().deposit_ids.filtered(lambda d: d.amount_to_deduct > 0)
            raise UserError(_(
                "Order %(order)s: this change would bring what is left to invoice on the order to %(left)s, "
                "below its deposits of %(deposits)s left to deduct; the customer would be billed above the "
                "order. Keep the order at least at what its invoices and deposits bill, or have a sales "
                "manager refund the deposits first (\"Refund\" on the deposit).") % {
                "order": order.name,
                "left": order._deposit_format(cover + sum(deposits.mapped("amount_to_deduct"))),
                "deposits": order._deposit_format(sum(deposits.mapped("amount_to_deduct")))})

    def _deposit_left_to_invoice(self):
        """Tax-included amount of the order not yet on a (non-cancelled) invoice, returned goods excepted."""
        self.ensure_one()
        left = 0.0
        for line in self.order_line:
            if line.product_uom_qty > 0:
                kept = line.product_uom_qty - line.deposit_qty_returned
                left += max(kept - line.qty_invoiced, 0.0) * line.price_total / line.product_uom_qty
        return left

    def _deduct_deposits(self, invoice):
        """Deduct the invoiced deposits, paid or not, from a final invoice.

        Every deposit invoice validated and not yet deducted nor credited is deducted: an unpaid
        one stays due on its own invoice, so that the customer is never invoiced twice for the
        same goods. The deduction is made by negative lines, or by a separate credit note that
        is validated and reconciled with the deposit invoices still open, then with the final
        invoice once validated.
        """
        self.ensure_one()
        deposits = self.deposit_ids.filtered(lambda d: d.amount_to_deduct > 0)
        if not deposits:
            return self.env["account.invoice"]
        digits = self.currency_id.decimal_places
        goods = sum(invoice.invoice_line_ids.filtered(
            lambda l: self in l.sale_line_ids.mapped("order_id")).mapped("price_total"))
        left = goods + self._deposit_left_to_invoice()
        total = deposit_lib.deduction(sum(deposits.mapped("amount_to_deduct")), goods, left, digits=digits)
        line_values = []
        for deposit in deposits:
            if total <= 0:
                break
            part = min(total, deposit_lib.to_decimal(deposit.amount_to_deduct, digits))
            total -= part
            line_values += self._prepare_deduction_lines(deposit, float(part))
        if not line_values:
            return self.env["account.invoice"]
        result = self._deduct_deposit_lines(invoice, deposits, line_values)
        if self.currency_id.compare_amounts(self._deposit_left_to_invoice(), 0.0) <= 0:
            # the order is all invoiced (goods sent back are not): a deposit above it is credited
            for deposit in self.deposit_ids.filtered(lambda d: d.amount_to_deduct > 0):
                self.sudo()._deposit_credit_note(
                    deposit.sudo(), _("Deposit above the goods invoiced on order %s") % self.name)
        return result

    def _check_deposit_deduction_on(self, invoice):
        """Refuse ``invoice`` (a draft final invoice in lines mode) when its deduction of this order's
        deposits is not what they require for the goods it bills."""
        self.ensure_one()
        deduction_lines = invoice.invoice_line_ids.filtered(lambda l: l.deduct_deposit_id.order_id == self)
        on_invoice = -sum(deduction_lines.mapped("price_total"))
        deposits = self.deposit_ids.filtered(lambda d: d.amount_to_deduct > 0) | deduction_lines.mapped(
            "deduct_deposit_id")
        if not deposits:
            return
        digits = self.currency_id.decimal_places
        goods = sum(invoice.invoice_line_ids.filtered(
            lambda l: self in l.sale_line_ids.mapped("order_id")).mapped("price_total"))
        available = sum(deposits.mapped("amount_to_deduct")) + on_invoice
        due = float(deposit_lib.deduction(available, goods, goods + self._deposit_left_to_invoice(), digits=digits))
        # the tax of each deduction line is rounded on its own: a cent per line is not a change by hand
        tolerance = 10 ** -digits * max(len(deduction_lines), 1) + 10 ** -(digits + 2)
        if abs(on_invoice - due) > tolerance:
            raise UserError(_(
                "Invoice of order %(order)s cannot be validated: it deducts %(on_invoice)s of deposits, "
                "while %(due)s are to be deducted from the goods it bills. The deposit deduction lines "
                "are set by the application: delete this draft invoice and create it again from the order.") % {
                "order": self.name, "on_invoice": self._deposit_format(on_invoice),
                "due": self._deposit_format(due)})

    @api.model
    def _deposit_line_vat(self, line):
        """{tax id: VAT} of an invoice line, as Odoo computes the invoice's taxes (rounded per line)."""
        invoice = line.invoice_id
        price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
        taxes = line.invoice_line_tax_ids.compute_all(price, invoice.currency_id, line.quantity, line.product_id,
                                                      invoice.partner_id)["taxes"]
        result = {}
        for tax in taxes:
            result[tax["id"]] = result.get(tax["id"], 0.0) + tax["amount"]
        return result

    def _deposit_close_deduction_vat(self, invoice):
        """On the draft invoice that deducts the last of a deposit, its deduction takes the deposit's VAT left,
        per tax: each deduction's VAT is rounded on its own (2.48 + 5.78 deducted of a deposit's 8.25), so the
        last one is set to the remainder on the invoice's tax line, and the order's VAT is declared to the cent.
        The invoice's taxes edited by hand are left as they are."""
        self.ensure_one()
        currency = invoice.currency_id
        computed = {}
        for values in invoice.get_taxes_values().values():
            computed[values["tax_id"]] = computed.get(values["tax_id"], 0.0) + values["amount"]
        for deposit in invoice.invoice_line_ids.mapped("deduct_deposit_id").filtered(lambda d: d.order_id == self):
            source = deposit.invoice_id
            lines = invoice.invoice_line_ids.filtered(lambda l: l.deduct_deposit_id == deposit)
            source_taxes = source.invoice_line_ids.mapped("invoice_line_tax_ids")
            if not currency.is_zero(deposit.amount_to_deduct) or source.currency_id != currency \
                    or lines.mapped("invoice_line_tax_ids") - source_taxes \
                    or source_taxes.filtered("price_include"):
                continue
            left = {}
            for tax_line in source.tax_line_ids:
                left[tax_line.tax_id.id] = left.get(tax_line.tax_id.id, 0.0) + tax_line.amount_total
            for refund in source.refund_invoice_ids.filtered(lambda r: r.state in ("open", "paid")):
                for tax_line in refund.tax_line_ids:
                    left[tax_line.tax_id.id] = left.get(tax_line.tax_id.id, 0.0) - tax_line.amount_total
            for line in deposit.deduction_line_ids.filtered(
                    lambda l: l.invoice_id.state != "cancel" and l.invoice_id != invoice):
                sign = 1 if line.invoice_id.type == "out_invoice" else -1
                for tax_id, amount in self._deposit_line_vat(line).items():
                    left[tax_id] = left.get(tax_id, 0.0) + sign * amount
            here = {}
            for line in lines:
                for tax_id, amount in self._deposit_line_vat(line).items():
                    here[tax_id] = here.get(tax_id, 0.0) + amount
            for tax_id, amount in left.items():
                diff = currency.round(-amount - here.get(tax_id, 0.0))
                tax_line = invoice.tax_line_ids.filtered(lambda t: t.tax_id.id == tax_id)[:1]
                # a rounding residue only (a cent per line), on a tax line as Odoo computed it
                if currency.is_zero(diff) or abs(diff) > currency.rounding * len(lines) + 1e-9 or not tax_line \
                        or currency.compare_amounts(tax_line.amount, computed.get(tax_id, 0.0)) != 0:
                    continue
                tax_line.amount = currency.round(tax_line.amount + diff)

    def _deduct_deposit_lines(self, invoice, deposits, line_values):
        """Book the deduction ``line_values`` on ``invoice``, or on a separate credit note."""
        if self.company_id.deposit_deduction_mode == "credit_note":
            values = self._prepare_deposit_invoice(deposits[0].kind, 0.0)
            values.update({
                "type": "out_refund",
                "deposit_final_invoice_id": invoice.id,
                "comment": _("Deposits deducted from invoice of order %s") % self.name,
                "invoice_line_ids": [(0, 0, dict(vals, price_unit=-vals["price_unit"])) for vals in line_values],
            })
            credit_note = self.env["account.invoice"].sudo().create(values)
            credit_note.compute_taxes()
            credit_note.action_invoice_open()
            self._deposit_reconcile(deposits.mapped("invoice_id") | credit_note)
            return credit_note
        invoice.sudo().write({"invoice_line_ids": [(0, 0, vals) for vals in line_values]})
        invoice.sudo().compute_taxes()
        return invoice

    def _prepare_deduction_lines(self, deposit, amount, cancellation=False):
        """Negative lines mirroring the deposit invoice's lines, for a tax-included ``amount``.

        When ``amount`` is all that is left of the deposit, each line takes exactly the untaxed
        amount left on it, so that the deposit account ends at zero to the cent.

        With taxes due on payment on the deposit (*VAT on deposits when paid*), deducted by negative lines
        on the final invoice, the deposit takes the order's own tax (due on the invoice): the final
        invoice declares the order's VAT less the deposit's, which is declared once, at its payment or
        at the final invoice, whichever comes first (see ``_deposit_declare_deducted_vat``).
        """
        closing = self.currency_id.compare_amounts(amount, deposit.amount_to_deduct) >= 0
        used = self._deposit_deducted_untaxed(deposit) if closing else {}
        declared = 0.0
        if not cancellation and self.company_id.deposit_deduction_mode == "lines" \
                and deposit.invoice_id.sudo().invoice_line_ids.mapped("invoice_line_tax_ids").filtered(
                    lambda t: t.tax_exigibility == "on_payment"):
            declared = amount
        chunks = [(declared, True), (self.currency_id.round(amount - declared), False)]
        chunks = [(part, on_invoice) for part, on_invoice in chunks if not self.currency_id.is_zero(part)]
        result = []
        for index, (part, on_invoice) in enumerate(chunks):
            last = index == len(chunks) - 1
            lines = self._prepare_deduction_chunk(deposit, part, cancellation, closing and last, used, on_invoice)
            for vals in lines:
                key, price_included = vals.pop("_tax_key"), vals.pop("_price_included")
                if not price_included:
                    used[key] = used.get(key, 0.0) - vals["price_unit"]
            result += lines
        return result

    @api.model
    def _deposit_tax_key(self, taxes):
        """What identifies a deposit line's taxes, whether due on payment or on the invoice."""
        return tuple(sorted((tax.amount_type, tax.amount, tax.price_include, tax.include_base_amount)
                            for tax in taxes))

    def _deposit_deducted_untaxed(self, deposit):
        """{tax key: untaxed amount} already deducted or credited from ``deposit``, per deposit line."""
        used = {}
        for line in deposit.sudo().deduction_line_ids.filtered(lambda l: l.invoice_id.state != "cancel"):
            sign = -1 if line.invoice_id.type == "out_invoice" else 1
            key = self._deposit_tax_key(line.invoice_line_tax_ids)
            used[key] = used.get(key, 0.0) + sign * line.price_subtotal
        for refund in deposit.invoice_id.sudo().refund_invoice_ids.filtered(lambda r: r.state in ("open", "paid")):
            for line in refund.invoice_line_ids.filtered(lambda l: not l.is_deposit_penalty):
                key = self._deposit_tax_key(line.invoice_line_tax_ids)
                used[key] = used.get(key, 0.0) + line.price_subtotal
        return used

    def _prepare_deduction_chunk(self, deposit, amount, cancellation, closing, used, on_invoice):
        """The deduction lines of ``amount`` of ``deposit`` (see ``_prepare_deduction_lines``); with
        ``on_invoice``, the taxes due on payment replaced by the order's taxes due on the invoice."""
        result = []
        lines = deposit.invoice_id.sudo().invoice_line_ids
        left = amount
        for index, line in enumerate(lines):
            if index == len(lines) - 1:
                taxed = left
            else:
                taxed = self.currency_id.round(amount * line.price_total / deposit.amount)
            left -= taxed
            taxes = line.invoice_line_tax_ids
            key = self._deposit_tax_key(taxes)
            price_included = bool(taxes) and all(tax.price_include for tax in taxes)
            untaxed = self.currency_id.round(taxed * line.price_subtotal / line.price_total) if line.price_total else 0
            if closing and not price_included:
                untaxed = self.currency_id.round(line.price_subtotal - used.get(key, 0.0))
            if on_invoice:
                taxes = self.env["account.tax"].browse(
                    [self.company_id._deposit_invoice_tax(tax).id for tax in taxes])
            result.append({
                "name": self.with_context(lang=self.partner_id.lang or self.env.lang)._deposit_deduction_name(
                    deposit.kind, deposit.invoice_id.number, cancellation),
                "origin": self.name,
                "product_id": line.product_id.id,
                "uom_id": line.uom_id.id,
                "account_id": line.account_id.id,
                "quantity": 1.0,
                "price_unit": -(taxed if price_included else untaxed),
                "invoice_line_tax_ids": [(6, 0, taxes.ids)],
                "account_analytic_id": line.account_analytic_id.id,
                "deduct_deposit_id": deposit.id,
                "_tax_key": key,
                "_price_included": price_included,
            })
        return result

    def _deposit_reconcile(self, invoices):
        """Reconcile the open receivable lines of ``invoices`` (a deposit invoice and its credit notes)."""
        invoices = invoices.sudo().filtered(lambda i: i.state == "open")
        for account in invoices.mapped("account_id"):
            lines = invoices.mapped("move_id.line_ids").filtered(
                lambda l: l.account_id == account and not l.reconciled)
            if lines.filtered(lambda l: l.debit) and lines.filtered(lambda l: l.credit):
                lines.reconcile()
        self._deposit_book_exchange_difference()

    def _deposit_book_exchange_difference(self):
        """Book the residue an exchange rate change leaves on the deposit account.

        A deposit invoiced in another currency is booked at the day's rate, and its deduction or
        credit note at a later rate: once the order's deposits are all used (nothing left on the
        deposit account in the order's currency), what is left in the company's currency is an
        exchange gain or loss, booked in the exchange difference journal.
        """
        moves = self.env["account.move"]
        for order in self.sudo():
            company = order.company_id
            if order.currency_id == company.currency_id or not order.deposit_ids:
                continue
            facts = order._deposit_account_lines()
            if not facts["lines"] or not order.currency_id.is_zero(facts["balance_currency"]):
                continue
            residue = company.currency_id.round(facts["balance_company"])
            if company.currency_id.is_zero(residue):
                continue
            journal = company.currency_exchange_journal_id
            if not journal:
                raise UserError(_("Please set the exchange difference journal of company %s.") % company.name)
            account = facts["lines"][0].account_id
            gain = residue < 0  # a credit left on the deposit account: debit it, credit a gain
            other = journal.default_credit_account_id if gain else journal.default_debit_account_id
            partner = order.partner_invoice_id.commercial_partner_id
            label = _("Exchange difference on the deposits of order %s") % order.name
            # a private step of our own flows (a salesperson's "Create invoice" included), every value
            # computed here from the posted entries: the entry is booked with the rights of the system
            move = order.env["account.move"].create({
                "journal_id": journal.id,
                "ref": label,
                "date": fields.Date.context_today(order),
                "deposit_exchange_order_id": order.id,
                "line_ids": [
                    (0, 0, {"name": label, "account_id": account.id, "partner_id": partner.id,
                            "debit": max(-residue, 0.0), "credit": max(residue, 0.0),
                            "currency_id": order.currency_id.id, "amount_currency": 0.0}),
                    (0, 0, {"name": label, "account_id": other.id, "partner_id": partner.id,
                            "debit": max(residue, 0.0), "credit": max(-residue, 0.0)}),
                ],
            })
            move.post()
            moves |= move
        return moves

    def _deposit_declare_deducted_vat(self):
        """Declare the VAT of the deposits deducted unpaid from a final invoice, once.

        With *VAT on deposits when paid*, a deposit's VAT waits on 445800 until Odoo's cash basis moves
        it to the VAT collected at each payment. A final invoice deducting the deposit by negative lines
        takes the order's own tax (due on the invoice), so its VAT is the order's less the deposit's:
        the share of the deposit deducted before it was paid is due with the goods invoiced, now. It is
        moved here to the VAT collected, by an entry of the cash basis journal; once the money comes in
        (and Odoo's cash basis moves the deposit's VAT again), the entry is taken back, so that the
        deposit's VAT is declared once whatever the order of the payments.

        Per deposit invoice and tax due on payment: due = waiting VAT x (share settled by Odoo's cash
        basis + share deducted on final invoices beyond the money received, at most all); moved here =
        due - what Odoo's cash basis moved (its settled share).
        """
        moves = self.env["account.move"]
        for order in self.sudo().filtered(lambda o: o.company_id.deposit_cash_basis_vat):
            target = {}
            for deposit in order.deposit_ids.filtered(lambda d: d.invoice_id.state in ("open", "paid") and d.amount):
                move = deposit.invoice_id.move_id
                waiting = move.line_ids.filtered(
                    lambda l: l.tax_line_id.tax_exigibility == "on_payment" and not l.tax_exigible)
                if not waiting:
                    continue
                # deducted by negative lines on final invoices, less those of final invoices credited since
                # (Odoo's credit note copies the lines); a deduction credit note is settled with the deposit
                # invoice, its VAT moved by Odoo's cash basis
                deducted = 0.0
                for line in deposit.deduction_line_ids.filtered(lambda l: l.invoice_id.state in ("open", "paid")):
                    if line.invoice_id.type == "out_invoice":
                        deducted -= line.price_total
                    elif line.invoice_id.refund_invoice_id.type == "out_invoice":
                        deducted += line.price_total
                receivables = move.line_ids.filtered(lambda l: l.account_id.internal_type in ("receivable", "payable"))
                settled = receivables._get_matched_percentage().get(move.id, 0.0)
                share = min(1.0, settled + max(deducted - deposit.amount_paid, 0.0) / deposit.amount) - settled
                for line in waiting:
                    target[line.tax_line_id] = target.get(line.tax_line_id, 0.0) + line.balance * max(share, 0.0)
            done = self.env["account.move"].search([
                ("deposit_cash_basis_order_id", "=", order.id), ("deposit_cash_basis_deducted", "=", True),
                ("state", "=", "posted")]).mapped("line_ids").filtered(lambda l: l.tax_line_id and l.tax_exigible)
            amounts = {}
            for tax in set(target) | set(done.mapped("tax_line_id")):
                moved = sum(done.filtered(lambda l: l.tax_line_id == tax).mapped("balance"))
                amounts[tax] = target.get(tax, 0.0) - moved
            moves |= order._deposit_post_vat_move(
                amounts, _("VAT of the deposits deducted before their payment, order %s") % order.name,
                deducted=True)
        return moves

    def _deposit_post_vat_move(self, amounts, label, deducted=False):
        """Post, in the cash basis journal as Odoo's own cash basis does, an entry that moves each
        ``amounts[tax]`` (company currency, rounded here) from the tax's waiting account to its VAT
        account. Nothing is posted when every amount rounds to zero."""
        self.ensure_one()
        order, company = self, self.company_id
        partner = order.partner_invoice_id.commercial_partner_id.id
        lines = []
        for tax, amount in amounts.items():
            amount = company.currency_id.round(amount)
            if company.currency_id.is_zero(amount):
                continue
            lines += [
                (0, 0, {"name": label, "account_id": tax.cash_basis_account.id, "tax_line_id": tax.id,
                        "tax_exigible": True, "partner_id": partner,
                        "debit": max(amount, 0.0), "credit": max(-amount, 0.0)}),
                (0, 0, {"name": label, "account_id": tax.account_id.id, "tax_exigible": True,
                        "partner_id": partner, "debit": max(-amount, 0.0), "credit": max(amount, 0.0)}),
            ]
        if not lines:
            return self.env["account.move"]
        journal = company.tax_cash_basis_journal_id
        if not journal:
            raise UserError(_("Please set the cash basis journal of company %s.") % company.name)
        move = order.env["account.move"].create({
            "journal_id": journal.id,
            "ref": order.name,
            "date": fields.Date.context_today(order),
            "deposit_cash_basis_order_id": order.id,
            "deposit_cash_basis_deducted": deducted,
            "line_ids": lines,
        })
        move.post()
        return move

    def _deposit_clear_cash_basis_residue(self):
        """Move to the VAT collected the cents left waiting on 445800 once the order's deposit documents
        with VAT due on payment (deposit invoices, their deduction and cancellation credit notes) are
        all settled.

        Odoo's cash basis moves the VAT of each partial payment or credit note rounded on its own, and
        the shares of several partial settlements may not add up to the VAT of the document: the last
        settlement takes the residue, so that the waiting account ends at zero and the tax report shows
        the VAT to the cent. The entry is made in the cash basis journal like Odoo's own.
        """
        moves = self.env["account.move"]
        for order in self.sudo():
            documents = self.env["account.invoice"].sudo().search(
                [("deposit_order_id", "=", order.id), ("state", "in", ("open", "paid"))])
            tax_lines = documents.mapped("move_id.line_ids").filtered(
                lambda l: l.tax_line_id.tax_exigibility == "on_payment" and not l.tax_exigible)
            if not tax_lines:
                continue
            with_taxes = tax_lines.mapped("move_id")
            receivables = with_taxes.mapped("line_ids").filtered(
                lambda l: l.account_id.internal_type in ("receivable", "payable"))
            percentages = receivables._get_matched_percentage()
            if any(abs(percentages.get(move.id, 0.0) - 1.0) > 1e-6 for move in with_taxes):
                continue
            partials = receivables.mapped("matched_debit_ids") | receivables.mapped("matched_credit_ids")
            exigible = self.env["account.move"].search(
                ["|", ("tax_cash_basis_rec_id", "in", partials.ids), ("deposit_cash_basis_order_id", "=", order.id),
                 ("state", "=", "posted")]).mapped("line_ids").filtered(lambda l: l.tax_line_id and l.tax_exigible)
            amounts = {}
            for tax in tax_lines.mapped("tax_line_id"):
                booked = sum(tax_lines.filtered(lambda l: l.tax_line_id == tax).mapped("balance"))
                moved = sum(exigible.filtered(lambda l: l.tax_line_id == tax).mapped("balance"))
                amounts[tax] = booked - moved
            moves |= order._deposit_post_vat_move(
                amounts, _("Rounding of the VAT on the deposits of order %s") % order.name)
        return moves

    def _deposit_documents(self):
        """The order's posted customer documents: deposit invoices, final invoices, credit notes."""
        self.ensure_one()
        order = self.sudo()
        invoices = (order.order_line.mapped("invoice_lines.invoice_id") | order.deposit_ids.mapped("invoice_id")
                    | order.deposit_return_invoice_ids
                    | self.env["account.invoice"].sudo().search([("deposit_order_id", "=", order.id)]))
        documents = invoices | invoices.mapped("refund_invoice_ids")
        return documents.filtered(lambda i: i.state in ("open", "paid") and i.type in ("out_invoice", "out_refund"))

    def _deposit_amount_in_order_currency(self, line):
        if self.currency_id != self.company_id.currency_id and line.currency_id == self.currency_id:
            return line.amount_currency
        return line.balance

    def _deposit_account_lines(self):
        """Lines on the deposit accounts of the order's posted documents and exchange entries."""
        self.ensure_one()
        accounts = self.sudo().deposit_ids.mapped("invoice_id.invoice_line_ids.account_id")
        moves = self._deposit_documents().mapped("move_id") | self.env["account.move"].sudo().search(
            [("deposit_exchange_order_id", "=", self.id), ("state", "=", "posted")])
        lines = moves.mapped("line_ids").filtered(lambda l: l.account_id in accounts)
        return {
            "lines": lines,
            "balance_currency": sum(self._deposit_amount_in_order_currency(line) for line in lines),
            "balance_company": sum(lines.mapped("balance")),
        }

    def _deposit_entry_sums(self, documents):
        """Sums of the posted lines of ``documents`` (and of the order's exchange entries), read in one
        query: receivable, forfeited earnest money, penalty, VAT and deposit account, in the order's
        currency, and the deposit account in the company's currency."""
        self.ensure_one()
        order = self.sudo()
        company = order.company_id
        self.recompute()  # the stored balances of lines just written
        accounts = order.deposit_ids.mapped("invoice_id.invoice_line_ids.account_id")
        forfeit = company._deposit_account("deposit_forfeit_account_id", "7718")
        penalty = company._deposit_account("deposit_penalty_account_id", "6718")
        self.env.cr.execute("""
            WITH lines AS (
                SELECT l.account_id, l.tax_line_id, l.balance, a.internal_type,
                       CASE WHEN %(foreign)s AND l.currency_id = %(currency)s THEN l.amount_currency
                            ELSE l.balance END AS amount,
                       l.move_id IN %(documents)s AS of_document
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.move_id IN %(documents)s
                    OR (m.deposit_exchange_order_id = %(order)s AND m.state = 'posted'))
            SELECT COALESCE(SUM(amount) FILTER (WHERE of_document AND internal_type = 'receivable'), 0),
                   COALESCE(SUM(amount) FILTER (WHERE of_document AND account_id = %(forfeit)s), 0),
                   COALESCE(SUM(amount) FILTER (WHERE of_document AND account_id = %(penalty)s), 0),
                   COALESCE(SUM(amount) FILTER (WHERE of_document AND tax_line_id IS NOT NULL), 0),
                   COALESCE(SUM(amount) FILTER (WHERE account_id IN %(deposit)s), 0),
                   COALESCE(SUM(balance) FILTER (WHERE account_id IN %(deposit)s), 0)
              FROM lines
        """, {
            "foreign": order.currency_id != company.currency_id, "currency": order.currency_id.id,
            "documents": tuple(documents.mapped("move_id").ids) or (0,), "order": order.id,
            "forfeit": forfeit.id or 0, "penalty": penalty.id or 0, "deposit": tuple(accounts.ids) or (0,),
        })
        receivable, indemnity, penalty_amount, vat, deposit_currency, deposit_company = (
            float(value) for value in self.env.cr.fetchone())
        return {"receivable": receivable, "indemnity": -indemnity, "penalty": penalty_amount, "vat": -vat,
                "deposit_currency": deposit_currency, "deposit_company": deposit_company}

    def _deposit_accounting_facts(self):
        """What the posted entries say about the order, for the checks of ``lib/invariants.py``."""
        self.ensure_one()
        order = self.sudo()
        documents = order._deposit_documents()
        sums = order._deposit_entry_sums(documents)
        receivable, indemnity, penalty, vat_booked = (
            sums["receivable"], sums["indemnity"], sums["penalty"], sums["vat"])
        kept_total = vat_due = 0.0
        fully_invoiced = order.state in ("sale", "done")
        for line in order.order_line.filtered(lambda l: not l.is_downpayment and l.product_uom_qty > 0):
            kept = line.product_uom_qty - line.deposit_qty_returned
            kept_total += line.price_total * kept / line.product_uom_qty
            vat_due += line.price_tax * kept / line.product_uom_qty
            if abs(line.qty_invoiced - kept) > 1e-6:
                fully_invoiced = False
        residuals = [(invoice, invoice.residual_signed) for invoice in documents]
        open_documents = [invoice for invoice, residual in residuals if not order.currency_id.is_zero(residual)]
        settled = bool(documents) and order.currency_id.is_zero(sum(residual for _inv, residual in residuals))
        deposit_invoices = order.deposit_ids.mapped("invoice_id")
        return deposit_invariants.OrderFacts(
            reference=order.name,
            digits=order.currency_id.decimal_places,
            order_total=order.amount_total,
            kept_total=kept_total,
            vat_due=vat_due,
            goods_invoiced=receivable - indemnity + penalty,
            indemnity=indemnity,
            penalty=penalty,
            vat_booked=vat_booked,
            deposit_balance=sums["deposit_currency"],
            deposit_balance_company=sums["deposit_company"],
            fully_invoiced=fully_invoiced,
            cancelled=order.state == "cancel",
            settled=settled,
            open_deposit_invoices=[i.number for i in open_documents if i in deposit_invoices],
            open_documents=len(open_documents),
            tolerance_units=len(documents) + len(order.order_line),
        )

    @api.multi
    def _deposit_check_accounting(self):
        """The accounting rules the orders' posted entries break (see ``lib/invariants.py``), as sentences."""
        errors = []
        for order in self:
            errors += deposit_invariants.check(order._deposit_accounting_facts())
        return errors

    # ---------------------------------------------------------- returned goods
    def _compute_deposit_returns(self):
        for order in self:
            credit_notes = order.deposit_return_invoice_ids.filtered(lambda i: i.state in ("open", "paid"))
            order.deposit_return_credited = order.currency_id.round(sum(credit_notes.mapped("amount_total")))
            order.deposit_return_to_credit = any(
                line._deposit_qty_to_credit() > 0 for line in order.order_line)

    @api.multi
    def action_deposit_credit_returns(self):
        """Credit note (avoir) for the goods sent back and already invoiced, at the order's prices and taxes.

        It is validated and left open: Odoo offers it on the customer's next invoice as an
        outstanding credit, or it is paid back by registering a payment on it.
        """
        credit_notes = self.env["account.invoice"]
        for order in self:
            if order.state not in ("sale", "done"):
                raise UserError(_("Order %s is not confirmed: there are no returned goods to credit.") % order.name)
            lines = []
            for line in order.order_line:
                qty = line._deposit_qty_to_credit()
                if qty > 0:
                    values = line._prepare_invoice_line(qty)
                    # linked to the order line, so that its invoiced quantity goes down
                    values["sale_line_ids"] = [(6, 0, line.ids)]
                    lines.append((0, 0, values))
            if not lines:
                raise UserError(_("Order %s has no returned goods left to credit: goods returned before "
                                  "being invoiced are simply not invoiced.") % order.name)
            values = order._prepare_invoice()
            values.update({
                "type": "out_refund",
                "deposit_return_order_id": order.id,
                "name": _("Returned goods, order %s") % order.name,
                "comment": _("Credit note for the goods returned on order %s") % order.name,
                "invoice_line_ids": lines,
            })
            credit_note = self.env["account.invoice"].sudo().create(values)
            credit_note.compute_taxes()
            credit_note.action_invoice_open()
            order.message_post(body=_("Credit note %(number)s of %(amount)s for returned goods.") % {
                "number": credit_note.number, "amount": order._deposit_format(credit_note.amount_total)})
            credit_notes |= credit_note
        return credit_notes

    @api.multi
    def action_deposit_credit_returns_open(self):
        """Button: create the credit note and show it."""
        credit_notes = self.action_deposit_credit_returns()
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["domain"] = [("id", "in", credit_notes.ids)]
        if len(credit_notes) == 1:
            action.update({"views": [(self.env.ref("account.invoice_form").id, "form")],
                           "res_id": credit_notes.id})
        return action

    # ------------------------------------------------------------ cancellation
    def _check_deposit_cancellable(self):
        """Refuse, before anything is booked, to cancel an order whose goods are invoiced and not credited.

        A withdrawal or a seller's default books credit notes and indemnities before cancelling the
        order: checked first, a refusal leaves the order and its books as they were.
        """
        for order in self:
            if order.state == "cancel":
                raise UserError(_("Order %s is already cancelled.") % order.name)
            delivered = order.sudo().picking_ids.filtered(lambda p: p.state == "done")
            if delivered and order.sudo().deposit_ids:
                raise UserError(_(
                    "Order %(order)s cannot be cancelled: goods were already delivered (%(transfers)s). A customer "
                    "who withdraws after the delivery sends the goods back through a return of the delivery; the "
                    "goods returned are then credited, and the deposit is deducted from the invoice of the goods "
                    "kept or refunded.") % {
                    "order": order.name, "transfers": ", ".join(delivered.mapped("name"))})
            if order._deposit_goods_left_invoiced():
                raise UserError(_("Order %s has invoiced goods: issue a credit note for them before cancelling "
                                  "the order.") % order.name)
            if order.sudo().deposit_ids.filtered(lambda d: d.kind == "acompte" and d.amount_to_deduct > 0) \
                    and not order._deposit_is_manager():
                raise UserError(_("Order %s has a down payment (acompte) invoiced: both parties are bound, so only "
                                  "a sales manager can cancel it.") % order.name)

    def _deposit_goods_left_invoiced(self):
        """Whether goods stay invoiced on the order, net of every credit note on its invoices (Odoo keeps
        the credit notes made from an invoice apart from the order's invoiced quantities); the deposits
        left to deduct aside, as cancelling the order credits them."""
        self.ensure_one()
        if not self.order_line.filtered(lambda l: l.qty_invoiced > 0 and not l.is_downpayment):
            return False
        facts = self._deposit_accounting_facts()
        left = sum(self.sudo().deposit_ids.mapped("amount_to_deduct"))
        return self.currency_id.round(facts.goods_invoiced - left) > \
            self.currency_id.rounding * max(facts.tolerance_units, 1)

    @api.multi
    def action_cancel(self):
        self.filtered(lambda o: o.state != "cancel")._check_deposit_cancellable()
        if not self.env.context.get("deposit_cancel_settled"):
            for order in self:
                if order.deposit_ids.filtered(lambda d: d.amount_remaining > 0):
                    raise UserError(_(
                        "Order %s has paid deposits: use \"Customer withdraws\" or \"Seller fails\" "
                        "so that the deposits are settled.") % order.name)
        # sale_stock cancels the deliveries as the user: the state of deliveries is otherwise refused to
        # salespeople (stock_picking.check_delivery_state_write)
        with delivery_state_by_workflow():
            result = super(SaleOrder, self).action_cancel()
        # deposit invoices still open are credited: the customer owes nothing on a cancelled order
        for order in self.filtered(lambda o: o.state == "cancel"):
            for deposit in order.deposit_ids.filtered(lambda d: d.amount_to_deduct > 0):
                order.sudo()._deposit_credit_note(deposit.sudo(), _("Cancellation of order %s") % order.name)
        return result

    def _check_deposit_manager(self, what):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only a sales manager can decide: %s.") % what)

    @api.multi
    def action_deposit_customer_withdraws(self):
        """The customer withdraws: arrhes are kept as an indemnity outside VAT; an acompte is refunded,
        on a sales manager's decision only, as both parties were bound."""
        self._check_deposit_cancellable()
        if self.mapped("deposit_ids").filtered(lambda d: d.amount_remaining > 0 and d.kind != "arrhes"):
            self._check_deposit_manager(_("cancel an order with a down payment (acompte)"))
        for order in self:
            deposits = order.deposit_ids.filtered(lambda d: d.amount_remaining > 0)
            for deposit in deposits:
                if deposit.kind == "arrhes":
                    order.sudo()._forfeit_deposit(deposit.sudo())
                else:
                    order.sudo()._refund_deposit(deposit.sudo(), penalty=False)
            order.message_post(body=_("Customer withdrew from the order; deposits settled by %s.")
                               % self.env.user.name)
        return self.with_context(deposit_cancel_settled=True).action_cancel()

    @api.multi
    def action_deposit_seller_fails(self):
        """The seller fails to deliver: arrhes are refunded twice, an acompte once (manager only)."""
        self._check_deposit_manager(_("cancel an order the company cannot deliver"))
        self._check_deposit_cancellable()
        for order in self:
            for deposit in order.deposit_ids.filtered(lambda d: d.amount_remaining > 0):
                order.sudo()._refund_deposit(deposit.sudo(), penalty=deposit.kind == "arrhes")
            order.message_post(body=_("The company could not deliver; deposits refunded on the decision of %s.")
                               % self.env.user.name)
        return self.with_context(deposit_cancel_settled=True).action_cancel()

    def _deposit_credit_note(self, deposit, description, extra_lines=None, amount=None):
        """Validated credit note (avoir) cancelling what is left of a deposit, price and VAT through the
        tax engine, reconciled with the deposit invoice as far as it is open.

        :param extra_lines: values of further lines (a penalty outside the scope of VAT).
        :param amount: tax-included amount to credit; what is left to deduct by default.
        """
        amount = deposit.amount_to_deduct if amount is None else amount
        invoice = deposit.invoice_id
        lines = [dict(vals, price_unit=-vals["price_unit"], deduct_deposit_id=False)
                 for vals in self._prepare_deduction_lines(deposit, amount, cancellation=True)] if amount > 0 else []
        lines += extra_lines or []
        if not lines:
            return self.env["account.invoice"]
        values = self._prepare_deposit_invoice(deposit.kind, amount)
        values.update({
            "type": "out_refund",
            "name": description,
            "refund_invoice_id": invoice.id,
            "comment": description,
            "invoice_line_ids": [(0, 0, vals) for vals in lines],
        })
        credit_note = self.env["account.invoice"].sudo().create(values)
        credit_note.compute_taxes()
        credit_note.action_invoice_open()
        self._deposit_reconcile(invoice | credit_note)
        return credit_note

    def _forfeit_deposit(self, deposit):
        """Keep earnest money: a credit note cancels the deposit invoice (price and VAT), and the amount
        kept is invoiced as an indemnity outside the scope of VAT (7718), settled by the money received."""
        company = self.company_id
        account = company._deposit_account("deposit_forfeit_account_id", "7718")
        if not account:
            raise UserError(_("Please set the forfeited earnest money account in the Sales settings."))
        try:
            amounts = deposit_lib.arrhes_forfeit(deposit.amount_to_deduct, deposit.amount_remaining,
                                                 digits=self.currency_id.decimal_places)
        except deposit_lib.DepositError as error:
            raise UserError(_("Deposit %(deposit)s: %(error)s") % {"deposit": deposit.name, "error": error})
        kept = float(amounts["indemnity"])
        invoice = deposit.invoice_id
        credit_note = self._deposit_credit_note(
            deposit, _("Earnest money kept on order %s: the deposit invoice is cancelled") % self.name,
            amount=float(amounts["credit_note"]))
        values = self._prepare_deposit_invoice(deposit.kind, kept)
        values.update({
            "type": "out_invoice",
            "name": _("Indemnity, order %s") % self.name,
            "comment": _("Earnest money kept after the customer withdrew from order %s (Code de la "
                         "consommation, L214-1): an indemnity outside the scope of VAT.") % self.name,
            "invoice_line_ids": [(0, 0, {
                "name": _("Earnest money kept on order %s (outside the scope of VAT)") % self.name,
                "origin": self.name,
                "account_id": account.id,
                "quantity": 1.0,
                "price_unit": kept,
                "is_deposit_forfeit": True,
            })],
        })
        indemnity = self.env["account.invoice"].sudo().create(values)
        indemnity.action_invoice_open()
        self._deposit_reconcile(invoice | credit_note | indemnity)
        deposit.write({"forfeit_invoice_id": indemnity.id, "forfeit_amount": kept})
        return credit_note | indemnity

    def _refund_deposit(self, deposit, penalty):
        """Credit note cancelling what is left of a deposit; with ``penalty``, the money received is
        credited once more, outside the scope of VAT (6718): arrhes paid back twice."""
        extra = []
        amount = deposit.amount_to_deduct
        if penalty:
            try:
                amounts = deposit_lib.arrhes_double_refund(deposit.amount_to_deduct, deposit.amount_remaining,
                                                           digits=self.currency_id.decimal_places)
            except deposit_lib.DepositError as error:
                raise UserError(_("Deposit %(deposit)s: %(error)s") % {"deposit": deposit.name, "error": error})
            amount = float(amounts["credit_note"])
            account = self.company_id._deposit_account("deposit_penalty_account_id", "6718")
            if not account:
                raise UserError(_("Please set the earnest money penalty account in the Sales settings."))
            extra.append({
                "name": _("Earnest money paid back twice (order %s), outside the scope of VAT") % self.name,
                "origin": self.name,
                "account_id": account.id,
                "quantity": 1.0,
                "price_unit": float(amounts["penalty"]),
                "is_deposit_penalty": True,
            })
        return self._deposit_credit_note(
            deposit, _("Refund of deposit on order %s") % self.name, extra_lines=extra, amount=amount)
