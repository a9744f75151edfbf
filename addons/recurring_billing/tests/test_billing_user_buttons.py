from .common import RecurringCase


class TestBillingUserButtons(RecurringCase):
    """A billing-only user (Invoicing / Billing, no Sales rights) pauses, resumes and closes a
    contract with its buttons."""

    @classmethod
    def setUpClass(cls):
        super(TestBillingUserButtons, cls).setUpClass()
        cls.billing = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bill Billing", "login": "rb_buttons_billing", "email": "bill@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("account.group_account_invoice").id])]})

    def test_a_billing_user_pauses_resumes_and_closes(self):
        # 30 a month in advance, April invoiced
        contract = self.make_contract(price=30.0, start="2027-04-01", user_id=self.salesman.id)
        self.run_invoicing(contract, "2027-04-01")
        as_billing = contract.sudo(self.billing)
        as_billing.with_context(recurring_today="2027-04-11").action_pause()
        self.assertEqual(contract.state, "paused")
        as_billing.with_context(recurring_today="2027-04-16").action_resume()
        # the 5 paused days credited (30 x 5 / 30)
        self.assertEqual((contract.state, contract.adjustment_ids.mapped("amount")), ("running", [-5.0]))
        as_billing.with_context(recurring_today="2027-04-20").action_close()
        # closed on 20 April: 21-30 April credited (30 x 10 / 30), with the pause's 5 days on a credit note
        self.assertEqual(contract.state, "closed")
        self.assertEqual(sorted(contract.adjustment_ids.mapped("amount")), [-10.0, -5.0])
        self.assertEqual(contract.invoice_ids.filtered(lambda i: i.type == "out_refund").amount_untaxed, 15.0)
