from odoo import api, models

#: Changing one of these on a line of a quotation that went through approval starts a new cycle.
LINE_FIELDS_REOPENING = {"product_id", "product_uom_qty", "product_uom", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model
    def create(self, vals):
        line = super(SaleOrderLine, self).create(vals)
        line.order_id._approval_reopen()
        if not line.is_downpayment:
            # a down payment line (invoicing wizard) changes nothing that was approved
            line.order_id._approval_check_confirmed_change()
        return line

    @api.multi
    def write(self, vals):
        result = super(SaleOrderLine, self).write(vals)
        if LINE_FIELDS_REOPENING & set(vals):
            self.mapped("order_id")._approval_reopen()
            self.filtered(lambda line: not line.is_downpayment).mapped("order_id")._approval_check_confirmed_change()
        return result

    @api.multi
    def unlink(self):
        orders = self.mapped("order_id")
        result = super(SaleOrderLine, self).unlink()
        orders.exists()._approval_reopen()
        return result
