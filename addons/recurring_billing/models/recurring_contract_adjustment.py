from odoo import api, fields, models


class RecurringContractAdjustment(models.Model):
    """An amount to add to (or credit on, when negative) the next invoice of a contract:
    the prorated difference when a line changes or stops in the middle of a period."""

    _name = "recurring.contract.adjustment"
    _inherit = "recurring.access.guard"
    _description = "Prorated adjustment of a contract"
    _code_fields = ("invoice_line_id",)
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
        return super(RecurringContractAdjustment, self).write(values)
