import calendar
import datetime

from odoo import fields
from odoo.exceptions import UserError

from .common import RecurringCase, d


class TestAmendments(RecurringCase):

    def test_billing_terms_are_locked_once_invoiced(self):
        contract = self.make_contract(start="2027-01-01")
        contract.write({"recurring_interval": 2, "date_start": "2027-01-05"})  # nothing invoiced yet
        self.run_invoicing(contract, "2027-01-05")
        for values in ({"date_start": "2027-01-10"}, {"recurring_unit": "week"}, {"recurring_interval": 1},
                       {"period_alignment": "calendar"}, {"invoicing_mode": "arrears"}):
            with self.assertRaisesRegex(UserError, "already invoiced"), self.env.cr.savepoint():
                contract.write(values)
        contract.write({"recurring_interval": 2, "note": "Still editable"})  # same value, other field
        self.assertEqual((contract.date_start, contract.recurring_interval), ("2027-01-05", 2))

    def test_change_in_a_clipped_first_period_is_prorated_on_its_actual_days(self):
        # given 30 a month aligned on the 1st, started on 16 April: the first period is 16-30 April
        contract = self.make_contract(start="2027-04-16", period_alignment="calendar", price=30.0)
        first = self.run_invoicing(contract, "2027-04-16")
        self.assertEqual(first.amount_untaxed, 15.0)
        # when the quantity goes from 1 to 3 from 21 April (10 days of the 30 of April left)
        contract.line_ids.apply_change("2027-04-21", quantity=3.0)
        # then April's 15 days bill 5 days at 30 and 10 days at 90: May's invoice adds 20 exactly
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(sorted(may.invoice_line_ids.mapped("price_subtotal")), [20.0, 90.0])
        self.assertEqual(contract.line_ids.quantity, 3.0)
        self.assertEqual(contract.line_ids.amendment_ids.state, "applied")

    def test_change_in_a_clipped_first_period_is_exact_to_the_cent(self):
        # given 100 a month aligned on the 1st from 11 January: the first period is 11-31 January (21 of 31)
        contract = self.make_contract(start="2027-01-11", period_alignment="calendar")
        self.assertEqual(self.run_invoicing(contract, "2027-01-11").amount_untaxed, 67.74)
        # when a second seat is added from 21 January (11 days of January's 31 left)
        contract.line_ids.with_context(recurring_today="2027-01-21").apply_change("2027-01-21", quantity=2.0)
        # then February's invoice charges 100 x 11 / 31 = 35.48, and February at 2 seats
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(sorted(february.invoice_line_ids.mapped("price_subtotal")), [35.48, 200.0])
        # and January cost 10 days at 1 seat and 11 at 2: 32.26 + 70.97 = 103.23 (one cent of rounding at most)
        january = sum(contract.invoice_ids.mapped("amount_untaxed")) - 200.0
        self.assertAlmostEqual(january, 100.0 * 10 / 31 + 200.0 * 11 / 31, delta=0.011)

    def test_change_dated_in_the_future_does_not_bill_the_current_period_at_the_new_quantity(self):
        # given 100 a month invoiced in arrears from 1 March
        contract = self.make_contract(start="2027-03-01", invoicing_mode="arrears")
        # when the customer books, on 10 March, 5 seats from 1 April
        contract.line_ids.with_context(recurring_today="2027-03-10").apply_change("2027-04-01", quantity=5.0)
        self.assertEqual(contract.line_ids.quantity, 1.0)
        # the scheduled change shows what it changes: 1 x 100 to 5 x 100
        scheduled = contract.line_ids.amendment_ids
        self.assertEqual((scheduled.state, scheduled.old_quantity, scheduled.old_price_unit, scheduled.quantity),
                         ("pending", 1.0, 100.0, 5.0))
        # then March is invoiced for 1 seat, April for 5
        march = self.run_invoicing(contract, "2027-04-01")
        self.assertEqual(march.amount_untaxed, 100.0)
        april = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(april.amount_untaxed, 500.0)
        self.assertFalse(contract.adjustment_ids)

    def test_change_dated_after_a_period_not_invoiced_yet_leaves_that_period_at_the_old_terms(self):
        # given 100 a month invoiced in arrears from 1 March, March not invoiced yet on 10 April
        contract = self.make_contract(start="2027-03-01", invoicing_mode="arrears")
        # when the customer goes to 5 seats from 5 April, recorded on 10 April
        contract.line_ids.with_context(recurring_today="2027-04-10").apply_change("2027-04-05", quantity=5.0)
        # then March is still invoiced for 1 seat
        march = self.run_invoicing(contract, "2027-04-10")
        self.assertEqual(self.periods_of(march), [("2027-03-01", "2027-03-31")])
        self.assertEqual(march.amount_untaxed, 100.0)
        # and April, on its own invoice, 4 days at 1 seat and 26 at 5: 13.33 + 433.33
        april = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(april.amount_untaxed, 446.67)
        self.assertEqual(contract.line_ids.quantity, 5.0)
        self.assertEqual(self.run_invoicing(contract, "2027-06-01").amount_untaxed, 500.0)
        # a change dated before an invoiced period is still refused
        with self.assertRaisesRegex(UserError, "already invoiced"):
            contract.line_ids.with_context(recurring_today="2027-06-02").apply_change("2027-03-20", quantity=2.0)

    def test_closing_invoices_the_usage_and_credits_left_after_the_last_period(self):
        # given a contract in advance for January and February, with usage and a credit in February
        contract = self.make_contract(start="2027-01-01", date_end="2027-02-28")
        usage_line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        self.env["recurring.usage"].create({"line_id": usage_line.id, "date": "2027-02-10", "quantity": 300})
        self.run_invoicing(contract, "2027-02-01")
        self.env["recurring.contract.adjustment"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Outage credit",
            "date": "2027-02-20", "amount": -10.0})
        self.assertFalse(self.run_invoicing(contract, "2027-03-01"))
        # when the term ends and the daily run closes the contract
        self.Contract.cron_lifecycle(today=d("2027-03-01"))
        self.assertEqual(contract.state, "closed")
        # then a closing invoice carries February's usage and the credit
        closing = contract.invoice_ids.filtered(lambda invoice: "closing" in invoice.name)
        self.assertEqual(len(closing), 1)
        self.assertEqual(sorted(closing.invoice_line_ids.mapped("price_subtotal")), [-10.0, 30.0])
        self.assertEqual(len(contract.invoice_ids), 3)

    def test_closing_a_contract_invoiced_in_arrears_invoices_its_last_days(self):
        # given 3,100 a month in arrears since the start of last month, last month invoiced
        today = fields.Date.from_string(fields.Date.context_today(self.Contract))
        this_month = today.replace(day=1)
        last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
        contract = self.make_contract(start=str(last_month), invoicing_mode="arrears", price=3100.0)
        self.assertEqual(len(self.run_invoicing(contract, str(this_month))), 1)
        # when the contract is closed today
        contract.action_close()
        # then this month is invoiced up to today, prorated, and nothing is left to invoice
        self.assertEqual(contract.state, "closed")
        last = contract.invoice_ids.filtered(
            lambda invoice: invoice.invoice_line_ids.recurring_period_start == str(this_month))
        self.assertEqual(self.periods_of(last), [(str(this_month), str(today))])
        days = calendar.monthrange(today.year, today.month)[1]
        self.assertAlmostEqual(last.amount_untaxed, 3100.0 * today.day / days, places=2)
        self.assertEqual(last.date_invoice, str(today))
        self.assertEqual(len(contract.invoice_ids), 2)

    def test_plan_changed_within_a_prepaid_month_bills_each_plan_for_its_days(self):
        # given Hosting at 3,100 a month in advance from 1 January, January invoiced
        contract = self.make_contract(start="2027-01-01", price=3100.0)
        self.run_invoicing(contract, "2027-01-01")
        # when on 11 January the customer moves to Premium at 6,200: Hosting stops, Premium starts that day
        contract.line_ids.action_stop("2027-01-11")
        premium = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Premium", "quantity": 1,
            "price_unit": 6200.0, "tax_ids": [(6, 0, self.tax.ids)], "date_start": "2027-01-11"})
        # then February's invoice bills Premium for February, its 21 days of January (4,200) and
        # credits Hosting's 21 unused days (2,100)
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(sorted(february.invoice_line_ids.mapped("price_subtotal")), [-2100.0, 4200.0, 6200.0])
        self.assertIn("added on 01/11/2027", february.invoice_line_ids.filtered(
            lambda line: line.price_subtotal == 4200.0).name)
        self.assertEqual(contract.adjustment_ids.mapped("line_id"), contract.line_ids)
        # and March bills Premium alone
        self.assertEqual(self.run_invoicing(contract, "2027-03-01").amount_untaxed, 6200.0)
        self.assertEqual(premium.price_subtotal, 6200.0)

    def test_usage_and_credits_recorded_after_closing_are_invoiced_once_by_the_next_run(self):
        # given a contract in advance for January and February with SMS, closed at the end of its term
        contract = self.make_contract(start="2027-01-01", date_end="2027-02-28", invoice_policy="open")
        usage_line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True, "tax_ids": [(6, 0, self.tax.ids)]})
        self.run_invoicing(contract, "2027-02-01")
        self.Contract.cron_lifecycle(today=d("2027-03-01"))
        self.assertEqual((contract.state, len(contract.invoice_ids)), ("closed", 2))
        # when February's SMS are reported on 3 March, and a credit for an outage of 27 February given
        self.env["recurring.usage"].create({"line_id": usage_line.id, "date": "2027-02-25", "quantity": 300})
        self.env["recurring.contract.adjustment"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Outage credit",
            "date": "2027-02-27", "amount": -10.0})
        # then the next daily run invoices them on a validated closing invoice dated that day
        self.Contract.cron_invoice_due(today=d("2027-03-04"))
        closing = contract.invoice_ids.filtered(lambda invoice: "closing" in invoice.name)
        self.assertEqual((closing.state, closing.date_invoice, closing.amount_untaxed), ("open", "2027-03-04", 20.0))
        self.assertEqual(sorted(closing.invoice_line_ids.mapped("price_subtotal")), [-10.0, 30.0])
        # and a run the next day invoices nothing more
        self.Contract.cron_invoice_due(today=d("2027-03-05"))
        self.assertEqual(len(contract.invoice_ids), 3)
        self.assertFalse(self.Contract._closed_with_leftovers() & contract)
