import json

from odoo.exceptions import UserError

from .common import DepositCase


class TestReturnedGoods(DepositCase):
    """10 oak tables at 100 € HT (1 200 TTC), 360 € of down payment paid, goods sent back."""

    def _invoiced_order(self, product=None):
        order = self._order(lines=[(product or self.product, 10, 100.0, self.vat20)], deposit_kind="acompte",
                            deposit_method="percent_untaxed", deposit_value=30)
        order.action_confirm()
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        return order, final

    def _return(self, order, quantity, to_refund=False):
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing" and p.state == "done")
        wizard = self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking").create({})
        wizard.product_return_moves.write({"quantity": quantity, "to_refund": to_refund})
        picking = self.env["stock.picking"].browse(wizard.create_returns()["res_id"])
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def _invoices_count(self):
        return self.env["account.invoice"].search_count([])

    def test_returned_goods_are_credited_at_the_order_prices_and_taxes(self):
        # given an order invoiced 360 (deposit) + 840 (final invoice) and 2 tables sent back
        order, final = self._invoiced_order()
        self.assertAlmostEqual(final.amount_total, 840.0)
        self._return(order, 2)
        order.invalidate_cache()
        self.assertIs(order.deposit_return_to_credit, True)
        self.assertEqual(sum(order.order_line.mapped(lambda line: line._deposit_qty_to_credit())), 2.0)
        # when the salesperson credits the returned goods from the order
        credit_note = order.sudo(self.salesman).action_deposit_credit_returns()
        # (read as the accountant would)
        credit_note = self.env["account.invoice"].browse(credit_note.ids)
        # then an open credit note of 2 x 100 HT + 20% VAT is booked in the sales journal
        self.assertEqual(credit_note.type, "out_refund")
        self.assertEqual(credit_note.state, "open")
        self.assertEqual(credit_note.journal_id, final.journal_id)
        self.assertEqual(credit_note.partner_id, order.partner_invoice_id)
        self.assertEqual(credit_note.deposit_return_order_id, order)
        line = credit_note.invoice_line_ids
        self.assertEqual(line.product_id, self.product)
        self.assertAlmostEqual(line.quantity, 2.0)
        self.assertAlmostEqual(line.price_unit, 100.0)
        self.assertEqual(line.invoice_line_tax_ids, self.vat20)
        self.assertEqual(line.account_id, final.invoice_line_ids.filtered("sale_line_ids").account_id)
        self.assertAlmostEqual(credit_note.amount_untaxed, 200.0)
        self.assertAlmostEqual(credit_note.amount_tax, 40.0)
        self.assertAlmostEqual(credit_note.amount_total, 240.0)
        move = credit_note.move_id
        self.assertBalanced(move)
        self.assertAlmostEqual(self._balance(move, "4457"), 40.0)
        self.assertAlmostEqual(self._balance(move, "411"), -240.0)
        # and the order's figures account for it: nothing left to credit nor to invoice again
        order.invalidate_cache()
        self.assertAlmostEqual(order.deposit_return_credited, 240.0)
        self.assertFalse(order.deposit_return_to_credit)
        self.assertAlmostEqual(order.order_line.qty_invoiced, 8.0)
        self.assertAlmostEqual(order.order_line.qty_to_invoice, 0.0)
        self.assertAlmostEqual(order.deposit_remaining, 0.0)
        # what the customer is charged in all is the 8 tables kept
        self.assertAlmostEqual(order.deposit_invoiced + final.amount_total - credit_note.amount_total, 960.0)
        # a second click credits nothing twice
        before = self._invoices_count()
        with self.assertRaises(UserError):
            order.action_deposit_credit_returns()
        self.assertEqual(self._invoices_count(), before)

    def test_the_credit_pays_part_of_the_next_purchase(self):
        order, final = self._invoiced_order()
        self._pay(final)
        self._return(order, 2)
        credit_note = order.action_deposit_credit_returns()
        # given a later order of the same customer, invoiced 120
        later = self._order(lines=[(self.product, 1, 100.0, self.vat20)])
        later.action_confirm()
        invoice = self._final_invoice(later)
        invoice.action_invoice_open()
        # then the credit note is offered on the invoice as an outstanding credit
        widget = json.loads(invoice.outstanding_credits_debits_widget)
        offered = [item for item in widget["content"] if item["amount"] == 240.0]
        self.assertEqual(len(offered), 1)
        # and once used the invoice is paid, 120 of credit left for the customer
        invoice.assign_outstanding_credit(offered[0]["id"])
        self.assertEqual(invoice.state, "paid")
        self.assertAlmostEqual(credit_note.residual, 120.0)
        self.assertEqual(credit_note.state, "open")
        self.assertAlmostEqual(self.business.credit, -120.0)

    def test_the_credit_is_paid_back_to_the_customer(self):
        order, final = self._invoiced_order()
        self._pay(final)
        self._return(order, 3)
        credit_note = order.action_deposit_credit_returns()
        self.assertAlmostEqual(credit_note.amount_total, 360.0)
        self._pay(credit_note)
        self.assertEqual(credit_note.state, "paid")
        payment = credit_note.payment_ids
        self.assertEqual(payment.payment_type, "outbound")
        self.assertAlmostEqual(payment.amount, 360.0)
        self.assertEqual(payment.journal_id, self.bank)
        bank_lines = payment.move_line_ids.filtered(lambda l: l.account_id == self.bank.default_credit_account_id)
        self.assertAlmostEqual(sum(bank_lines.mapped("credit")) - sum(bank_lines.mapped("debit")), 360.0)
        self.assertAlmostEqual(self.business.credit, 0.0)

    def test_goods_returned_before_the_final_invoice_are_simply_not_invoiced(self):
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30)
        order.action_confirm()
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order)
        self._return(order, 2)
        order.invalidate_cache()
        self.assertFalse(order.deposit_return_to_credit)
        before = self._invoices_count()
        with self.assertRaises(UserError):
            order.action_deposit_credit_returns()
        self.assertEqual(self._invoices_count(), before)
        # the final invoice bills the 8 tables kept and deducts the whole deposit: 960 - 360
        invoice = self._final_invoice(order)
        self.assertAlmostEqual(invoice.invoice_line_ids.filtered("sale_line_ids").quantity, 8.0)
        self.assertAlmostEqual(invoice.amount_total, 600.0)
        self.assertAlmostEqual(invoice.amount_tax, 100.0)
        order.invalidate_cache()
        self.assertAlmostEqual(order.deposit_remaining, 0.0)

    def test_returns_marked_to_refund_on_delivered_quantities_are_credited_once(self):
        order, final = self._invoiced_order(product=self.delivered_product)
        self._return(order, 2, to_refund=True)
        order.invalidate_cache()
        self.assertAlmostEqual(order.order_line.qty_delivered, 8.0)
        credit_note = order.action_deposit_credit_returns()
        self.assertAlmostEqual(credit_note.amount_total, 240.0)
        order.invalidate_cache()
        self.assertAlmostEqual(order.order_line.qty_to_invoice, 0.0)
        self.assertFalse(order.deposit_return_to_credit)

    def test_no_deposit_beyond_what_is_left_to_invoice(self):
        # a deposit asked on an order already invoiced would leave a negative balance
        order, final = self._invoiced_order()
        before = self._invoices_count()
        with self.assertRaises(UserError):
            order.create_deposit("fixed", 100)
        self.assertEqual(self._invoices_count(), before)
        self.assertEqual(len(order.deposit_ids), 1)
        self.assertAlmostEqual(order.deposit_invoiced, 360.0)

    def test_deposits_cannot_outgrow_the_goods_kept(self):
        # 1 200 ordered, 2 tables (240) sent back before invoicing: 960 left, 360 already asked
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30,
                            deposit_deliver_unpaid=True)
        order.action_confirm()
        self._deliver(order)
        self._return(order, 2)
        with self.assertRaises(UserError):
            order.create_deposit("fixed", 700)
        self.assertEqual(len(order.deposit_ids), 1)
        self.assertEqual(len(order.create_deposit("fixed", 600)), 1)
