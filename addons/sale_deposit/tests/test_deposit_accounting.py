from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import DepositCase


class TestUnpaidDepositDeduction(DepositCase):

    def test_invoiced_deposit_is_deducted_even_when_unpaid(self):
        # given a 1 000 € HT order (1 200 TTC) with an acompte of 30% of the taxed total,
        # its 360 € deposit invoice validated at confirmation and left unpaid
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30,
                            deposit_deliver_unpaid=True)
        order.action_confirm()
        deposit_invoice = order.deposit_ids.invoice_id
        self.assertEqual(deposit_invoice.state, "open")
        self.assertAlmostEqual(deposit_invoice.amount_total, 360.0)
        # when the goods are delivered and the order invoiced
        self._deliver(order)
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        # then the final invoice asks only for the balance: the customer is billed 1 200 in all
        self.assertAlmostEqual(invoice.amount_total, 840.0)
        self.assertAlmostEqual(invoice.amount_tax, 140.0)
        self.assertAlmostEqual(deposit_invoice.amount_total + invoice.amount_total, order.amount_total)
        # and the deposit account of the order is back to zero
        self.assertAlmostEqual(self._balance(deposit_invoice.move_id, "4191") + self._balance(invoice.move_id, "4191"),
                               0.0)
        # the deposit invoice is still owed: paying both settles the order
        self._pay(deposit_invoice)
        self._pay(invoice)
        self.assertEqual((deposit_invoice | invoice).mapped("state"), ["paid", "paid"])


class TestCancelUnpaidDeposit(DepositCase):

    def test_the_user_cancels_the_unpaid_deposit_instead_of_deducting_it(self):
        # given the order: 1 200 TTC, a 360 deposit invoice validated at confirmation, unpaid
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30,
                            deposit_deliver_unpaid=True)
        order.action_confirm()
        deposit = order.deposit_ids
        # a salesman may not cancel it; a sales manager may
        with self.assertRaises(AccessError):
            deposit.sudo(self.salesman).action_cancel_unpaid()
        deposit.sudo(self.manager).action_cancel_unpaid()
        credit_note = deposit.invoice_id.refund_invoice_ids
        self.assertAlmostEqual(credit_note.amount_total, 360.0)
        self.assertAlmostEqual(credit_note.amount_tax, 60.0)
        self.assertEqual((deposit.invoice_id.state, credit_note.state), ("paid", "paid"))
        # then the final invoice asks for the whole order: 1 200 billed in all
        self._deliver(order)
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 1200.0)
        self.assertEqual(order._deposit_check_accounting(), [])
        # and it cannot be cancelled twice
        with self.assertRaises(UserError):
            deposit.sudo(self.manager).action_cancel_unpaid()


class TestInvariantChecker(DepositCase):

    def _headline_order(self):
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30,
                            deposit_deliver_unpaid=True)
        order.action_confirm()
        self._deliver(order)
        self._final_invoice(order).action_invoice_open()
        return order

    def test_the_checker_passes_the_headline_order(self):
        self.assertEqual(self._headline_order()._deposit_check_accounting(), [])

    def test_a_broken_deduction_makes_the_checker_fail(self):
        # given the old deduction, that only deducted the deposits already paid
        Deposit = type(self.env["sale.deposit"])
        original = Deposit._compute_amounts

        def paid_only(deposits):
            original(deposits)
            for deposit in deposits:
                deposit.amount_to_deduct = deposit.amount_remaining

        Deposit._compute_amounts = paid_only
        try:
            order = self._headline_order()
            errors = order._deposit_check_accounting()
        finally:
            Deposit._compute_amounts = original
        # then the checker sees the 1 560 invoiced for a 1 200 order, and the 4191 left open
        self.assertTrue(any("1560.00 invoiced for goods, more than the order's total of 1200.00" in error
                            for error in errors), errors)
        self.assertTrue(any("deposit account shows" in error for error in errors), errors)


class TestOverridesAndAccess(DepositCase):

    def test_salesman_cannot_let_a_confirmed_order_go_unpaid(self):
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30)
        order.action_confirm()
        with self.assertRaises(AccessError):
            order.sudo(self.salesman).write({"deposit_deliver_unpaid": True})
        with self.assertRaises(AccessError):
            order.sudo(self.salesman).write({"deposit_confirm_unpaid": False})
        self.assertFalse(order.deposit_deliver_unpaid)
        # a sales manager can, and the change is tracked in the chatter
        order.sudo(self.manager).with_context(tracking_disable=False).write({"deposit_deliver_unpaid": True})
        self.assertTrue(order.deposit_deliver_unpaid)
        tracked = order.message_ids.mapped("tracking_value_ids").filtered(
            lambda t: t.field == "deposit_deliver_unpaid")
        self.assertEqual(tracked.new_value_integer, 1)
        self.assertEqual(tracked.mail_message_id.author_id, self.manager.partner_id)

    def test_salesman_cannot_create_an_order_that_skips_the_deposit(self):
        Order = self.env["sale.order"].sudo(self.salesman)
        with self.assertRaises(AccessError):
            Order.create({"partner_id": self.business.id, "deposit_deliver_unpaid": True})
        # the customer's own terms are taken as they are
        self.business.deposit_method = "fixed"
        self.business.deposit_deliver_unpaid = True
        order = Order.create({"partner_id": self.business.id})
        self.assertTrue(order.deposit_deliver_unpaid)

    def test_salesman_cannot_rewrite_a_deposit_over_rpc(self):
        order = self._order(partner=self.consumer, deposit_kind="arrhes", deposit_method="fixed", deposit_value=200)
        order.action_confirm()
        deposit = order.deposit_ids
        for values in ({"kind": "acompte"}, {"forfeit_amount": 200.0}, {"amount": 1.0}):
            with self.assertRaises(AccessError):
                deposit.sudo(self.salesman).write(values)
        with self.assertRaises(AccessError):
            self.env["sale.deposit"].sudo(self.salesman).create(
                {"name": "fake", "order_id": order.id, "kind": "acompte", "amount": 1000.0})
        self.assertEqual((deposit.kind, deposit.amount, deposit.forfeit_amount), ("arrhes", 200.0, 0.0))
        with self.assertRaises(AccessError):
            order.picking_ids.sudo(self.salesman).write({"deposit_override_by": self.manager.id})
        self.assertFalse(order.picking_ids.deposit_override_by)


class TestForeignCurrencyAndCancellation(DepositCase):

    def test_exchange_difference_on_the_deposit_account_is_booked(self):
        # given a 1 200 $ order whose 600 $ deposit is invoiced at 1.20 $ per euro (500 €)
        usd = self.env.ref("base.USD")
        usd.active = True
        today = fields.Date.context_today(usd)
        self.env["res.currency.rate"].search([("currency_id", "=", usd.id), ("name", ">=", today)]).unlink()
        rate = self.env["res.currency.rate"].create({"currency_id": usd.id, "rate": 1.2, "name": today,
                                                     "company_id": self.company.id})
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        order = self._order(pricelist_id=pricelist.id, deposit_kind="acompte", deposit_method="percent_taxed",
                            deposit_value=50)
        order.action_confirm()
        deposit_invoice = order.deposit_ids.invoice_id
        self.assertAlmostEqual(self._balance(deposit_invoice.move_id, "4191"), -416.67)
        # when the dollar falls to 1.25 per euro before the final invoice
        rate.rate = 1.25
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 600.0)
        # then the deduction debits 4191 with 400 € and the 16.67 € left are an exchange gain
        self.assertAlmostEqual(self._balance(invoice.move_id, "4191"), 400.0)
        exchange = self.env["account.move"].search([("deposit_exchange_order_id", "=", order.id)])
        self.assertEqual(exchange.journal_id, self.company.currency_exchange_journal_id)
        self.assertAlmostEqual(self._balance(exchange, "4191"), 16.67)
        self.assertAlmostEqual(self._balance(exchange, "766"), -16.67)
        self.assertAlmostEqual(sum(self._balance(move, "4191") for move in
                                   deposit_invoice.move_id | invoice.move_id | exchange), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_cancelling_an_order_credits_its_unpaid_deposit_invoice(self):
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30)
        order.action_confirm()
        deposit_invoice = order.deposit_ids.invoice_id
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        credit_note = deposit_invoice.refund_invoice_ids
        self.assertAlmostEqual(credit_note.amount_total, 360.0)
        self.assertAlmostEqual(credit_note.amount_tax, 60.0)
        self.assertEqual((deposit_invoice.state, credit_note.state), ("paid", "paid"))
        self.assertAlmostEqual(deposit_invoice.residual, 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestCashBasisVat(DepositCase):

    def test_vat_on_a_deposit_moves_to_the_vat_collected_when_paid(self):
        # given the option "VAT on deposits when paid" and a 360 € deposit (60 € of VAT)
        self.company.deposit_cash_basis_vat = True
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30)
        order.action_confirm()
        invoice = order.deposit_ids.invoice_id
        collected = self.vat20.account_id
        tax = invoice.tax_line_ids.tax_id
        self.assertEqual(tax.tax_exigibility, "on_payment")
        self.assertEqual(tax.cash_basis_account, collected)
        self.assertAlmostEqual(invoice.amount_tax, 60.0)
        # then the VAT waits on 445800 until the payment, and is not yet declarable
        waiting = invoice.move_id.line_ids.filtered("tax_line_id")
        self.assertEqual(waiting.account_id.code, "445800")
        self.assertFalse(waiting.tax_exigible)
        partner_lines = self.env["account.move.line"].search([("partner_id", "=", self.business.id)])
        self.assertFalse(partner_lines.filtered(lambda l: l.account_id == collected))
        # when the customer pays the deposit, the 60 € move to the VAT collected
        self._pay(invoice)
        lines = self.env["account.move.line"].search([("partner_id", "=", self.business.id)])
        self.assertAlmostEqual(sum(lines.filtered(lambda l: l.account_id == collected).mapped("balance")), -60.0)
        self.assertAlmostEqual(sum(lines.filtered(lambda l: l.account_id.code == "445800").mapped("balance")), 0.0)
        # and the final invoice deducts it with the same tax: 840 €, nothing left to deduct
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestDepositAboveTheGoodsKept(DepositCase):

    def test_a_deposit_above_what_is_invoiced_is_credited_and_cancel_needs_credited_goods(self):
        # given 10 tables paid in full in advance (1 200 €), one sent back before the invoice
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=100)
        order.action_confirm()
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order)
        delivery = order.picking_ids
        wizard = self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking").create({})
        wizard.product_return_moves.write({"quantity": 1})
        returned = self.env["stock.picking"].browse(wizard.create_returns()["res_id"])
        returned.action_assign()
        returned.move_lines.quantity_done = 1
        returned.button_validate()
        # when the 9 tables kept are invoiced
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        # then the invoice is all covered by the deposit, and the 120 € above are credited to the customer
        self.assertAlmostEqual(invoice.amount_total, 0.0)
        credit_note = order.deposit_ids.invoice_id.refund_invoice_ids
        self.assertAlmostEqual(credit_note.amount_total, 120.0)
        self.assertEqual(credit_note.state, "open")
        self.assertAlmostEqual(order.deposit_ids.amount_to_deduct, 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])
        # and the order cannot be cancelled while goods stay invoiced
        with self.assertRaises(UserError):
            order.sudo(self.manager).action_deposit_seller_fails()
        self.assertEqual(order.state, "sale")


class TestWithdrawalAfterTheGoodsAreInvoiced(DepositCase):
    """Pinned from a random history (seed 3196504713): a withdrawal after the goods were invoiced
    cancelled the order and left 119.99 invoiced for goods and 20.00 of VAT on a cancelled order."""

    def _credit(self, invoice):
        # the accountant cancels the final invoice by a credit note reconciled with it
        wizard = self.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_id=invoice.id, active_ids=invoice.ids).create(
            {"filter_refund": "cancel", "description": "Customer withdrew"})
        wizard.invoice_refund()
        return invoice.refund_invoice_ids

    def test_the_pinned_history_refuses_the_withdrawal_until_the_invoice_is_credited(self):
        # 1. order in EUR: 3 x 33.33 oak tables (ordered quantities), VAT 20%; acompte of 30% of the
        #    taxed total, deduction by a separate credit note; confirmed: 119.99, deposit invoice 36.00
        self.company.deposit_deduction_mode = "credit_note"
        order = self._order(lines=[(self.product, 3, 33.33, self.vat20)], deposit_kind="acompte",
                            deposit_method="percent_taxed", deposit_value=30, deposit_deliver_unpaid=True)
        order.action_confirm()
        self.assertAlmostEqual(order.deposit_ids.amount, 36.0)
        # 2. invoiced and validated: 119.99, the deposit deducted by a credit note of 36.00
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 119.99)
        # 3. the customer withdraws: refused while the goods stay invoiced, and nothing is booked
        documents = order._deposit_documents()
        with self.assertRaisesRegex(UserError, "has invoiced goods"):
            order.sudo(self.manager).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order._deposit_documents(), documents)
        self.assertEqual(order._deposit_check_accounting(), [])
        # once the invoice is credited, the withdrawal goes through: nothing invoiced for goods, no VAT
        self._credit(invoice)
        order.sudo(self.manager).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "cancel")
        facts = order._deposit_accounting_facts()
        self.assertAlmostEqual(facts.goods_invoiced, 0.0)
        self.assertAlmostEqual(facts.vat_booked, 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_refused_withdrawal_keeps_the_arrhes_until_the_invoice_is_credited(self):
        # given a consumer's order with 30% of arrhes paid (360.00), delivered to be invoiced on order
        order = self._order(partner=self.consumer, deposit_kind="arrhes", deposit_method="percent_taxed",
                            deposit_value=30, deposit_deliver_unpaid=True)
        order.action_confirm()
        deposit = order.deposit_ids
        self._pay(deposit.invoice_id)
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 840.0)
        # when the customer withdraws after the invoice, the arrhes are not forfeited behind the refusal
        with self.assertRaisesRegex(UserError, "has invoiced goods"):
            order.sudo(self.salesman).action_deposit_customer_withdraws()
        self.assertFalse(deposit.forfeit_invoice_id)
        self.assertFalse(deposit.invoice_id.refund_invoice_ids)
        self.assertEqual(order._deposit_check_accounting(), [])
        # once the final invoice (and its deduction) is credited, the 360.00 are kept as an indemnity
        self._credit(invoice)
        order.invalidate_cache()
        self.assertAlmostEqual(deposit.amount_remaining, 360.0)
        order.sudo(self.salesman).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "cancel")
        self.assertAlmostEqual(deposit.forfeit_invoice_id.amount_total, 360.0)
        self.assertAlmostEqual(self._balance(deposit.forfeit_invoice_id.move_id, "7718"), -360.0)
        facts = order._deposit_accounting_facts()
        self.assertAlmostEqual(facts.goods_invoiced, 0.0)
        self.assertAlmostEqual(facts.vat_booked, 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_seller_default_is_refused_on_invoiced_goods_and_books_nothing(self):
        # given a consumer's order with 30% of arrhes paid (360.00), invoiced on order: 840.00 after deduction
        order = self._order(partner=self.consumer, deposit_kind="arrhes", deposit_method="percent_taxed",
                            deposit_value=30, deposit_deliver_unpaid=True)
        order.action_confirm()
        deposit = order.deposit_ids
        self._pay(deposit.invoice_id)
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 840.0)
        documents = order._deposit_documents()
        # when the company says it cannot deliver, the default is refused while the goods stay invoiced
        with self.assertRaisesRegex(UserError, "has invoiced goods"):
            order.sudo(self.manager).action_deposit_seller_fails()
        # then nothing is booked: no avoir, no penalty on 6718, the order still confirmed
        self.assertEqual(order.state, "sale")
        self.assertEqual(order._deposit_documents(), documents)
        self.assertFalse(deposit.invoice_id.refund_invoice_ids)
        self.assertEqual(order._deposit_check_accounting(), [])
        # once the final invoice (and its deduction) is credited, the seller's default goes through:
        # the arrhes are paid back twice (360.00 credited, 360.00 of penalty on 6718)
        self._credit(invoice)
        order.invalidate_cache()
        order.sudo(self.manager).action_deposit_seller_fails()
        self.assertEqual(order.state, "cancel")
        penalty = deposit.invoice_id.refund_invoice_ids.filtered(
            lambda r: r.invoice_line_ids.filtered("is_deposit_penalty"))
        self.assertAlmostEqual(self._balance(penalty.move_id, "6718"), 360.0)
        facts = order._deposit_accounting_facts()
        self.assertAlmostEqual(facts.goods_invoiced, 0.0)
        self.assertAlmostEqual(facts.penalty, 360.0)
        self.assertEqual(order._deposit_check_accounting(), [])
