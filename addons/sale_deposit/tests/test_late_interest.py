from datetime import date

from odoo.exceptions import AccessError

from .common import DepositCase


class TestLateDeliveryInterest(DepositCase):
    """Code de la consommation, L214-2: an advance payment bears the legal interest from three months after
    it was paid until the delivery or the refund, at the published rate of each semester."""

    def _paid_order(self, partner, paid_on, kind):
        # a 1,200.00 order (1,000.00 + 20% VAT) with 30% of the taxed total asked: 360.00, paid on ``paid_on``
        order = self._order(partner=partner, deposit_kind=kind, deposit_method="percent_taxed", deposit_value=30,
                            deposit_deliver_unpaid=True)
        order.action_confirm()
        order.deposit_ids.invoice_id.pay_and_reconcile(self.bank, 360.0, paid_on)
        return order

    def test_interest_runs_from_three_months_after_the_payment(self):
        # given a consumer who paid 360.00 of arrhes on 15 January 2026 and still waits for the goods
        order = self._paid_order(self.consumer, "2026-01-15", "arrhes")
        # then nothing is owed on 15 April, three months after the payment
        self.assertEqual(order._deposit_late_interest(date(2026, 4, 15)), (False, 0.0))
        # and on 30 June, 76 days at the consumers' rate of 6.67% (first semester 2026): 5.00
        self.assertEqual(order._deposit_late_interest(date(2026, 6, 30)), (True, 5.0))
        # the order shows it late, with the interest accrued up to today
        self.assertIs(order.deposit_late, True)
        self.assertGreater(order.deposit_late_interest, 5.0)

    def test_a_semester_change_changes_the_rate_and_a_company_gets_the_other_creditors_rate(self):
        # given 360.00 paid on 10 March 2025, by a consumer and by a company, goods still waiting on 10 August
        consumer_order = self._paid_order(self.consumer, "2025-03-10", "arrhes")
        business_order = self._paid_order(self.business, "2025-03-10", "acompte")
        on = date(2025, 8, 10)
        # consumer: 21 days at 7.21% (10 June to 1 July), then 40 days at 6.65%: 360 x 4.1741% / 365 = 4.12
        self.assertEqual(consumer_order._deposit_late_interest(on), (True, 4.12))
        # company: 21 days at 3.71%, then 40 days at 2.76%: 360 x 1.8831% / 365 = 1.86
        self.assertEqual(business_order._deposit_late_interest(on), (True, 1.86))

    def test_interest_accrued_is_kept_once_the_goods_are_delivered_and_the_deposit_used(self):
        # given a consumer who paid 360.00 on 15 January 2026, delivered on 30 June 2026
        order = self._paid_order(self.consumer, "2026-01-15", "arrhes")
        picking = self._deliver(order)
        picking.date_done = "2026-06-30 10:00:00"
        # when the order is invoiced and the deposit deducted
        invoice = self._final_invoice(order)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.amount_total, 840.0)
        self.assertEqual(order.deposit_remaining, 0.0)
        # then the order is no longer late, and the 5.00 accrued up to the delivery stay owed
        self.assertEqual(order._deposit_late_interest(date(2026, 11, 30)), (False, 5.0))
        self.assertIs(order.deposit_late, False)
        self.assertEqual(order.deposit_late_interest, 5.0)

    def test_the_daily_check_gives_the_salesperson_one_activity_per_late_order(self):
        # given a late order (paid on 15 January 2026, not delivered) and one paid today
        late = self._paid_order(self.consumer, "2026-01-15", "arrhes")
        on_time = self._order(partner=self.business, deposit_kind="acompte", deposit_method="percent_taxed",
                              deposit_value=30, deposit_deliver_unpaid=True)
        on_time.action_confirm()
        self._pay(on_time.deposit_ids.invoice_id)
        Activity = self.env["mail.activity"]
        # when the daily job runs twice
        self.env["sale.order"]._cron_deposit_flag_late_orders()
        self.env["sale.order"]._cron_deposit_flag_late_orders()
        # then the salesperson of the late order has one activity, the other order none
        activities = Activity.search([("res_model", "=", "sale.order"), ("res_id", "=", late.id)])
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesman)
        self.assertIn(late.name, activities.note)
        self.assertTrue(late.deposit_late_flagged)
        self.assertFalse(Activity.search([("res_model", "=", "sale.order"), ("res_id", "=", on_time.id)]))
        self.assertFalse(on_time.deposit_late_flagged)

    def test_a_sales_manager_keeps_the_rates_up_to_date(self):
        Rate = self.env["sale.deposit.legal.rate"]
        # the published rates are there as data
        self.assertEqual(Rate.search([("date_start", "=", "2026-01-01")]).rate_consumer, 6.67)
        # a salesperson cannot change them; a sales manager adds the next semester's
        with self.assertRaises(AccessError):
            Rate.sudo(self.salesman).create({"date_start": "2027-01-01", "rate_consumer": 6.0, "rate_other": 2.5})
        rate = Rate.sudo(self.manager).create({"date_start": "2027-01-01", "rate_consumer": 6.0, "rate_other": 2.5})
        self.assertEqual(Rate._deposit_rates(consumer=False)[0], (date(2027, 1, 1), 2.5))
        self.assertTrue(rate.exists())
