from odoo import api, fields, models


class RecurringContractPeriod(models.Model):
    """One invoiced period of a contract. The UNIQUE (contract, start) constraint is what
    makes a second invoice for a period impossible, whatever runs at the same time."""

    _name = "recurring.contract.period"
    _inherit = "recurring.access.guard"
    _description = "Invoiced period of a contract"
    _code_fields = ("company_id", "invoice_id")
    _order = "date_start desc"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="contract_id.company_id",
        store=True,
        readonly=True,
    )
    date_start = fields.Date(
        required=True,
    )
    date_end = fields.Date(
        required=True,
    )
    invoice_id = fields.Many2one(
        "account.invoice",
        ondelete="set null",
    )

    _sql_constraints = [
        ("contract_period_unique", "UNIQUE (contract_id, date_start)",
         "This period of the contract is already invoiced."),
    ]

    @api.model
    def create(self, values):
        self._guard_values(values)
        return super(RecurringContractPeriod, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        return super(RecurringContractPeriod, self).write(values)
