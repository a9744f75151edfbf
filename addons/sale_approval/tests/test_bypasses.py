from odoo.exceptions import UserError

from .common import ApprovalCase


class TestBypasses(ApprovalCase):
    """Routes around the approval found by an outside review, each refused."""

    @classmethod
    def setUpClass(cls):
        super(TestBypasses, cls).setUpClass()
        cls._rule("amount", amount_threshold=5000.0)

    def _as(self, user, order):
        return order.sudo(user)

    def test_a_blocked_quotation_is_neither_locked_nor_confirmed_after_a_cancel(self):
        order = self._order(quantity=60)  # 6,000: needs the leader
        with self.assertRaises(UserError):
            self._as(self.salesman, order).action_done()
        self.assertEqual(order.state, "draft")
        self._as(self.salesman, order).action_cancel()
        with self.assertRaises(UserError):
            self._as(self.salesman, order).write({"state": "sale"})
        self.assertEqual(order.state, "cancel")

    def test_a_quotation_is_not_created_straight_as_a_confirmed_order(self):
        with self.assertRaises(UserError):
            self._order(quantity=60, state="sale")

    def test_new_prices_written_with_the_confirmation_are_checked(self):
        order = self._order(quantity=10)  # 1,000: no rule
        line = order.order_line
        with self.assertRaises(UserError):
            self._as(self.salesman, order).write({"state": "sale", "order_line": [(1, line.id, {"price_unit": 900.0})]})

    def test_nobody_approves_his_own_quotation_even_as_a_delegate(self):
        order = self._order(quantity=60)
        order.sudo().write({"user_id": self.leader.id})  # the leader sells himself
        self._as(self.leader, order).action_approval_request()
        with self.assertRaises(UserError):
            self._as(self.leader, order).action_approval_approve()
        self.assertEqual(order.sudo().approval_state, "pending")
