from odoo.exceptions import AccessError

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
