from odoo.exceptions import UserError

from .common import ApprovalCase


class TestMassDecision(ApprovalCase):
    """Approve / refuse the quotations selected in the list: those one may not decide are reported."""

    @classmethod
    def setUpClass(cls):
        super(TestMassDecision, cls).setUpClass()
        cls._rule("amount", approver=cls.leader, amount_threshold=500.0)

    def _selection(self):
        small = self._order()                    # 1,000: the leader may approve it
        big = self._order(quantity=1000)         # 100,000: above the leader's limit of 50,000
        not_asked = self._order()                # approval never requested
        (small | big).action_approval_request()
        return small, big, not_asked

    def _wizard(self, orders, action):
        result = orders.sudo(self.leader).action_approval_mass_wizard(action)
        return self.env[result["res_model"]].sudo(self.leader).browse(result["res_id"])

    def test_approve_from_the_list_reports_what_the_user_may_not_approve(self):
        small, big, not_asked = self._selection()
        wizard = self._wizard(small | big | not_asked, "approve")
        self.assertEqual(wizard.allowed_count, 1)
        self.assertIn("above your approval limit", wizard.problems)
        self.assertIn("Nothing on %s waits for your approval" % not_asked.name, wizard.problems)
        wizard.action_apply()
        self.assertEqual((small.approval_state, big.approval_state, not_asked.approval_state),
                         ("approved", "pending", "draft"))
        self.assertIn(small.name, wizard.result)
        self.assertIn(big.name, wizard.result.split("Not decided:")[1])
        self.assertIn(not_asked.name, wizard.result.split("Not decided:")[1])

    def test_refuse_from_the_list_asks_one_reason_for_all(self):
        small, big, not_asked = self._selection()
        wizard = self._wizard(small | big | not_asked, "refuse")
        # the limit is about approving: refusing the big one is the leader's call
        self.assertEqual(wizard.allowed_count, 2)
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertEqual((small.approval_state, big.approval_state), ("pending", "pending"))
        reason = self.env.ref("sale_approval.refusal_reason_competitor")
        wizard.write({"reason_id": reason.id, "note": "Prices of last year"})
        wizard.action_apply()
        self.assertEqual((small.approval_state, big.approval_state, not_asked.approval_state),
                         ("refused", "refused", "draft"))
        refusals = (small | big).mapped("approval_request_ids").filtered(lambda request: request.state == "refused")
        self.assertEqual(set(refusals.mapped("refusal_note")), {"Prices of last year"})
        self.assertEqual(refusals.mapped("refusal_reason_id"), reason)
        self.assertIn(not_asked.name, wizard.result)

    def test_nothing_to_decide_is_an_error_not_a_silent_success(self):
        _small, _big, not_asked = self._selection()
        wizard = self._wizard(not_asked, "approve")
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertEqual(not_asked.approval_state, "draft")
