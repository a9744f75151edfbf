from odoo.exceptions import AccessError, UserError, ValidationError

from .common import RecurringCase


class TestReview20Third(RecurringCase):
    """What the third outside review of issue 20 found: the internal note searched and grouped
    by a customer, invoicing days ahead without bound, a deleted draft invoice leaving its
    periods never billed, and usage posted after the contract's end billed."""

    @classmethod
    def setUpClass(cls):
        super(TestReview20Third, cls).setUpClass()
        cls.contact = cls.env["res.partner"].create({
            "name": "Paul Martin", "parent_id": cls.customer.id, "email": "paul@example.com"})
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.portal = users.create({
            "name": "Paul Martin", "login": "rb_portal_third", "partner_id": cls.contact.id,
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])]})
        cls.accountant = users.create({
            "name": "Bea Billing", "login": "rb_third_billing", "email": "bea@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("account.group_account_invoice").id])]})

    # -- 1. the internal note: a customer neither searches nor groups by it ---------------------

    def test_the_customer_cannot_search_or_group_by_the_internal_note(self):
        contract = self.make_contract(start="2027-01-01", partner_id=self.contact.id, user_id=self.salesman.id,
                                      note="internal secret: 30 % discount max")
        Mine = self.Contract.sudo(self.portal)
        self.assertEqual(Mine.search([]), contract)  # their contract, listed on their portal page
        self.assertEqual(Mine.search_count([("state", "=", "running")]), 1)
        with self.assertRaises(AccessError):
            Mine.read_group([], ["note"], ["note"])
        with self.assertRaises(AccessError):
            Mine.search([("note", "ilike", "secret")])
        with self.assertRaises(AccessError):
            Mine.search([], order='"note" desc')
        with self.assertRaises(AccessError):
            self.env["recurring.contract.line"].sudo(self.portal).search([("contract_id.note", "ilike", "secret")])
        # the team still searches and groups by it
        self.assertEqual(self.Contract.sudo(self.salesman).search([("note", "ilike", "secret")]), contract)
        groups = self.Contract.sudo(self.manager).read_group([("id", "=", contract.id)], ["note"], ["note"])
        self.assertEqual([group["note"] for group in groups], ["internal secret: 30 % discount max"])

    # -- 2. days ahead: a year at most ---------------------------------------------------------

    def test_days_ahead_is_at_most_a_year(self):
        with self.assertRaises(ValidationError):
            self.make_contract(start="2027-01-01", days_ahead=100000)
        contract = self.make_contract(start="2027-01-01", days_ahead=366, user_id=self.salesman.id)
        with self.assertRaises(ValidationError):
            contract.sudo(self.salesman).write({"days_ahead": 367})
        # a value put past the bound behind the form's back still invoices a year ahead at most
        self.env.cr.execute("UPDATE recurring_contract SET days_ahead = 100000 WHERE id = %s", (contract.id,))
        contract.invalidate_cache()
        invoices = self.run_invoicing(contract, "2027-01-01")
        self.assertEqual(len(invoices), 13)  # January 2027 up to January 2028, 366 days ahead
        self.assertEqual(max(end for _start, end in self.periods_of(invoices)), "2028-01-31")

    # -- 3. a deleted draft invoice: its periods billed again, once ---------------------------

    def test_a_deleted_draft_invoice_is_billed_again_once(self):
        contract = self.make_contract(start="2027-01-01", user_id=self.salesman.id)
        self.run_invoicing(contract, "2027-01-01")
        contract.line_ids.sudo(self.salesman).with_context(recurring_today="2027-01-16").apply_change(
            "2027-01-16", quantity=3)
        adjustment = contract.adjustment_ids
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(self.periods_of(february), [("2027-02-01", "2027-02-28")])
        self.assertTrue(adjustment.invoice_line_id)
        amount = february.amount_untaxed
        february.sudo(self.accountant).unlink()  # a draft: Odoo lets the billing team delete it
        self.assertFalse(adjustment.invoice_line_id)
        self.assertEqual(contract.next_invoice_date, "2027-02-01")
        again = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(self.periods_of(again), [("2027-02-01", "2027-02-28")])
        self.assertEqual(again.amount_untaxed, amount)  # the adjustment billed again too
        self.assertEqual(adjustment.invoice_line_id.invoice_id, again)
        with self.assertRaises(UserError):
            adjustment.sudo(self.salesman).write({"amount": -500.0})  # protected again
        self.assertFalse(self.run_invoicing(contract, "2027-02-01"))  # and billed once
        billed = contract.invoice_ids.filtered(lambda invoice: invoice.type == "out_invoice")
        self.assertEqual(self.periods_of(billed), [("2027-01-01", "2027-01-31"), ("2027-02-01", "2027-02-28")])

    def test_a_deleted_earlier_invoice_is_billed_again_and_the_later_ones_not(self):
        contract = self.make_contract(start="2027-01-01", user_id=self.salesman.id)
        january = self.run_invoicing(contract, "2027-01-01")
        self.run_invoicing(contract, "2027-02-01")
        january.sudo(self.accountant).unlink()
        self.assertEqual(contract.next_invoice_date, "2027-01-01")
        again = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(self.periods_of(again), [("2027-01-01", "2027-01-31")])
        self.assertEqual(self.periods_of(contract.invoice_ids),
                         [("2027-01-01", "2027-01-31"), ("2027-02-01", "2027-02-28")])
        self.assertEqual(contract.next_invoice_date, "2027-03-01")

    def test_the_draft_invoice_of_a_closed_contract_cannot_be_deleted(self):
        contract = self.make_contract(start="2027-01-01", refund_unused_days=False)
        january = self.run_invoicing(contract, "2027-01-01")
        contract.with_context(recurring_today="2027-01-31").action_close()
        with self.assertRaises(UserError):
            january.sudo(self.accountant).unlink()
        self.assertTrue(january.exists())
        self.assertEqual(contract.period_ids.invoice_id, january)

    # -- 4. usage outside the contract's dates ------------------------------------------------

    def test_usage_after_the_end_is_refused_also_when_the_contract_closes_later(self):
        contract = self.make_contract(start="2027-01-01", user_id=self.salesman.id)
        line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        Usage = self.env["recurring.usage"].sudo(self.salesman)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Usage.create({"line_id": line.id, "date": "2026-12-31", "quantity": 5})
        ahead = Usage.create({"line_id": line.id, "date": "2027-02-05", "quantity": 5})
        # closing on January 31st would bill usage of February
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            contract.with_context(recurring_today="2027-01-31").action_close()
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            contract.write({"date_end": "2027-01-31"})
        contract.invalidate_cache()
        self.assertEqual((contract.state, contract.date_end), ("running", False))
        ahead.write({"date": "2027-01-31"})
        contract.with_context(recurring_today="2027-01-31").action_close()
        self.assertEqual(contract.state, "closed")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Usage.create({"line_id": line.id, "date": "2027-02-01", "quantity": 5})
        usage_lines = contract.invoice_ids.mapped("invoice_line_ids").filtered(
            lambda line: line.product_id == self.usage_product)
        self.assertEqual([(line.quantity, line.recurring_period_start, line.recurring_period_end)
                          for line in usage_lines],
                         [(5.0, "2027-01-01", "2027-01-31")])
