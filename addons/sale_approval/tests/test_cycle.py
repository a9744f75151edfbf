from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .common import ApprovalCase


class TestCycle(ApprovalCase):
    """Request, approve tier by tier, refuse, re-open on change; what a salesman may not do."""

    @classmethod
    def setUpClass(cls):
        super(TestCycle, cls).setUpClass()
        cls.tier1 = cls._rule("amount", tier=1, approver=cls.leader, amount_threshold=500.0)
        cls.tier2 = cls._rule("discount", tier=2, approver=cls.director, percent_threshold=5.0)

    def _as(self, user, order):
        return order.sudo(user)

    def test_salesman_cannot_send_or_confirm_a_quotation_waiting_for_approval(self):
        order = self._order()
        as_salesman = self._as(self.salesman, order)
        self.assertTrue(as_salesman.approval_needed)
        with self.assertRaises(UserError):
            as_salesman.action_confirm()
        with self.assertRaises(UserError):
            as_salesman.action_quotation_send()
        with self.assertRaises(UserError):
            # "mark as sent" and the RPC way: a plain write of the state
            as_salesman.write({"state": "sent"})
        composer = self.env["mail.compose.message"].sudo(self.salesman).with_context(
            default_model="sale.order", default_res_id=order.id, mark_so_as_sent=True,
            default_composition_mode="comment").create({"body": "Our quotation", "partner_ids": []})
        with self.assertRaises(UserError):
            composer.send_mail()
        # printing stays possible, but does not mark the quotation as sent
        as_salesman.print_quotation()
        self.assertEqual(order.state, "draft")

    def test_tiers_are_approved_in_order_then_the_salesman_confirms(self):
        order = self._order(discount=10.0)
        self._as(self.salesman, order).action_approval_request()
        self.assertEqual(order.approval_state, "pending")
        requests = order.approval_request_ids
        self.assertEqual(sorted(requests.mapped("state")), ["pending", "waiting"])
        # the leader is notified with an activity, the director is not yet
        activities = self.env["mail.activity"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(activities.mapped("user_id"), self.leader)
        # tier 2 cannot decide before tier 1
        with self.assertRaises(UserError):
            self._as(self.director, order).action_approval_approve()
        self._as(self.leader, order).action_approval_approve()
        self.assertEqual(order.approval_state, "pending")
        self.assertEqual(requests.filtered(lambda r: r.tier == 2).state, "pending")
        self._as(self.director, order).action_approval_approve()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(set(requests.mapped("decided_by_id")), {self.leader, self.director})
        # the chatter tells who approved, as its author
        approvals = order.message_ids.filtered(lambda message: "Approved by" in (message.body or ""))
        self.assertEqual(set(approvals.mapped("author_id")), {self.leader.partner_id, self.director.partner_id})
        self.assertFalse(self._as(self.salesman, order).approval_needed)
        self._as(self.salesman, order).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_editing_an_approved_quotation_reopens_its_approval(self):
        order = self._order()
        self._as(self.salesman, order).action_approval_request()
        self._as(self.leader, order).action_approval_approve()
        self.assertEqual(order.approval_state, "approved")
        self._as(self.salesman, order).order_line.write({"price_unit": 90.0})
        self.assertEqual(order.approval_state, "draft")
        with self.assertRaises(UserError):
            self._as(self.salesman, order).action_confirm()
        # the first approval stays in the history, with the amounts it was given
        first = order.approval_request_ids.filtered(lambda r: r.state == "approved")
        self.assertEqual(first.amount_untaxed, 1000.0)
        self._as(self.salesman, order).action_approval_request()
        self._as(self.leader, order).action_approval_approve()
        self._as(self.salesman, order).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approval_request_ids.filtered(lambda r: r.state == "approved").mapped(
            "amount_untaxed"), [900.0, 1000.0])

    def test_approval_beyond_the_approvers_limit_is_refused(self):
        self.leader.sale_approval_limit = 800.0
        order = self._order()
        self._as(self.salesman, order).action_approval_request()
        with self.assertRaises(UserError):
            self._as(self.leader, order).action_approval_approve()
        self.assertEqual(order.approval_request_ids.state, "pending")
        self.assertEqual(order.approval_state, "pending")

    def test_refusal_with_a_reason_then_a_new_request(self):
        order = self._order()
        self._as(self.salesman, order).action_approval_request()
        reason = self.env.ref("sale_approval.refusal_reason_margin")
        wizard = self.env["sale.approval.refuse.wizard"].sudo(self.leader).create({
            "order_id": order.id, "reason_id": reason.id, "note": "Ask for 5 % more"})
        wizard.action_refuse()
        self.assertEqual(order.approval_state, "refused")
        self.assertEqual(order.approval_request_ids.refusal_reason_id, reason)
        self.assertEqual(order.approval_request_ids.refusal_note, "Ask for 5 % more")
        with self.assertRaises(UserError):
            self._as(self.salesman, order).action_confirm()
        self._as(self.salesman, order).action_approval_request()
        self.assertEqual(order.approval_state, "pending")

    def test_delegate_decides_while_the_approver_is_away(self):
        tomorrow = fields.Date.to_string(fields.Date.from_string(fields.Date.today()) + timedelta(days=1))
        self.leader.write({"sale_approval_delegate_id": self.deputy.id, "sale_approval_away_until": tomorrow})
        order = self._order()
        self._as(self.salesman, order).action_approval_request()
        self.assertEqual(order.approval_request_ids.approver_ids, self.leader | self.deputy)
        self._as(self.deputy, order).action_approval_approve()
        request = order.approval_request_ids
        self.assertEqual((request.state, request.decided_by_id, request.decided_for_id),
                         ("approved", self.deputy, self.leader))

    def test_team_leader_and_salesperson_manager_approvers(self):
        self.tier1.write({"approver_kind": "team_leader"})
        self.tier2.write({"approver_kind": "salesperson_manager"})
        self.salesman.sale_approval_manager_id = self.director
        order = self._order(discount=10.0)
        self._as(self.salesman, order).action_approval_request()
        approvers = {r.tier: r.approver_ids for r in order.approval_request_ids}
        self.assertEqual(approvers, {1: self.leader, 2: self.director})

    def test_bypass_right_confirms_and_leaves_a_trace(self):
        self.salesman.groups_id = [(4, self.env.ref("sale_approval.group_sale_approval_bypass").id)]
        order = self._order()
        self._as(self.salesman, order).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(any("bypass" in message.body for message in order.message_ids))
