from odoo import api, fields, models

from ..models.deposit_terms import KINDS, METHODS


class SaleDepositWizard(models.TransientModel):
    """Ask a (further) deposit on an order, by percentage or fixed amount."""

    _name = "sale.deposit.wizard"
    _description = "Ask a deposit"

    order_id = fields.Many2one(
        "sale.order",
        required=True,
    )
    currency_id = fields.Many2one(
        related="order_id.currency_id",
        readonly=True,
    )
    kind = fields.Selection(
        KINDS,
        required=True,
    )
    method = fields.Selection(
        METHODS,
        required=True,
    )
    value = fields.Float(
        digits=(16, 2),
        required=True,
    )

    @api.model
    def default_get(self, field_names):
        values = super(SaleDepositWizard, self).default_get(field_names)
        order = self.env["sale.order"].browse(self.env.context.get("active_id"))
        if order.exists():
            values.update({
                "order_id": order.id,
                "kind": order._deposit_kind(),
                "method": order.deposit_method or "percent_taxed",
                "value": order.deposit_value or 30.0,
            })
        return values

    @api.multi
    def action_create(self):
        self.ensure_one()
        deposits = self.order_id.create_deposit(method=self.method, value=self.value, kind=self.kind)
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["views"] = [(self.env.ref("account.invoice_form").id, "form")]
        action["res_id"] = deposits.invoice_id.id
        return action
