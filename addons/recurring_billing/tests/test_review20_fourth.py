from .common import RecurringCase


class TestReview20Fourth(RecurringCase):
    """What the fourth outside review of issue 20 found."""

    def credits(self, contract, line):
        return sorted(contract.adjustment_ids.filtered(lambda a: a.line_id == line and a.amount < 0).mapped("amount"))

    # -- 1. a stop dated before a change already applied -----------------------------------------

    def test_a_stop_before_an_applied_change_credits_what_each_day_billed(self):
        # Seat 1 x 100 a month in advance from 1 November, November invoiced (100)
        contract = self.make_contract(start="2027-11-01", user_id=self.salesman.id)
        line = contract.line_ids
        self.assertEqual(self.run_invoicing(contract, "2027-11-01").amount_untaxed, 100.0)
        # 3 seats from 16 November: 15 days of 200 more (200 x 15 / 30), invoiced
        line.with_context(recurring_today="2027-11-16").apply_change("2027-11-16", quantity=3)
        self.assertEqual(contract.adjustment_ids.mapped("amount"), [100.0])
        # invoiced with December (3 x 100): 400
        self.assertEqual(self.run_invoicing(contract, "2027-12-01").amount_untaxed, 400.0)
        self.assertTrue(contract.adjustment_ids.invoice_line_id)
        # when the line is stopped from 10 November, earlier than the change
        line.with_context(recurring_today="2027-12-05").action_stop("2027-11-10")
        # then 10-15 November are credited at 1 x 100 (6 days: 20), 16-30 November at 3 x 100
        # (15 days: 150) and December at 3 x 100 (300): what was billed for those days
        self.assertEqual(self.credits(contract, line), [-300.0, -150.0, -20.0])
        # the line billed 1-9 November in the end: 100 + 100 + 300 - 470 = 30 = 100 x 9 / 30
        self.assertEqual(sum(contract.adjustment_ids.mapped("amount")) + 400.0, 30.0)
