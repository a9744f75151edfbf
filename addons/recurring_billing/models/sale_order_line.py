from odoo import api, models

from .recurring_contract_invoicing import NEW_INVOICES_MARK

# the order lines linked to these invoice lines, or to the lines of these invoices, or of the
# invoices these invoices refund: what Odoo searches when invoices change
_INVOICED_BY = {"invoice_lines": 1, "invoice_lines.invoice_id": 0, "invoice_lines.invoice_id.refund_invoice_ids": 0}


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

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        """The order lines invoiced by the new invoices of a recurring invoicing run (or by
        their lines): none, contract invoices never bill an order line. Answered without a
        query (the run creates many invoices; Odoo asks it for each of them)."""
        mark = getattr(self.env.cr, NEW_INVOICES_MARK, None)
        if mark and len(args) == 1 and isinstance(args[0], (list, tuple)) and len(args[0]) == 3 \
                and args[0][1] == "in" and args[0][0] in _INVOICED_BY and isinstance(args[0][2], (list, tuple)):
            path, _operator, ids = args[0]
            if ids and all(isinstance(record_id, int) and record_id > mark[_INVOICED_BY[path]] for record_id in ids) \
                    and (path != "invoice_lines.invoice_id.refund_invoice_ids"
                         or not self.env["account.invoice"].browse(ids).mapped("refund_invoice_id")):
                return 0 if count else []
        return super(SaleOrderLine, self)._search(args, offset=offset, limit=limit, order=order, count=count,
                                                  access_rights_uid=access_rights_uid)
