from odoo import fields, models


class RecurringContractPause(models.Model):
    """A pause of a contract: periods starting within it are not invoiced."""

    _name = "recurring.contract.pause"
    _description = "Pause of a contract"
    _order = "date_start"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
    )
    date_start = fields.Date(
        required=True,
    )
    date_end = fields.Date(
        help="Empty while the contract is still paused.",
    )
