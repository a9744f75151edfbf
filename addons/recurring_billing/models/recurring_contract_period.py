from odoo import fields, models


class RecurringContractPeriod(models.Model):
    """One invoiced period of a contract. The UNIQUE (contract, start) constraint is what
    makes a second invoice for a period impossible, whatever runs at the same time."""

    _name = "recurring.contract.period"
    _description = "Invoiced period of a contract"
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
