from odoo.exceptions import UserError

from .common import DepositCase


class TestPaymentBeforeDelivery(DepositCase):

    def _order_to_pay_before_delivery(self):
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30,
                            deposit_deliver_unpaid=False)
        order.action_confirm()
        return order

    def test_delivery_waits_for_the_deposit(self):
        order = self._order_to_pay_before_delivery()
        with self.assertRaises(UserError):
            self._deliver(order)
        # nor does the transfer go through when run directly (the wizards, an RPC call)
        with self.assertRaises(UserError):
            order.picking_ids.action_done()
        self.assertNotEqual(order.picking_ids.state, "done")
        self._pay(order.deposit_ids.invoice_id)
        order.invalidate_cache()
        picking = self._deliver(order)
        self.assertEqual(picking.state, "done")

    def test_only_a_manager_may_let_an_unpaid_order_go_and_it_is_logged(self):
        order = self._order_to_pay_before_delivery()
        picking = order.picking_ids
        with self.assertRaises(UserError):
            picking.sudo(self.salesman).action_deposit_allow_unpaid()
        self.assertFalse(picking.deposit_override_by)
        picking.sudo(self.manager).action_deposit_allow_unpaid()
        self.assertEqual(picking.deposit_override_by, self.manager)
        self.assertIn("allowed before the deposit is paid", order.message_ids[0].body)
        self.assertEqual(self._deliver(order).state, "done")

    def test_order_to_deliver_in_full_refuses_a_partial_delivery(self):
        order = self._order(deposit_partial_delivery=False)
        order.action_confirm()
        with self.assertRaises(UserError):
            self._deliver(order, 4)
        self.assertEqual(order.picking_ids.move_lines.quantity_done, 4)
        self.assertNotEqual(order.picking_ids.state, "done")

    def test_order_to_deliver_in_full_refuses_a_picking_with_one_line_left_out(self):
        chair = self.delivered_product
        order = self._order(lines=[(self.product, 2, 100.0, self.vat20), (chair, 3, 100.0, self.vat20)],
                            deposit_partial_delivery=False)
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        table_move = picking.move_lines.filtered(lambda m: m.product_id == self.product)
        table_move.quantity_done = 2
        with self.assertRaises(UserError):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(len(order.picking_ids), 1)
        # both lines in full go out
        (picking.move_lines - table_move).quantity_done = 3
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _in_full_order_of_two_lines(self):
        lines = [(self.product, 2, 100.0, self.vat20), (self.delivered_product, 3, 100.0, self.vat20)]
        order = self._order(lines=lines, deposit_partial_delivery=False)
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        return order, picking, picking.move_lines.filtered(lambda m: m.product_id == self.product)

    def test_order_to_deliver_in_full_refuses_a_picking_with_one_line_partly_done(self):
        # given two lines, the tables in full and 2 chairs of 3
        order, picking, table_move = self._in_full_order_of_two_lines()
        table_move.quantity_done = 2
        (picking.move_lines - table_move).quantity_done = 2
        # the button refuses before offering a backorder
        with self.assertRaises(UserError):
            picking.button_validate()
        # and so does the transfer itself, as the backorder wizard or an RPC call would run it
        with self.assertRaises(UserError):
            picking.action_done()
        with self.assertRaises(UserError):
            self.env["stock.backorder.confirmation"].create({"pick_ids": [(4, picking.id)]}).process()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [0.0, 0.0])

    def test_order_to_deliver_in_full_takes_its_goods_back_in_part(self):
        # given an order delivered in full, the customer sends back one table of two
        _order, picking, _table_move = self._in_full_order_of_two_lines()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        wizard = self.env["stock.return.picking"].with_context(
            active_id=picking.id, active_ids=picking.ids, active_model="stock.picking").create({})
        wizard.product_return_moves.filtered(lambda m: m.product_id == self.product).quantity = 2
        wizard.product_return_moves.filtered(lambda m: m.product_id != self.product).quantity = 1
        returned = self.env["stock.picking"].browse(wizard.create_returns()["res_id"])
        returned.action_assign()
        # only one table and the chair come back now: a return is no delivery, it may be partial
        returned.move_lines.filtered(lambda m: m.product_id == self.product).quantity_done = 1
        returned.move_lines.filtered(lambda m: m.product_id != self.product).quantity_done = 1
        returned.action_done()
        self.assertEqual(returned.state, "done")

    def test_order_confirmed_only_once_paid(self):
        order = self._order(deposit_kind="acompte", deposit_method="fixed", deposit_value=200,
                            deposit_confirm_unpaid=False)
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        order.create_deposit()
        self._pay(order.deposit_ids.invoice_id)
        order.invalidate_cache()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.deposit_ids), 1)


class TestCancellation(DepositCase):

    def _paid_order(self, kind, partner=None):
        order = self._order(partner=partner, deposit_kind=kind, deposit_method="percent_untaxed", deposit_value=30)
        order.action_confirm()
        self._pay(order.deposit_ids.invoice_id)
        order.invalidate_cache()
        return order

    def test_plain_cancel_of_an_order_with_a_paid_deposit_is_refused(self):
        order = self._paid_order("acompte")
        with self.assertRaises(UserError):
            order.action_cancel()
        self.assertEqual(order.state, "sale")

    def test_customer_withdrawing_loses_the_arrhes_as_income_outside_vat(self):
        order = self._paid_order("arrhes", partner=self.consumer)
        deposit_invoice = order.deposit_ids.invoice_id
        order.sudo(self.salesman).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "cancel")
        # an avoir cancels the deposit invoice, price and VAT, through the tax engine
        credit_note = deposit_invoice.refund_invoice_ids
        self.assertEqual(credit_note.type, "out_refund")
        self.assertAlmostEqual(credit_note.amount_untaxed, 300.0)
        self.assertAlmostEqual(credit_note.amount_tax, 60.0)
        self.assertEqual(credit_note.tax_line_ids.tax_id, self.vat20)
        self.assertAlmostEqual(self._balance(credit_note.move_id, "4191"), 300.0)
        # the 360 kept are invoiced as an indemnity outside the scope of VAT, on 7718
        indemnity = order.deposit_ids.forfeit_invoice_id
        self.assertEqual(indemnity.state, "paid")
        self.assertFalse(indemnity.tax_line_ids)
        self.assertAlmostEqual(self._balance(indemnity.move_id, "7718"), -360.0)
        self.assertAlmostEqual(order.deposit_ids.amount_forfeited, 360.0)
        self.assertAlmostEqual(order.deposit_remaining, 0.0)
        # the tax report's VAT on the deposit is back to zero: the tax lines cancel each other
        tax_lines = (deposit_invoice | credit_note | indemnity).mapped("move_id.line_ids").filtered("tax_line_id")
        self.assertAlmostEqual(sum(tax_lines.mapped("balance")), 0.0)
        # and the money received settles the indemnity: nothing left open
        self.assertEqual(credit_note.state, "paid")
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_seller_failing_refunds_twice_the_arrhes(self):
        order = self._paid_order("arrhes", partner=self.consumer)
        with self.assertRaises(UserError):
            order.sudo(self.salesman).action_deposit_seller_fails()
        self.assertEqual(order.state, "sale")
        order.sudo(self.manager).action_deposit_seller_fails()
        self.assertEqual(order.state, "cancel")
        refund = order.deposit_ids.invoice_id.refund_invoice_ids
        self.assertEqual(refund.type, "out_refund")
        self.assertEqual(refund.state, "open")
        self.assertAlmostEqual(refund.amount_total, 720.0)
        self.assertAlmostEqual(refund.amount_tax, 60.0)
        penalty = refund.invoice_line_ids.filtered("is_deposit_penalty")
        self.assertAlmostEqual(penalty.price_subtotal, 360.0)
        self.assertFalse(penalty.invoice_line_tax_ids)
        self.assertEqual(penalty.account_id.code, "671800")
        self.assertBalanced(refund.move_id)
        self.assertAlmostEqual(self._balance(refund.move_id, "6718"), 360.0)
        self.assertAlmostEqual(order.deposit_remaining, 0.0)
        # the VAT of the deposit is cancelled by the avoir's tax line; 720 are owed to the customer
        self.assertAlmostEqual(refund.residual, 720.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_acompte_binds_the_customer_unless_a_manager_decides(self):
        order = self._paid_order("acompte")
        with self.assertRaises(UserError):
            order.sudo(self.salesman).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "sale")
        order.sudo(self.manager).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "cancel")
        refund = order.deposit_ids.invoice_id.refund_invoice_ids
        self.assertAlmostEqual(refund.amount_total, 360.0)
        self.assertIn(self.manager.name, order.message_ids[0].body)


class TestAccess(DepositCase):

    def test_salesman_asks_a_deposit_and_sees_it(self):
        order = self._order().sudo(self.salesman)
        deposit = order.create_deposit("fixed", 100)
        self.assertAlmostEqual(deposit.amount, 100.0)
        self.assertEqual(order.deposit_ids, deposit)

    def test_portal_user_cannot_read_deposits_of_other_customers(self):
        order = self._order()
        order.action_confirm()
        portal = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Portal", "login": "deposit_portal", "partner_id": self.consumer.id,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        order.create_deposit("fixed", 100)
        visible = self.env["sale.deposit"].sudo(portal).search([])
        self.assertFalse(visible & order.deposit_ids)
