from odoo import api, fields, models

from .stock_picking import delivery_state_by_workflow

#: The line fields that change what the order bills.
DEPOSIT_AMOUNT_FIELDS = ("product_uom_qty", "product_uom", "price_unit", "discount", "tax_id")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.multi
    def _action_launch_procurement_rule(self):
        # the order confirmed or a quantity raised: the deliveries are made, and reserved (procurement_jit),
        # as the salesperson, whom the state of deliveries is otherwise refused to
        with delivery_state_by_workflow():
            return super(SaleOrderLine, self)._action_launch_procurement_rule()

    @api.model
    def create(self, values):
        order = self.env["sale.order"].browse(values.get("order_id"))
        before = order._deposit_cover()
        line = super(SaleOrderLine, self).create(values)
        line.order_id._check_deposit_cover(before)
        return line

    @api.multi
    def write(self, values):
        if not any(name in values for name in DEPOSIT_AMOUNT_FIELDS):
            return super(SaleOrderLine, self).write(values)
        orders = self.mapped("order_id")
        before = orders._deposit_cover()
        result = super(SaleOrderLine, self).write(values)
        orders._check_deposit_cover(before)
        return result

    @api.multi
    def unlink(self):
        orders = self.mapped("order_id")
        before = orders._deposit_cover()
        result = super(SaleOrderLine, self).unlink()
        orders.exists()._check_deposit_cover(before)
        return result

    deposit_qty_returned = fields.Float(
        string="Returned",
        compute="_compute_deposit_qty_returned",
        digits=0,
        help="Quantity the customer sent back through validated return pickings.",
    )

    @api.multi
    def _deposit_returned_quantities(self):
        """{line id: (all returned, returned with "To Refund")} from the validated return moves."""
        result = {}
        for line in self:
            returned = refunded = 0.0
            for move in line.move_ids:
                if (move.state != "done" or move.scrapped or not move.origin_returned_move_id
                        or move.location_dest_id.usage == "customer"):
                    continue
                qty = move.product_uom._compute_quantity(move.product_uom_qty, line.product_uom)
                returned += qty
                if move.to_refund:
                    refunded += qty
            result[line.id] = (returned, refunded)
        return result

    @api.depends("move_ids.state", "move_ids.product_uom_qty")
    def _compute_deposit_qty_returned(self):
        quantities = self._deposit_returned_quantities()
        for line in self:
            line.deposit_qty_returned = quantities[line.id][0]

    @api.depends("invoice_lines.invoice_id.state", "invoice_lines.quantity",
                 "invoice_lines.invoice_id.refund_invoice_ids.state")
    def _get_invoice_qty(self):
        """On an order with deposits, an invoice cancelled by a credit note in full (Odoo's credit note in
        "cancel" mode, whose lines Odoo does not link to the order) no longer counts as invoiced: its
        goods can be invoiced again, and its deposits deducted again, so that the user has a way out.
        Odoo's "modify" mode moves the links to the new invoice itself: nothing is changed then."""
        result = super(SaleOrderLine, self)._get_invoice_qty()
        for line in self.filtered(lambda l: l.order_id.deposit_ids):
            for invoice_line in line.invoice_lines:
                invoice = invoice_line.invoice_id
                if invoice.type != "out_invoice" or invoice.state not in ("open", "paid"):
                    continue
                refunds = invoice.refund_invoice_ids.filtered(
                    lambda r: r.state in ("open", "paid") and not r.invoice_line_ids.mapped("sale_line_ids"))
                if refunds and invoice.currency_id.compare_amounts(
                        sum(refunds.mapped("amount_total")), invoice.amount_total) >= 0:
                    line.qty_invoiced -= invoice_line.uom_id._compute_quantity(
                        invoice_line.quantity, line.product_uom)
        return result

    @api.depends("qty_invoiced", "qty_delivered", "product_uom_qty", "order_id.state",
                 "move_ids.state", "move_ids.to_refund")
    def _get_to_invoice_qty(self):
        """Goods sent back are not invoiced (again): the quantity to invoice is what the customer keeps.

        Odoo already lowers the delivered quantity by the returns marked "To Refund"; the other
        returns, and every return on a line invoiced on ordered quantities, are taken off here.
        """
        result = super(SaleOrderLine, self)._get_to_invoice_qty()
        quantities = self._deposit_returned_quantities()
        for line in self:
            if line.order_id.state not in ("sale", "done"):
                continue
            returned, refunded = quantities[line.id]
            if line.product_id.invoice_policy == "delivery":
                returned -= refunded
            line.qty_to_invoice -= returned
        return result

    @api.multi
    def _deposit_qty_to_credit(self):
        """Returned quantity already invoiced and not credited yet."""
        self.ensure_one()
        if self.order_id.state not in ("sale", "done") or self.qty_to_invoice >= 0:
            return 0.0
        return min(-self.qty_to_invoice, self.deposit_qty_returned)
