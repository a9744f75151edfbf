from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError


class RecurringPriceChange(models.Model):
    """A new unit price for a contract line from a date. It applies from the first
    period starting on or after that date, so a period in progress keeps its price."""

    _name = "recurring.price.change"
    _inherit = "recurring.access.guard"
    _description = "Price change of a contract line"
    _code_fields = ("contract_id", "notified")
    _order = "date"

    line_id = fields.Many2one(
        "recurring.contract.line",
        required=True,
        ondelete="cascade",
        index=True,
    )
    contract_id = fields.Many2one(
        related="line_id.contract_id",
        store=True,
        readonly=True,
    )
    date = fields.Date(
        string="Effective date",
        required=True,
    )
    price_unit = fields.Float(
        string="New unit price",
        digits=dp.get_precision("Product Price"),
        required=True,
    )
    notified = fields.Boolean(
        readonly=True,
    )

    @api.constrains("price_unit")
    def _check_price_unit(self):
        if any(change.price_unit < 0 for change in self):
            raise ValidationError(_("A new price cannot be negative."))

    @api.model
    def create(self, values):
        self._guard_values(values)
        change = super(RecurringPriceChange, self).create(values)
        change._check_not_invoiced()
        change._notify_customer()
        return change

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if set(values) & {"line_id", "date", "price_unit"}:
            self._check_not_invoiced()
            result = super(RecurringPriceChange, self).write(values)
            self._check_not_invoiced()
            return result
        return super(RecurringPriceChange, self).write(values)

    @api.multi
    def unlink(self):
        self._check_not_invoiced()
        return super(RecurringPriceChange, self).unlink()

    @api.multi
    def _check_not_invoiced(self):
        """A new price applies from the first period starting on or after its date: refuse
        one a period already invoiced at the old price would have billed (nothing would
        charge or credit the difference), and the change or deletion of one that billed."""
        for change in self:
            contract = change.line_id.contract_id
            claims = contract.sudo().period_ids.filtered(lambda p: p.date_start >= change.date)
            if claims:
                raise UserError(_(
                    "The period of contract %(name)s from %(start)s is already invoiced: a price change of "
                    "%(product)s dated %(date)s would apply to it (or did), with nothing credited or charged. "
                    "Date the new price after %(last)s, or use \"Change quantity or price\" for a change within "
                    "an invoiced period.") % {
                    "name": contract.name, "product": change.line_id.product_id.display_name,
                    "date": contract._format_date(fields.Date.from_string(change.date)),
                    "start": contract._format_date(fields.Date.from_string(min(claims.mapped("date_start")))),
                    "last": contract._format_date(fields.Date.from_string(max(claims.mapped("date_start"))))})

    @api.multi
    def _notify_customer(self):
        """Tell the customer, by a message on the contract sent to them, the new price and
        when it applies."""
        for change in self:
            contract = change.contract_id
            body = _("<p>From %(date)s, the price of <b>%(product)s</b> on your contract %(contract)s "
                     "becomes %(price)s %(currency)s.</p>") % {
                "date": change.date, "product": change.line_id.name, "contract": contract.name,
                "price": "%.2f" % change.price_unit, "currency": contract.currency_id.symbol or ""}
            contract.message_post(body=body, subject=_("Price change on your contract %s") % contract.name,
                                  partner_ids=contract.partner_id.ids, subtype="mail.mt_comment",
                                  message_type="comment")
            change.sudo().notified = True
