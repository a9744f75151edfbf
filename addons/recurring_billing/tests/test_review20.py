from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import recurrence
from .common import RecurringCase, d


class TestReview20(RecurringCase):
    """What the outside review of issue 20 broke: the invoiced periods, lines, changes,
    adjustments, pauses and contracts a user could rewrite behind the invoices' back, and
    the prorated amounts rounded twice."""

    def invoiced_contract(self, **values):
        """Hosting 1 x 30 a month in advance for the salesman, April and May 2027 invoiced."""
        contract = self.make_contract(price=30.0, user_id=self.salesman.id, **dict({"start": "2027-04-01"}, **values))
        self.run_invoicing(contract, "2027-04-01")
        self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(len(contract.period_ids), 2)
        return contract

    # -- A: the invoiced periods are the engine's --------------------------------------------

    def test_no_user_writes_the_invoiced_periods_not_even_the_sales_manager(self):
        contract = self.invoiced_contract()
        Period = self.env["recurring.contract.period"].sudo(self.manager)
        may = contract.period_ids.sudo(self.manager)
        self.assertEqual(len(may.read(["date_start"])), 2)  # still read
        with self.assertRaises(AccessError):
            may[0].unlink()  # a deleted period would be invoiced twice
        with self.assertRaises(AccessError):
            may[0].write({"date_end": "2027-05-15"})
        with self.assertRaises(AccessError):
            Period.create({"contract_id": contract.id, "date_start": "2027-06-01", "date_end": "2027-06-30"})
        # the invoicing still claims its periods: June is invoiced once
        self.assertEqual(len(contract.sudo(self.manager)._invoice_contracts(d("2027-06-01"), commit=False)), 1)
        self.assertEqual(len(contract.period_ids), 3)

    def test_an_invoiced_contract_cannot_be_deleted(self):
        contract = self.invoiced_contract()
        with self.assertRaises(UserError):
            contract.sudo(self.manager).unlink()
        self.assertTrue(contract.exists() and contract.period_ids and contract.invoice_ids)
        draft = self.make_contract(start_it=False)
        draft.sudo(self.manager).unlink()  # a draft never invoiced still goes
        self.assertFalse(draft.exists())

    # -- B: an invoiced line changes only from a date ---------------------------------------

    def test_the_dates_and_usage_flag_of_an_invoiced_line_cannot_be_written_nor_the_line_deleted(self):
        contract = self.invoiced_contract()
        line = contract.line_ids.sudo(self.salesman)
        for values in ({"date_end": "2027-04-15"}, {"date_start": "2027-06-16"}, {"is_usage": True}):
            with self.assertRaises(UserError) as caught:
                line.write(values)
            self.assertIn("action_stop", str(caught.exception))
        for user in (self.salesman, self.manager):
            with self.assertRaises(UserError):
                contract.line_ids.sudo(user).unlink()
        self.assertFalse(line.date_end or line.date_start or line.is_usage)
        # the dated way: stopped from 16 May, the 16 unused days of May are credited
        line.with_context(recurring_today="2027-05-16").action_stop("2027-05-16")
        self.assertEqual(line.date_end, "2027-05-15")
        self.assertEqual(sum(contract.adjustment_ids.mapped("amount")), -15.48)

    def test_customer_currency_template_flag_and_a_back_dated_end_of_an_invoiced_contract_are_refused(self):
        contract = self.invoiced_contract()
        as_salesman = contract.sudo(self.salesman)
        other = self.env["res.partner"].create({"name": "Other customer", "customer": True})
        usd = self.env.ref("base.USD")
        if usd == contract.currency_id:
            usd = self.env.ref("base.EUR")
        for values in ({"partner_id": other.id}, {"currency_id": usd.id}, {"is_template": True},
                       {"date_end": "2027-05-10"}):
            with self.assertRaises(UserError):
                as_salesman.write(values)
        self.assertEqual((contract.partner_id, contract.is_template, contract.date_end),
                         (self.customer, False, False))
        # an end date after the invoiced periods is fine; Close credits the days invoiced in advance
        as_salesman.write({"date_end": "2027-08-31"})
        contract.with_context(recurring_today="2027-05-21").action_close()
        self.assertEqual(contract.date_end, "2027-05-21")
        self.assertEqual(contract.state, "closed")

    def test_an_invoiced_contract_still_renews_and_extends_its_end(self):
        contract = self.make_contract(start="2027-01-01", commitment_count=12)
        self.assertEqual(len(self.run_invoicing(contract, "2027-12-01")), 12)
        self.Contract.cron_lifecycle(today=d("2028-01-01"))  # the renewal writes the new end as a date
        self.assertEqual((contract.date_end, contract.state), ("2028-12-31", "running"))

    def test_an_applied_change_and_an_invoiced_adjustment_stay_as_invoiced(self):
        contract = self.invoiced_contract()
        line = contract.line_ids
        line.sudo(self.salesman).with_context(recurring_today="2027-05-16").apply_change("2027-05-16", quantity=3)
        change = line.amendment_ids.sudo(self.salesman)
        self.assertEqual(change.state, "applied")
        with self.assertRaises(UserError):
            change.write({"quantity": 50})
        with self.assertRaises(UserError):
            change.unlink()
        adjustment = contract.adjustment_ids
        self.assertEqual(adjustment.amount, 30.97)  # 2 x 30 x 16 / 31
        self.run_invoicing(contract, "2027-06-01")
        self.assertTrue(adjustment.invoice_line_id)
        for user in (self.salesman, self.manager):
            with self.assertRaises(UserError):
                adjustment.sudo(user).write({"amount": -1000.0})
        with self.assertRaises(UserError):
            adjustment.unlink()  # not even by the administrator
        self.assertEqual(adjustment.amount, 30.97)

    # -- C: a change covers exactly what it adjusts -----------------------------------------

    def test_a_change_dated_before_an_invoiced_period_or_an_applied_change_is_refused(self):
        contract = self.invoiced_contract()
        line = contract.line_ids.sudo(self.salesman).with_context(recurring_today="2027-05-20")
        # 16 April: April's 15 days would be charged, May's 31 lost
        with self.assertRaises(UserError):
            line.apply_change("2027-04-16", quantity=2)
        self.assertFalse(contract.adjustment_ids)
        line.apply_change("2027-05-16", quantity=2)
        with self.assertRaises(UserError):
            line.apply_change("2027-05-10", quantity=3)  # earlier than the applied change
        self.assertEqual(line.quantity, 2)
        self.assertEqual(contract.adjustment_ids.mapped("amount"), [15.48])
        # a new price dated before an invoiced period would bill nothing for it: refused
        PriceChange = self.env["recurring.price.change"].sudo(self.salesman)
        with self.assertRaises(UserError):
            PriceChange.create({"line_id": line.id, "date": "2027-04-10", "price_unit": 1.0})
        later = PriceChange.create({"line_id": line.id, "date": "2027-06-01", "price_unit": 40.0})
        self.assertIn(40.0, self.run_invoicing(contract, "2027-06-01").invoice_line_ids.mapped("price_unit"))
        with self.assertRaises(UserError):
            later.unlink()  # June was billed at 40

    # -- D: pauses --------------------------------------------------------------------------

    def test_pauses_written_directly_are_checked(self):
        contract = self.invoiced_contract()
        # pauses are the Pause and Resume buttons' records: no user writes one directly (review 20, point 7)
        for user in (self.salesman, self.manager):
            Pause = self.env["recurring.contract.pause"].sudo(user)
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                Pause.create({"contract_id": contract.id, "date_start": "2027-07-10", "date_end": "2027-07-19"})
        # the Administrator (uid 1 in Odoo 11, as the superuser) cannot pause days already invoiced
        # (May) nor leave a written pause without its end either
        for values in ({"date_start": "2027-05-20", "date_end": "2027-06-05"}, {"date_start": "2027-07-10"}):
            with self.assertRaises(UserError), self.env.cr.savepoint():
                self.env["recurring.contract.pause"].create(dict(values, contract_id=contract.id))
        pause = self.env["recurring.contract.pause"].create({
            "contract_id": contract.id, "date_start": "2027-07-10", "date_end": "2027-07-19"})
        with self.assertRaises(UserError), self.env.cr.savepoint():
            pause.write({"date_start": "2027-05-31"})
        for user in (self.salesman, self.manager):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                pause.sudo(user).write({"date_end": "2027-07-25"})
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                pause.sudo(user).unlink()
        self.assertEqual(contract.pause_ids, pause)
        self.assertEqual(pause.sudo(self.salesman).read(["date_end"])[0]["date_end"], "2027-07-19")
        # July bills 21 of its 31 days
        self.run_invoicing(contract, "2027-06-01")
        july = self.run_invoicing(contract, "2027-07-01")
        self.assertEqual(july.amount_untaxed, 20.32)
        # the Pause and Resume buttons, pressed by the salesperson, still pause a prepaid period and
        # credit its days
        contract.sudo(self.salesman).with_context(recurring_today="2027-07-25").action_pause()
        contract.sudo(self.salesman).with_context(recurring_today="2027-07-30").action_resume()
        self.assertEqual(sorted(contract.adjustment_ids.mapped("amount")), [-4.84])

    def test_an_open_ended_pause_ends_the_invoicing_instead_of_crashing(self):
        calendar = recurrence.Calendar(d("2027-01-01"), [recurrence.Terms(d("2027-01-01"), 1, "month", "advance",
                                                                          "start")])
        self.assertIsNone(calendar.next_invoice_date(paused=[(d("2027-03-10"), None)],
                                                     invoiced_starts=[d("2027-01-01"), d("2027-02-01"),
                                                                      d("2027-03-01")]))
        self.assertIsNone(recurrence.next_invoice_date(d("2027-01-01"), 1, "month", "advance",
                                                       paused=[(d("2027-01-01"), None)]))

    # -- E: a prorated amount is rounded once -----------------------------------------------

    def test_prorated_amounts_are_quantity_times_price_times_days_rounded_once(self):
        for start, quantity, price, expected in (("2027-04-16", 1000, 0.99, 495.00),
                                                 ("2027-01-16", 7, 0.99, 3.58),
                                                 ("2027-01-16", 3, 9.99, 15.47)):
            contract = self.make_contract(start=start, quantity=quantity, price=price, period_alignment="calendar")
            invoice = self.run_invoicing(contract, start)
            self.assertEqual(invoice.amount_untaxed, expected, (quantity, price))

    # -- F: usage within the contract -------------------------------------------------------

    def test_usage_outside_the_contract_is_refused(self):
        contract = self.make_contract(start="2027-01-01", date_end="2027-06-30")
        line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        Usage = self.env["recurring.usage"]
        for day in ("2026-12-31", "2027-07-01"):
            with self.assertRaises(ValidationError):
                Usage.create({"line_id": line.id, "date": day, "quantity": 5})
        self.assertEqual(Usage.create({"line_id": line.id, "date": "2027-06-30", "quantity": 5}).quantity, 5)

    # -- F: a billing user invoices a contract -----------------------------------------------

    def test_a_billing_user_opens_a_paused_contract_and_invoices_it(self):
        accountant = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bea Billing", "login": "rb_review20_billing", "email": "bea@example.com",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("account.group_account_invoice").id])]})
        contract = self.invoiced_contract()
        self.env["recurring.contract.pause"].create({
            "contract_id": contract.id, "date_start": "2027-06-10", "date_end": "2027-06-19"})
        as_accountant = contract.sudo(accountant)
        view = self.Contract.sudo(accountant).fields_view_get(view_type="form")
        self.assertEqual(len(as_accountant.read(list(view["fields"]))), 1)  # the form opens
        invoice = as_accountant._invoice_contracts(d("2027-06-01"), commit=False)
        self.assertEqual(invoice.amount_untaxed, 20.0)  # June less its 10 paused days
