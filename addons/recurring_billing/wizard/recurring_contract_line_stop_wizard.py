from odoo import _, api, fields, models


class RecurringContractLineStopWizard(models.TransientModel):
    """The Stop button of a running contract: a line and the day it stops from; confirming
    calls ``recurring.contract.line.action_stop`` as the user, the same method as over RPC
    (its checks, its credit of the unused days already invoiced)."""

    _name = "recurring.contract.line.stop.wizard"
    _description = "Stop a contract line"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
    )
    line_id = fields.Many2one(
        "recurring.contract.line",
        string="Line to stop",
        required=True,
        ondelete="cascade",
        domain="[('contract_id', '=', contract_id), ('date_end', '=', False)]",
    )
    date = fields.Date(
        string="Stop from",
        required=True,
        default=lambda self: self.env.context.get("recurring_today") or fields.Date.context_today(self),
        help="First day the line no longer runs: its last day is the day before. The days from then on "
             "of the periods already invoiced are credited on the next invoice.",
    )

    @api.model
    def _action(self, contract, line):
        action = self.env.ref("recurring_billing.action_recurring_contract_line_stop_wizard").read()[0]
        action["name"] = _("Stop a line")
        action["context"] = {"default_contract_id": contract.id, "default_line_id": line.id}
        return action

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        self.line_id.action_stop(self.date)
        self.contract_id.message_post(body=_("Line %(product)s stopped from %(date)s.") % {
            "product": self.line_id.product_id.display_name,
            "date": self.contract_id._format_date(fields.Date.from_string(self.date))})
        return {"type": "ir.actions.act_window_close"}
