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

    def test_a_billing_user_without_an_email_address_invoices_now(self):
        # A billing user who has no e-mail address of their own (outside review of issue 20, F7)
        clerk = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Clerk Without Mail", "login": "rb_buttons_no_mail",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("account.group_account_invoice").id])]})
        self.assertFalse(clerk.email)
        today = self.Contract._invoicing_today()
        contract = self.make_contract(price=30.0, start=str(today), user_id=self.salesman.id, invoice_policy="send")
        self.customer.email = "customer@example.com"
        contract.company_id.email = "billing@example.com"
        # when they press Invoice now, on a contract whose invoices are validated and e-mailed
        contract.sudo(clerk).action_invoice_now()
        # then the month is invoiced, validated and e-mailed (from the invoice's salesperson, as Odoo's
        # template says; the clerk's missing address no longer stops it)
        invoice = contract.invoice_ids
        self.assertEqual((len(invoice), invoice.state, invoice.amount_untaxed, invoice.sent), (1, "open", 30.0, True))
        self.assertFalse(self.env["recurring.invoicing.issue"].search([("contract_id", "=", contract.id)]))
        sent = invoice.message_ids.filtered(lambda message: message.subject and invoice.number in message.subject)
        self.assertEqual(sent.mapped("email_from"), ['"Sam Salesman" <sam@example.com>'])
