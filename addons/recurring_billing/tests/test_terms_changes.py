from odoo.exceptions import UserError

from .common import RecurringCase, d


class TestTermsChanges(RecurringCase):
    """A dated change of billing terms: the periods before keep the old terms, the ones
    after use the new ones, no day is billed twice or left out."""

    def test_monthly_to_quarterly_from_the_next_boundary_at_month_ends(self):
        # given 100 a month in advance from 31 January (31 Jan, 28 Feb, 31 Mar, 30 Apr, ...)
        contract = self.make_contract(start="2027-01-31")
        self.run_invoicing(contract, "2027-02-28")
        # when, on 15 March, the customer asks to be invoiced every quarter (no date: the next boundary)
        action = contract.with_context(recurring_today="2027-03-15").action_change_terms(recurring_interval=3)
        change = self.env[action["res_model"]].browse(action["res_id"])
        # then the change starts with the next period not invoiced, on 31 March
        self.assertEqual((change.date, change.old_recurring_interval, change.state), ("2027-03-31", 1, "pending"))
        self.assertEqual(contract.recurring_interval, 1)
        self.assertEqual(contract.next_invoice_date, "2027-03-31")
        # and the runs up to August bill the quarters from the change, each day once
        later = self.run_invoicing(contract, "2027-03-31") | self.run_invoicing(contract, "2027-08-01")
        self.assertEqual(self.periods_of(contract.invoice_ids), [
            ("2027-01-31", "2027-02-27"), ("2027-02-28", "2027-03-30"),
            ("2027-03-31", "2027-06-29"), ("2027-06-30", "2027-09-29")])
        self.assertEqual(later.mapped("amount_untaxed"), [100.0, 100.0])
        # and the contract shows the terms in force since the change
        self.assertEqual((contract.recurring_interval, change.state), (3, "applied"))
        self.assertEqual(contract.next_invoice_date, "2027-09-30")

    def test_upgrade_to_yearly_mid_period_credits_the_unused_days_of_the_month(self):
        # given 100 a month in advance from 1 January, January invoiced
        contract = self.make_contract(start="2027-01-01")
        self.run_invoicing(contract, "2027-01-01")
        # when on 20 January the customer goes yearly at 1,000 a year from that day
        upgrade = contract.with_context(recurring_today="2027-01-20")
        upgrade.action_change_terms("2027-01-20", recurring_unit="year")
        upgrade.line_ids.apply_change("2027-01-20", price_unit=1000.0)
        invoice = self.run_invoicing(contract, "2027-01-20")
        # then the year is invoiced from 20 January, less the 12 days of January already paid
        self.assertEqual(self.periods_of(invoice), [("2027-01-20", "2028-01-19")])
        self.assertEqual(sorted(invoice.invoice_line_ids.mapped("price_subtotal")), [-38.71, 1000.0])
        # so 1-19 January cost 19/31 of a month: 61.29
        self.assertEqual(round(sum(contract.invoice_ids.mapped("amount_untaxed")) - 1000.0, 2), 61.29)
        self.assertFalse(self.run_invoicing(contract, "2028-01-19"))
        self.assertEqual(self.run_invoicing(contract, "2028-01-20").amount_untaxed, 1000.0)
        # and the MRR of the past is the monthly one
        self.assertEqual(contract._mrr_at(d("2027-01-10")), 100.0)
        self.assertAlmostEqual(contract._mrr_at(d("2027-02-10")), 1000.0 / 12, places=2)

    def test_quarterly_in_arrears_to_monthly_mid_quarter_bills_the_quarter_once(self):
        # given 300 a quarter in arrears from 1 January
        contract = self.make_contract(start="2027-01-01", price=300.0, recurring_interval=3,
                                      invoicing_mode="arrears")
        # when on 14 February the customer asks for monthly invoices at 100, aligned on the 1st, from tomorrow
        today = contract.with_context(recurring_today="2027-02-14")
        today.action_change_terms("2027-02-15", recurring_interval=1, period_alignment="calendar")
        today.line_ids.apply_change("2027-02-15", price_unit=100.0)
        # then 1 January - 14 February is billed 45 days of the 90 of the quarter, at the old price
        first = self.run_invoicing(contract, "2027-02-15")
        self.assertEqual(self.periods_of(first), [("2027-01-01", "2027-02-14")])
        self.assertEqual(first.amount_untaxed, 150.0)
        # then the rest of February 14 days of 28, March a full month
        self.assertEqual(self.run_invoicing(contract, "2027-03-01").amount_untaxed, 50.0)
        self.assertEqual(self.run_invoicing(contract, "2027-04-01").amount_untaxed, 100.0)
        # the quarter costs what it did: 300, every day once
        self.assertEqual(sum(contract.invoice_ids.mapped("amount_untaxed")), 300.0)
        self.assertEqual(self.periods_of(contract.invoice_ids), [
            ("2027-01-01", "2027-02-14"), ("2027-02-15", "2027-02-28"), ("2027-03-01", "2027-03-31")])
        self.assertEqual(contract.invoicing_mode, "arrears")
        self.assertEqual(contract.period_alignment, "calendar")

    def test_advance_to_arrears_at_a_boundary_leaves_no_month_unbilled(self):
        contract = self.make_contract(start="2027-01-01")
        self.run_invoicing(contract, "2027-02-01")
        # when, on 10 February, a row is added to the contract's changes of billing terms with
        # no date (as the form sends it: the fields left empty keep their value)
        # (the read-only kind is not sent: the field's context says it)
        contract.with_context(recurring_today="2027-02-10").write({"terms_change_ids": [(0, 0, {
            "date": False, "recurring_interval": 0, "recurring_unit": False, "period_alignment": False,
            "invoicing_mode": "arrears"})]})
        self.assertEqual(contract.terms_change_ids.mapped("date"), ["2027-03-01"])
        self.assertEqual(contract.terms_change_ids.recurring_interval, 1)
        # February was paid in advance; March is billed when it ends
        self.assertFalse(self.run_invoicing(contract, "2027-03-31"))
        april = self.run_invoicing(contract, "2027-04-01")
        self.assertEqual(self.periods_of(april), [("2027-03-01", "2027-03-31")])

    def test_changes_that_would_rewrite_invoiced_periods_are_refused(self):
        contract = self.make_contract(start="2027-01-01")
        self.run_invoicing(contract, "2027-02-01")
        with self.assertRaisesRegex(UserError, "from 02/01/2027 to 02/28/2027 is already invoiced"), \
                self.env.cr.savepoint():
            contract.action_change_terms("2027-02-01", recurring_interval=2)
        with self.assertRaisesRegex(UserError, "nothing to change"), self.env.cr.savepoint():
            contract.action_change_terms("2027-03-01", recurring_unit="month")
        contract.action_change_terms("2027-03-01", recurring_interval=2)
        with self.assertRaisesRegex(UserError, "already changes its billing terms on 03/01/2027"), \
                self.env.cr.savepoint():
            contract.action_change_terms("2027-02-20", recurring_unit="week")
        with self.assertRaisesRegex(UserError, "already invoiced"), self.env.cr.savepoint():
            contract.write({"recurring_interval": 2})
        with self.assertRaisesRegex(UserError, "cannot be deleted"), self.env.cr.savepoint():
            contract.terms_change_ids.unlink()
        self.assertEqual(len(contract.terms_change_ids), 1)
