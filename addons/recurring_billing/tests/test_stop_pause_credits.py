from .common import RecurringCase


class TestStopPauseCredits(RecurringCase):
    """A day invoiced in advance is credited once: a stop (``action_stop``) over days a pause
    already credited leaves them out, and a pause over days a stop already credited too."""

    def contract_with_backup(self):
        """Hosting at 30 and Backup at 2 x 30 a month in advance from 1 April, April invoiced (90)."""
        contract = self.make_contract(price=30.0, start="2027-04-01")
        backup = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Backup", "quantity": 2,
            "price_unit": 30.0, "tax_ids": [(6, 0, self.tax.ids)]})
        self.assertEqual(self.run_invoicing(contract, "2027-04-01").amount_untaxed, 90.0)
        return contract, backup

    def credits(self, contract, line):
        return sorted(contract.adjustment_ids.filtered(lambda a: a.line_id == line).mapped("amount"))

    def test_a_stop_over_days_a_pause_credited_credits_only_the_other_days(self):
        contract, backup = self.contract_with_backup()
        hosting = contract.line_ids - backup
        # paused from 11 to 15 April: 5 days of each line credited (30 x 5 / 30, 60 x 5 / 30)
        contract.with_context(recurring_today="2027-04-11").action_pause()
        contract.with_context(recurring_today="2027-04-16").action_resume()
        self.assertEqual((self.credits(contract, hosting), self.credits(contract, backup)), ([-5.0], [-10.0]))
        # when Backup is stopped from 13 April (on the 20th): 13-30 April is 18 days, 3 of them credited
        backup.with_context(recurring_today="2027-04-20").action_stop("2027-04-13")
        # then only the 15 other days are credited (60 x 15 / 30), not 36 for 18 days
        self.assertEqual(self.credits(contract, backup), [-30.0, -10.0])
        # and May's Hosting (30) less the credits (5 + 10 + 30) gives a credit note of 15
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual((may.type, may.amount_untaxed), ("out_refund", 15.0))
        self.assertEqual(sorted(may.mapped("invoice_line_ids.price_subtotal")), [-30.0, 5.0, 10.0, 30.0])
        # Backup billed for 1-10 April and 11-12 April in the end: 60 - 10 - 30 = 20 = 60 x 10 / 30
        self.assertEqual(sum(self.credits(contract, backup)) + 60.0, 20.0)

    def test_a_pause_over_days_a_stop_credited_credits_only_the_running_line(self):
        contract, backup = self.contract_with_backup()
        hosting = contract.line_ids - backup
        # Backup stopped from 21 April: its 10 last days credited (60 x 10 / 30)
        backup.with_context(recurring_today="2027-04-10").action_stop("2027-04-21")
        self.assertEqual(self.credits(contract, backup), [-20.0])
        # when the contract is paused from 18 to 25 April
        contract.with_context(recurring_today="2027-04-18").action_pause()
        contract.with_context(recurring_today="2027-04-26").action_resume()
        # then Hosting gets its 8 paused days (30 x 8 / 30), Backup only 18-20 April (60 x 3 / 30)
        self.assertEqual(self.credits(contract, hosting), [-8.0])
        self.assertEqual(self.credits(contract, backup), [-20.0, -6.0])

    def test_a_stop_during_a_pause_then_a_resume_credit_each_day_once(self):
        contract, backup = self.contract_with_backup()
        hosting = contract.line_ids - backup
        # paused from 11 April; Backup stopped from 16 April while the pause lasts
        contract.with_context(recurring_today="2027-04-11").action_pause()
        backup.with_context(recurring_today="2027-04-14").action_stop("2027-04-16")
        self.assertEqual(self.credits(contract, backup), [-30.0])
        # resumed on 21 April: Hosting's 10 paused days, Backup's 11-15 April only
        contract.with_context(recurring_today="2027-04-21").action_resume()
        self.assertEqual(self.credits(contract, hosting), [-10.0])
        self.assertEqual(self.credits(contract, backup), [-30.0, -10.0])
        # Backup credited 11-30 April once: 20 days, 60 x 20 / 30
        self.assertEqual(sum(self.credits(contract, backup)), -40.0)
