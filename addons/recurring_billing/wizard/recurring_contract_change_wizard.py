from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang


class RecurringContractChangeWizard(models.TransientModel):
    """A dated change of a running contract, from the web client: a line's new quantity
    or unit price from a date (``recurring.contract.line.apply_change``), or a change of
    plan (a ``recurring.contract.amendment`` of kind ``plan``: the line stopped the day
    before the date, a line of the new product, unit of measure and taxes from it). The
    summary says, before confirming, what the next invoice will credit or charge; the
    confirmation runs the same code as an RPC call."""

    _name = "recurring.contract.change.wizard"
    _description = "Dated change of a contract line"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
    )
    change_type = fields.Selection(
        [("line", "Quantity or price"), ("plan", "Change of plan")],
        string="Change",
        default="line",
        required=True,
    )
    line_id = fields.Many2one(
        "recurring.contract.line",
        string="Contract line",
        required=True,
        ondelete="cascade",
        domain="[('contract_id', '=', contract_id)]",
    )
    date = fields.Date(
        string="Effective date",
        required=True,
        default=lambda self: self.env.context.get("recurring_today") or fields.Date.context_today(self),
        help="First day of the new quantity, price or plan.",
    )
    current_quantity = fields.Float(
        related="line_id.quantity",
        readonly=True,
    )
    current_price_unit = fields.Float(
        related="line_id.price_unit",
        readonly=True,
    )
    product_id = fields.Many2one(
        "product.product",
        string="New product",
        help="The product of the new plan: the line is stopped the day before the effective date and a line "
             "of this product starts on it.",
    )
    uom_id = fields.Many2one(
        "product.uom",
        string="New unit of measure",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="New taxes",
        domain=[("type_tax_use", "=", "sale")],
        help="The taxes of the new plan's line (the product's by default).",
    )
    quantity = fields.Float(
        string="New quantity",
        digits=dp.get_precision("Product Unit of Measure"),
    )
    price_unit = fields.Float(
        string="New unit price",
        digits=dp.get_precision("Product Price"),
    )
    summary = fields.Text(
        compute="_compute_summary",
        string="What will happen",
    )

    @api.model
    def default_get(self, field_names):
        values = super(RecurringContractChangeWizard, self).default_get(field_names)
        line = self.env["recurring.contract.line"].browse(values.get("line_id"))
        if line:
            values.setdefault("contract_id", line.contract_id.id)
            values.setdefault("quantity", line.quantity)
            values.setdefault("price_unit", line.price_unit)
        return values

    @api.model
    def create(self, values):
        # made without the form (RPC, tests): the new product's unit of measure and taxes
        product = self.env["product.product"].browse(values.get("product_id"))
        if product:
            contract = self.env["recurring.contract"].browse(
                values.get("contract_id") or self.env.context.get("default_contract_id"))
            values = dict(values)
            values.setdefault("uom_id", product.uom_id.id)
            values.setdefault("tax_ids", [(6, 0, self._product_taxes(product, contract.company_id).ids)])
        return super(RecurringContractChangeWizard, self).create(values)

    @api.onchange("line_id")
    def _onchange_line_id(self):
        if self.line_id:
            self.quantity = self.line_id.quantity
            if self.change_type == "line" or not self.product_id:
                self.price_unit = self.line_id.price_unit

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.lst_price
            self.uom_id = self.product_id.uom_id
            self.tax_ids = self._product_taxes(self.product_id, self.contract_id.company_id)

    @api.model
    def _product_taxes(self, product, company):
        """The product's sale taxes of the contract's company."""
        company = company or self.env.user.company_id
        return product.taxes_id.filtered(lambda tax: tax.company_id == company)

    @api.depends("change_type", "line_id", "date", "quantity", "price_unit", "product_id")
    def _compute_summary(self):
        for wizard in self:
            if not (wizard.line_id and wizard.date) or (wizard.change_type == "plan" and not wizard.product_id):
                wizard.summary = False
                continue
            try:
                wizard.summary = "\n".join(wizard._summary_lines())
            except (UserError, ValidationError) as error:
                wizard.summary = error.name

    @api.multi
    def _summary_lines(self):
        """What the confirmation will do, in the user's words (raises what it would refuse)."""
        self.ensure_one()
        self._check_change()
        line, contract = self.line_id, self.contract_id
        day = fields.Date.from_string(self.date)
        currency = contract.currency_id
        values = {"date": contract._format_date(day), "product": line.product_id.display_name,
                  "old": self._terms_text(line.quantity, line.price_unit, currency),
                  "new": self._terms_text(self.quantity, self.price_unit, currency)}
        if self.change_type == "plan":
            lines = [_("From %(date)s: %(product)s (%(old)s) stops, %(new_product)s (%(new)s) starts.") % dict(
                values, new_product=self.product_id.display_name)]
            stop, start = self.env["recurring.contract.amendment"]._plan_change_amounts(
                line, self.date, self.quantity, self.price_unit)
            amounts = [(stop, line.product_id.display_name), (start, self.product_id.display_name)]
        else:
            lines = [_("From %(date)s: %(product)s goes from %(old)s to %(new)s a period.") % values]
            if self._scheduled():
                lines.append(_("Scheduled: the periods before %(date)s are invoiced at the current terms; the "
                               "invoicing run applies the change (with any proration) when it reaches that "
                               "date.") % values)
                return lines
            amounts = [(line._change_adjustment(day, self.quantity, self.price_unit), line.product_id.display_name)]
        period = contract._calendar().period_of(day)
        period_text = {"start": contract._format_date(period.start), "end": contract._format_date(period.end)}
        for amount, product in amounts:
            if not amount:
                continue
            text = self._money_text(abs(float(amount)), currency)
            if amount > 0:
                lines.append(_("The next invoice charges %(amount)s for %(product)s (period %(start)s to "
                               "%(end)s).") % dict(period_text, amount=text, product=product))
            else:
                lines.append(_("The next invoice credits %(amount)s for %(product)s (period %(start)s to "
                               "%(end)s).") % dict(period_text, amount=text, product=product))
        if not any(amount for amount, _product in amounts):
            lines.append(_("No proration: the periods not invoiced yet bill the new terms for their days."))
        return lines

    @api.model
    def _terms_text(self, quantity, price, currency):
        return "%s x %s" % (self.env["recurring.contract"]._format_number(quantity), self._money_text(price, currency))

    @api.model
    def _money_text(self, amount, currency):
        """An amount as the reader writes it: the currency's symbol, position and decimals, the
        language's separators."""
        return formatLang(self.env, amount, currency_obj=currency)

    @api.multi
    def _scheduled(self):
        """Whether apply_change keeps the change for later (dated after today)."""
        today = self.env.context.get("recurring_today") or fields.Date.context_today(self)
        return self.date > today

    @api.multi
    def _check_change(self):
        self.ensure_one()
        line, contract = self.line_id, self.contract_id
        if line.contract_id != contract:
            raise UserError(_("The line is not one of contract %s.") % contract.name)
        line._check_change_date(self.date, plan=self.change_type == "plan")
        if self.quantity < 0 or self.price_unit < 0:
            raise UserError(_("The new quantity and unit price cannot be negative."))
        if self.change_type == "plan":
            if not self.product_id:
                raise UserError(_("Pick the product of the new plan."))
            return
        if not (float_compare(self.quantity, line.quantity, precision_digits=6)
                or float_compare(self.price_unit, line.price_unit, precision_digits=6)):
            raise UserError(_("The new quantity and unit price are the current ones: nothing to change."))

    @api.multi
    def action_confirm(self):
        """Apply the change with the contract's own code, as a call over RPC would."""
        self.ensure_one()
        self._check_change()
        line = self.line_id
        if self.change_type == "line":
            line.apply_change(self.date, quantity=self.quantity, price_unit=self.price_unit)
            return {"type": "ir.actions.act_window_close"}
        self.env["recurring.contract.amendment"].create({
            "kind": "plan",
            "line_id": line.id,
            "date": self.date,
            "product_id": self.product_id.id,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "uom_id": (self.uom_id or self.product_id.uom_id).id,
            "tax_ids": [(6, 0, self.tax_ids.ids)],
        })
        return {"type": "ir.actions.act_window_close"}
