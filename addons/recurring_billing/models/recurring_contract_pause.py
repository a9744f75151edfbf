from odoo import api, fields, models


class RecurringContractPause(models.Model):
    """A pause of a contract, both days included: its days are not billed (a period
    partly paused is billed for its other days)."""

    _name = "recurring.contract.pause"
    _inherit = "recurring.access.guard"
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
        help="Last paused day; empty while the contract is still paused.",
    )

    @api.model
    def create(self, values):
        self._guard_values(values)
        return super(RecurringContractPause, self).create(values)

    @api.multi
    def write(self, values):
        self._guard_values(values)
        return super(RecurringContractPause, self).write(values)
