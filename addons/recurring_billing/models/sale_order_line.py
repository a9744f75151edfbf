from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("qty_invoiced", "qty_delivered", "product_uom_qty", "order_id.state")
    def _get_to_invoice_qty(self):
        """Subscription products are invoiced by their contract, never by the order."""
        result = super(SaleOrderLine, self)._get_to_invoice_qty()
        for line in self:
            if line.product_id.recurring_ok:
                line.qty_to_invoice = 0.0
        return result
