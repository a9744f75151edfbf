import threading
from contextlib import contextmanager

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

# Set while the workflow of an order (its cancellation, the withdrawal and failure flows of deposits)
# cancels its deliveries for a salesperson; a thread's own state, which no RPC call can set.
_STATE_BY_WORKFLOW = threading.local()


@contextmanager
def delivery_state_by_workflow():
    """The code inside may change the state of deliveries and stock moves for a salesperson."""
    depth = getattr(_STATE_BY_WORKFLOW, "depth", 0)
    _STATE_BY_WORKFLOW.depth = depth + 1
    try:
        yield
    finally:
        _STATE_BY_WORKFLOW.depth = depth


def check_delivery_state_write(records, values):
    """Refuse writing ``state`` on deliveries or stock moves to a user without inventory rights.

    Odoo's sale_stock lets salespeople write deliveries and moves (an order's cancellation cancels
    them as the salesperson), so a salesperson could set a delivery done over RPC and change what is
    invoiced on delivered quantities and the deposit rules. The state is the stock workflow's: it moves
    with the buttons of an inventory user, with the order's own buttons, or as the superuser.
    """
    if "state" not in values or not records or records.env.uid == SUPERUSER_ID \
            or getattr(_STATE_BY_WORKFLOW, "depth", 0) \
            or records.env.user.has_group("stock.group_stock_user"):
        return
    raise AccessError(_(
        "Only inventory users can change the state of a delivery (%s): validate or cancel it with its "
        "buttons, or cancel its sales order.") % ", ".join(
        sorted(set(name for name in records.sudo().mapped("display_name") if name))))


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
        check_delivery_state_write(self, values)
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


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.multi
    def write(self, values):
        check_delivery_state_write(self.mapped("picking_id") or self, values)
        return super(StockMove, self).write(values)
