from odoo import _, api, models
from odoo.exceptions import UserError


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    @api.multi
    def create_invoices(self):
        if self.advance_payment_method in ("percentage", "fixed"):
            orders = self.env["sale.order"].browse(self.env.context.get("active_ids", []))
            for order in orders:
                self._check_deposit_cap(order)
        return super(SaleAdvancePaymentInv, self).create_invoices()

    def _check_deposit_cap(self, order):
        """Refuse an Odoo down payment that would bring the order's deposits above its total."""
        currency = order.currency_id
        if self.advance_payment_method == "percentage":
            amount = order.amount_untaxed * self.amount / 100
        else:
            amount = self.amount
        taxes = self.product_id.taxes_id.filtered(lambda t: t.company_id == order.company_id)
        if order.fiscal_position_id and taxes:
            taxes = order.fiscal_position_id.map_tax(taxes)
        new = taxes.compute_all(amount, currency)["total_included"] if taxes else amount
        down_payments = sum(
            line.tax_id.compute_all(line.price_unit, currency)["total_included"] if line.tax_id else line.price_unit
            for line in order.order_line.filtered("is_downpayment"))
        ours = sum(deposit.amount - deposit.amount_refunded - deposit.amount_forfeited
                   for deposit in order.sudo().deposit_ids.filtered(lambda d: d.state != "cancel"))
        room = order.amount_total - down_payments - ours
        if currency.compare_amounts(new, room) > 0:
            raise UserError(_(
                "Order %(order)s: a down payment of %(amount)s would bring its deposits above the order total "
                "of %(total)s; only %(room)s are left.") % {
                "order": order.name, "amount": order._deposit_format(new),
                "total": order._deposit_format(order.amount_total), "room": order._deposit_format(max(room, 0.0))})
