from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError


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
        change._notify_customer()
        return change

    @api.multi
    def write(self, values):
        self._guard_values(values)
        return super(RecurringPriceChange, self).write(values)

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
