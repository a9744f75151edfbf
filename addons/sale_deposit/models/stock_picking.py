from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare


class StockPicking(models.Model):
    _inherit = "stock.picking"

    deposit_override_by = fields.Many2one(
        "res.users",
        string="Unpaid delivery allowed by",
        readonly=True,
        copy=False,
    )

    def _deposit_blocking_order(self):
        """The sales order whose unpaid deposit forbids validating this delivery, if any."""
        self.ensure_one()
        order = self.sale_id
        if (not order or self.picking_type_code != "outgoing" or self.deposit_override_by
                or order.deposit_deliver_unpaid or not order.deposit_method):
            return order.browse()
        if order.deposit_to_pay <= 0:
            return order.browse()
        # the order's invoices include its deposit invoices (same origin): keep the final ones
        final_invoices = order.invoice_ids.filtered(
            lambda i: i.type == "out_invoice" and i.state != "cancel" and not i.deposit_order_id)
        if final_invoices and all(invoice.state == "paid" for invoice in final_invoices):
            return order.browse()
        return order

    @api.multi
    def button_validate(self):
        # refused before Odoo offers a wizard; action_done checks again for the other ways in
        self._check_deposit_paid_before_delivery()
        self._check_deposit_full_delivery()
        return super(StockPicking, self).button_validate()

    def _check_deposit_paid_before_delivery(self):
        for picking in self:
            order = picking._deposit_blocking_order()
            if order:
                raise UserError(_(
                    "The deposit of order %(order)s must be paid before delivery: %(amount)s "
                    "still due. A sales manager can allow the delivery.") % {
                    "order": order.name, "amount": order._deposit_format(order.deposit_to_pay)})

    def _check_deposit_full_delivery(self):
        """An order to deliver in full ships every line of a delivery, each in full, or nothing.

        Any line short (one done, another partly or not at all) would leave a backorder: refused,
        whichever way the transfer is validated (the button, the immediate transfer or backorder
        wizards, which fill the reserved quantities only, or ``action_done`` called over RPC).
        Returns from the customer are not deliveries: they may come back in part.
        """
        for picking in self:
            order = picking.sale_id
            if not order or order.deposit_partial_delivery or picking.picking_type_code == "incoming":
                continue
            moves = picking.move_lines.filtered(lambda m: m.state not in ("done", "cancel"))
            if any(move.quantity_done for move in moves) and any(
                    float_compare(move.quantity_done, move.product_uom_qty,
                                  precision_rounding=move.product_uom.rounding) < 0
                    for move in moves):
                raise UserError(_("Order %s must be delivered in full.") % order.name)

    @api.multi
    def action_done(self):
        self._check_deposit_paid_before_delivery()
        self._check_deposit_full_delivery()
        return super(StockPicking, self).action_done()

    @api.multi
    def write(self, values):
        if "deposit_override_by" in values and self.env.uid != SUPERUSER_ID:
            raise AccessError(_("A delivery before payment is allowed with the button of a sales manager only."))
        return super(StockPicking, self).write(values)

    @api.multi
    def action_deposit_allow_unpaid(self):
        """A sales manager lets the delivery go before the deposit is paid; logged on order and delivery."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only a sales manager can allow a delivery before the deposit is paid."))
        for picking in self:
            picking.sudo().deposit_override_by = self.env.user
            message = _("Delivery %(delivery)s allowed before the deposit is paid, by %(user)s.") % {
                "delivery": picking.name, "user": self.env.user.name}
            picking.message_post(body=message)
            if picking.sale_id:
                picking.sale_id.message_post(body=message)
        return True
