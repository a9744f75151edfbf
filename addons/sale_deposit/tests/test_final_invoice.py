from .common import DepositCase


class TestFinalInvoice(DepositCase):

    def _confirmed_paid(self, product=None, **terms):
        terms = dict(dict(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30,
                          deposit_deliver_unpaid=True), **terms)
        order = self._order(lines=[(product or self.product, 10, 100.0, self.vat20)], **terms)
        order.action_confirm()
        self._pay(order.deposit_ids.invoice_id)
        return order

    def test_final_invoice_deducts_the_paid_deposit_with_its_vat(self):
        # given a 1 200 € TTC order with 360 € of deposit paid
        order = self._confirmed_paid()
        # when the order is invoiced
        invoice = self._final_invoice(order)
        # then the invoice shows a negative deposit line and is due for the balance only
        deduction = invoice.invoice_line_ids.filtered("deduct_deposit_id")
        self.assertAlmostEqual(deduction.price_subtotal, -300.0)
        self.assertEqual(deduction.invoice_line_tax_ids, self.vat20)
        self.assertEqual(deduction.account_id.code, "419100")
        self.assertAlmostEqual(invoice.amount_untaxed, 700.0)
        self.assertAlmostEqual(invoice.amount_tax, 140.0)
        self.assertAlmostEqual(invoice.amount_total, 840.0)
        invoice.action_invoice_open()
        self.assertBalanced(invoice.move_id)
        # the deposit account is cleared: 300 credited by the deposit, 300 debited by the deduction
        deposit_move = order.deposit_ids.invoice_id.move_id
        self.assertAlmostEqual(self._balance(deposit_move, "4191") + self._balance(invoice.move_id, "4191"), 0.0)
        order.invalidate_cache()
        self.assertAlmostEqual(order.deposit_remaining, 0.0)

    def test_partial_deliveries_share_the_deposit_over_several_invoices(self):
        # given an order invoiced on delivered quantities with 360 € of deposit paid
        order = self._confirmed_paid(product=self.delivered_product)
        # when 4 of 10 chairs are delivered and invoiced
        self._deliver(order, 4)
        first = self._final_invoice(order)
        # then 40% of the deposit is deducted: 480 - 144 = 336
        self.assertAlmostEqual(first.amount_total, 336.0)
        # and the invoice closing the order takes the rest: 720 - 216 = 504
        self._deliver(order)
        second = self._final_invoice(order)
        self.assertAlmostEqual(second.amount_total, 504.0)
        order.invalidate_cache()
        self.assertAlmostEqual(order.deposit_remaining, 0.0)
        # and everything invoiced adds up to the order, never more
        self.assertAlmostEqual(order.deposit_invoiced + first.amount_total + second.amount_total, order.amount_total)

    def test_separate_credit_note_when_negative_lines_are_refused(self):
        self.company.deposit_deduction_mode = "credit_note"
        order = self._confirmed_paid()
        invoice = self._final_invoice(order)
        self.assertAlmostEqual(invoice.amount_total, 1200.0)
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda l: l.price_unit < 0))
        credit_note = self.env["account.invoice"].search(
            [("deposit_order_id", "=", order.id), ("type", "=", "out_refund")])
        # the credit note is validated at once, with the deposit's VAT
        self.assertEqual(credit_note.state, "open")
        self.assertAlmostEqual(credit_note.amount_total, 360.0)
        self.assertAlmostEqual(credit_note.amount_tax, 60.0)
        # and settles the final invoice with it once validated: 840 left to pay
        invoice.action_invoice_open()
        self.assertEqual(credit_note.state, "paid")
        self.assertAlmostEqual(invoice.residual, 840.0)
        self.assertAlmostEqual(self._balance(order.deposit_ids.invoice_id.move_id, "4191")
                               + self._balance(credit_note.move_id, "4191"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_separate_credit_note_settles_an_unpaid_deposit_invoice(self):
        self.company.deposit_deduction_mode = "credit_note"
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30)
        order.action_confirm()
        deposit_invoice = order.deposit_ids.invoice_id
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        credit_note = self.env["account.invoice"].search(
            [("deposit_order_id", "=", order.id), ("type", "=", "out_refund")])
        # the unpaid deposit invoice is cancelled by the credit note: the customer owes the 1 200 of the order
        self.assertEqual((deposit_invoice.state, credit_note.state), ("paid", "paid"))
        self.assertAlmostEqual(invoice.residual, 1200.0)
        self._pay(invoice)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_credit_note_already_issued_on_the_deposit_is_not_deducted_twice(self):
        order = self._confirmed_paid()
        deposit_invoice = order.deposit_ids.invoice_id
        refund = deposit_invoice.refund(description="Commercial gesture")
        refund.invoice_line_ids.price_unit = 100.0
        refund.compute_taxes()
        refund.action_invoice_open()
        order.invalidate_cache()
        self.assertAlmostEqual(order.deposit_remaining, 240.0)
        invoice = self._final_invoice(order)
        self.assertAlmostEqual(invoice.amount_total, 960.0)

    def test_tax_included_prices_deduct_tax_included_lines(self):
        order = self._order(lines=[(self.product, 10, 120.0, self.vat20_included)], deposit_kind="acompte",
                            deposit_method="percent_taxed", deposit_value=25)
        order.action_confirm()
        self._pay(order.deposit_ids.invoice_id)
        invoice = self._final_invoice(order)
        deduction = invoice.invoice_line_ids.filtered("deduct_deposit_id")
        self.assertAlmostEqual(deduction.price_total, -300.0)
        self.assertAlmostEqual(invoice.amount_total, 900.0)
        self.assertAlmostEqual(invoice.amount_tax, 150.0)
