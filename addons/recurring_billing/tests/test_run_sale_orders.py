from .common import RecurringCase


class TestRunSaleOrders(RecurringCase):
    """The invoicing run answers Odoo's "which order lines do these invoices bill?" for its own
    new invoices without a query: the answer for any other invoice is unchanged."""

    @classmethod
    def setUpClass(cls):
        super(TestRunSaleOrders, cls).setUpClass()
        cls.setup_product = cls.env["product.product"].create({
            "name": "Set-up fee", "type": "service", "list_price": 300.0, "invoice_policy": "order"})
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "order_line": [(0, 0, {"product_id": cls.setup_product.id, "product_uom_qty": 1.0,
                                   "price_unit": 300.0})]})
        cls.order.action_confirm()

    def test_order_invoiced_during_and_after_a_run_counts_its_invoiced_quantity(self):
        contract = self.make_contract(start="2027-01-01")
        order_line = self.order.order_line
        invoice = self.env["account.invoice"].browse(self.order.action_invoice_create())
        SaleLine = self.env["sale.order.line"]
        with self.Contract._new_invoices_of_run():
            # an invoice older than the run still bills its order line
            self.assertEqual(SaleLine.search([("invoice_lines", "in", invoice.invoice_line_ids.ids)]), order_line)
            self.assertEqual(SaleLine.search([("invoice_lines.invoice_id", "in", invoice.ids)]), order_line)
        contract_invoice = self.run_invoicing(contract, "2027-01-01")
        self.assertEqual(contract_invoice.amount_total, 120.0)
        self.assertFalse(SaleLine.search([("invoice_lines.invoice_id", "in", contract_invoice.ids)]))
        # the run is over: an order invoiced after it counts its invoiced quantity as before
        self.assertEqual(order_line.qty_invoiced, 1.0)
        order = self.order.copy()
        order.action_confirm()
        later = self.env["account.invoice"].browse(order.action_invoice_create())
        self.assertGreater(later.invoice_line_ids.id, contract_invoice.invoice_line_ids.id)
        self.assertEqual(order.order_line.qty_invoiced, 1.0)
        self.assertEqual(order.order_line.invoice_status, "invoiced")
