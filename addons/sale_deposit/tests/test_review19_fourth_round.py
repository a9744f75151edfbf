"""What the third outside review of issue 19 found, each told as found, checked on posted entries."""
from odoo.exceptions import AccessError, UserError

from .test_review19_open_points import ReviewCase


class TestDeductionStrippedFromTheFinalInvoice(ReviewCase):
    """1. The billing accountant deleted (or halved) the deduction line of a draft final invoice and validated
    it: the customer was billed 1,500.00 for a 1,200.00 order and 300.00 stayed on 4191."""

    def _final_with_deduction(self):
        # an order of 1 000.00 + 20% VAT, an acompte of 30% (360.00) paid, the goods delivered
        order = self._acompte_order()
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order)
        final = self._final_invoice(order)
        deduction = final.invoice_line_ids.filtered("deduct_deposit_id")
        self.assertEqual(len(deduction), 1)
        return order, final, deduction

    def assertNothingBilledTwice(self, order, final):
        # the refused invoice stays a draft: nothing more is billed than the deposit, paid, on 4191
        self.assertEqual(final.state, "draft")
        self.assertFalse(final.move_id)
        self.assertAlmostEqual(self._account_balance("411"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), -300.0)
        self.assertAlmostEqual(self._declared_vat(), 60.0)

    def test_the_deduction_line_deleted_is_refused(self):
        order, final, deduction = self._final_with_deduction()
        final.write({"invoice_line_ids": [(2, deduction.id)]})
        final.compute_taxes()
        self.assertAlmostEqual(final.amount_total, 1200.0)
        with self.assertRaisesRegex(UserError, "deducts 0.00 .* while 360.00 .* to be deducted"):
            final.action_invoice_open()
        self.assertNothingBilledTwice(order, final)

    def test_the_deduction_line_halved_is_refused(self):
        order, final, deduction = self._final_with_deduction()
        deduction.write({"quantity": 0.5})
        final.compute_taxes()
        self.assertAlmostEqual(final.amount_total, 1020.0)
        with self.assertRaisesRegex(UserError, "deducts 180.00 .* while 360.00"):
            final.action_invoice_open()
        self.assertNothingBilledTwice(order, final)

    def test_the_invoice_as_made_is_validated_and_4191_ends_at_zero(self):
        order, final, _deduction = self._final_with_deduction()
        final.action_invoice_open()
        self.assertEqual(final.state, "open")
        self.assertAlmostEqual(self._balance(final.move_id, "411"), 840.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestOrderLoweredBelowItsDeposit(ReviewCase):
    """2. A salesperson lowered a confirmed order to the 2 tables already invoiced (168.00 after the deposit):
    the order was 240.00, the customer billed 528.00 and 240.00 stayed on 4191."""

    def _partly_invoiced(self):
        # 10 x 100.00 + 20%, acompte of 30% (360.00) paid; 2 tables delivered and invoiced (240 - 72 = 168.00)
        order = self._acompte_order(lines=[(self.delivered_product, 10, 100.0, self.vat20)])
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order, quantity=2)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(self._balance(final.move_id, "411"), 168.0)
        return order

    def test_a_quantity_lowered_below_the_invoices_and_deposit_is_refused(self):
        order = self._partly_invoiced()
        line = order.order_line.sudo(self.salesman)
        with self.assertRaisesRegex(UserError, "to 0.00.{0,3}, below its deposits of 288.00.{0,3} left to deduct"), \
                self.env.cr.savepoint():
            line.write({"product_uom_qty": 2})
        line.invalidate_cache()
        with self.assertRaisesRegex(UserError, "below its deposits"), self.env.cr.savepoint():
            line.write({"price_unit": 10.0})
        order.invalidate_cache()
        # the order is as it was, and still closes at 1 200.00 billed with 4191 at zero
        self.assertAlmostEqual(order.amount_total, 1200.0)
        self._deliver(order)
        last = self._final_invoice(order)
        last.action_invoice_open()
        self.assertAlmostEqual(last.amount_total, 672.0)
        self.assertAlmostEqual(self._account_balance("411"), 168.0 + 672.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)

    def test_a_quantity_lowered_within_the_deposit_is_accepted(self):
        order = self._partly_invoiced()
        # 5 tables: 3 left to invoice (360.00) still cover the 288.00 of deposit left to deduct
        order.order_line.sudo(self.salesman).write({"product_uom_qty": 5})
        self._deliver(order, quantity=3)
        last = self._final_invoice(order)
        last.action_invoice_open()
        self.assertAlmostEqual(last.amount_total, 72.0)
        self.assertAlmostEqual(self._account_balance("411"), 168.0 + 72.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._declared_vat(), 100.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestOrderBroughtToZeroWithAPaidDeposit(ReviewCase):
    """3. Lines of 1 000.00 and -1 000.00 with a 360.00 deposit paid: a 0.00 invoice was made, the order shown
    invoiced and 300.00 left on 4191; the advice to cancel the deposit could not be followed once paid."""

    def _goodwill(self, order):
        return self.env["sale.order.line"].sudo(self.salesman).create({
            "order_id": order.id, "product_id": self.product.id, "name": "Goodwill", "product_uom_qty": 1,
            "product_uom": self.product.uom_id.id, "price_unit": -1000.0, "tax_id": [(6, 0, self.vat20.ids)]})

    def test_the_order_brought_to_zero_is_refused_until_the_paid_deposit_is_refunded(self):
        order = self._acompte_order()
        deposit = order.deposit_ids
        self._pay(deposit.invoice_id)
        refused = "to 0.00.{0,3}, below its deposits of 360.00.*\"Refund\" on the deposit"
        with self.assertRaisesRegex(UserError, refused), self.env.cr.savepoint():
            self._goodwill(order)
        order.invalidate_cache()
        self.assertEqual(len(order.order_line), 1)
        # the advice is followable: a salesperson may not refund, a sales manager does
        with self.assertRaises(AccessError):
            deposit.sudo(self.salesman).action_refund()
        deposit.sudo(self.manager).action_refund()
        # (the 360.00 received are owed back to the customer: the credit note stays open)
        credit_note = deposit.invoice_id.refund_invoice_ids
        self.assertEqual((credit_note.state, credit_note.residual), ("open", 360.0))
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._account_balance("411"), -360.0)
        self.assertAlmostEqual(self._declared_vat(), 0.0)
        # and the order may then be brought to zero: nothing is left on 4191 to be forgotten
        self._goodwill(order)
        self.assertAlmostEqual(order.amount_total, 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestEverythingReturnedBeforeInvoicing(ReviewCase):
    """5. Deposit paid, goods delivered then all returned ("To Refund"): invoicing, withdrawal and cancelling
    were all refused and 300.00 stayed on 4191."""

    def test_a_sales_manager_refunds_the_deposit_of_goods_all_returned(self):
        order = self._acompte_order(lines=[(self.delivered_product, 10, 100.0, self.vat20)])
        deposit = order.deposit_ids
        self._pay(deposit.invoice_id)
        delivery = self._deliver(order)
        wizard = self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking").create({})
        wizard.product_return_moves.write({"quantity": 10, "to_refund": True})
        picking = self.env["stock.picking"].browse(wizard.create_returns()["res_id"])
        picking.action_assign()
        picking.move_lines.write({"quantity_done": 10})
        picking.button_validate()
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        with self.assertRaises(UserError):
            self._final_invoice(order)
        # the way out: a sales manager refunds the deposit; the customer is owed the 360.00 paid
        deposit.sudo(self.manager).action_refund()
        self.assertEqual(deposit.state, "cancel")
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._account_balance("411"), -360.0)
        self.assertAlmostEqual(self._declared_vat(), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])
        with self.assertRaisesRegex(UserError, "nothing of it is left to deduct"):
            deposit.sudo(self.manager).action_refund()


class TestDepositOfAnotherKindOrTooSmall(ReviewCase):
    """4. On an acompte order whose terms are frozen, a salesperson asked arrhes of 100.00 with "Ask a deposit"
    (changing the customer's right to withdraw); a deposit of 0.01 was accepted too."""

    def _ask(self, order, user, kind, value):
        wizard = self.env["sale.deposit.wizard"].sudo(user).with_context(active_id=order.id).create(
            {"kind": kind, "method": "fixed", "value": value})
        return wizard.action_create()

    def test_a_salesperson_asks_only_the_kind_of_the_order_terms(self):
        order = self._acompte_order()
        with self.assertRaisesRegex(UserError, "only a sales manager can ask for one of the kind"):
            self._ask(order, self.salesman, "arrhes", 100.0)
        self.assertEqual(order.deposit_ids.mapped("kind"), ["acompte"])
        # the same kind is fine, and a sales manager may decide on arrhes
        self._ask(order, self.salesman, "acompte", 100.0)
        self._ask(order, self.manager, "arrhes", 100.0)
        self.assertEqual(sorted(order.deposit_ids.mapped("kind")), ["acompte", "acompte", "arrhes"])
        self.assertAlmostEqual(self._account_balance("411"), 560.0)

    def test_a_deposit_below_one_percent_of_the_order_is_refused(self):
        order = self._acompte_order()
        with self.assertRaisesRegex(UserError, "0.01.{0,3} is too small.*1% of the order.*12.00"):
            self._ask(order, self.salesman, "acompte", 0.01)
        with self.assertRaisesRegex(UserError, "too small"):
            self._ask(order, self.manager, "acompte", 11.99)
        self.assertAlmostEqual(self._account_balance("411"), 360.0)
        self._ask(order, self.salesman, "acompte", 12.0)
        self.assertAlmostEqual(self._account_balance("411"), 372.0)


class TestOneCentOfVatOverSeveralRates(ReviewCase):
    """6. 10 x 100.00 at 20% and 10 x 50.00 at 5.5%, an acompte of 30% (518.25), delivered and invoiced in two
    goes: 27.49 of 5.5% VAT declared instead of 27.50, 1 727.49 billed instead of 1 727.50."""

    def _vat_of(self, tax):
        self.env["account.move.line"].recompute()
        lines = self.env["account.move.line"].search([
            ("partner_id", "=", self.business.id), ("tax_line_id", "=", tax.id), ("move_id.state", "=", "posted")])
        return -sum(lines.mapped("balance"))

    def test_the_last_deduction_takes_the_vat_left_per_rate(self):
        stool = self._product("Oak stool", 50.0, self.vat55, "delivery")
        order = self._acompte_order(lines=[(self.delivered_product, 10, 100.0, self.vat20),
                                           (stool, 10, 50.0, self.vat55)])
        deposit = order.deposit_ids
        self.assertAlmostEqual(deposit.amount, 518.25)
        self._pay(deposit.invoice_id)
        self.assertAlmostEqual(self._vat_of(self.vat55), 8.25)
        for quantity in (3, None):
            self._deliver(order, quantity=quantity)
            self._final_invoice(order).action_invoice_open()
        self.assertAlmostEqual(self._vat_of(self.vat55), 27.50)
        self.assertAlmostEqual(self._vat_of(self.vat20), 200.0)
        invoices = order.invoice_ids.filtered(lambda i: i.type == "out_invoice" and not i.deposit_order_id)
        self.assertEqual(len(invoices), 2)
        self.assertAlmostEqual(sum(invoices.mapped("amount_total")) + deposit.amount, 1727.50)
        self.assertAlmostEqual(self._account_balance("411"), 1727.50 - 518.25)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])
