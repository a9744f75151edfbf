from odoo import api, fields, models


class SaleApprovalRefuseWizard(models.TransientModel):
    _name = "sale.approval.refuse.wizard"
    _description = "Refuse a quotation's approval with a reason"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Quotation",
        required=True,
    )
    reason_id = fields.Many2one(
        comodel_name="sale.refusal.reason",
        string="Reason",
    )
    note = fields.Text(
        string="Explanation",
    )

    @api.multi
    def action_refuse(self):
        self.ensure_one()
        self.order_id.action_approval_refuse(reason=self.reason_id, note=self.note)
        return {"type": "ir.actions.act_window_close"}
