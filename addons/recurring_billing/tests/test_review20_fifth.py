"""Fifth outside review of issue 20: what a plain write could still do to an invoiced contract."""
from odoo import fields
from odoo.exceptions import UserError, ValidationError

from .common import RecurringCase


class TestReview20Fifth(RecurringCase):

    def invoiced(self, price=100.0, partner=None, **values):
        """A monthly contract in advance from January 2027, January to April invoiced."""
        if partner:
            values["partner_id"] = partner.id
        contract = self.make_contract(price=price, user_id=self.salesman.id, **values)
        for month in ("01", "02", "03", "04"):
            self.run_invoicing(contract, "2027-%s-01" % month)
        self.assertEqual(len(contract.period_ids), 4)
        return contract

    def test_a_line_never_moves_to_another_contract(self):
        # given two customers' contracts, both invoiced
        other = self.env["res.partner"].create({"name": "Fromagerie Durand", "email": "durand@example.com"})
        first, second = self.invoiced(), self.invoiced(price=10.0, partner=other)
        line = first.line_ids
        # when the salesman or the manager moves the line, by a write or from the other contract
        for user in (self.salesman, self.manager):
            with self.assertRaisesRegex(UserError, "cannot move"), self.env.cr.savepoint():
                line.sudo(user).write({"contract_id": second.id})
            with self.assertRaisesRegex(UserError, "cannot move"), self.env.cr.savepoint():
                second.sudo(user).write({"line_ids": [(4, line.id)]})
        # then each customer's May invoice bills its own line only
        self.assertEqual(self.run_invoicing(first, "2027-05-01").amount_untaxed, 100.0)
        self.assertEqual(self.run_invoicing(second, "2027-05-01").amount_untaxed, 10.0)

    def test_instalments_never_fall_below_the_periods_invoiced(self):
        contract = self.invoiced()
        for count in (1, 3):
            with self.assertRaisesRegex(UserError, "instalments"), self.env.cr.savepoint():
                contract.sudo(self.salesman).write({"instalment_count": count})
        # six instalments: May and June are still billed
        contract.sudo(self.salesman).write({"instalment_count": 6})
        self.assertEqual(self.run_invoicing(contract, "2027-05-01").amount_untaxed, 100.0)
        self.assertEqual(len(contract.period_ids), 5)

    def test_a_line_backdated_over_invoiced_periods_is_refused(self):
        contract = self.invoiced()
        values = {"contract_id": contract.id, "product_id": self.product.id, "name": "Backup",
                  "quantity": 1, "price_unit": 1000.0}
        # two whole invoiced periods after its start: they would be charged for one period only
        with self.assertRaisesRegex(UserError, "already invoiced"), self.env.cr.savepoint():
            self.env["recurring.contract.line"].sudo(self.salesman).create(dict(values, date_start="2027-02-01"))
        # from within the last invoiced period: its days are charged on the next invoice
        line = self.env["recurring.contract.line"].sudo(self.salesman).create(dict(values, date_start="2027-04-16"))
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(sorted(may.invoice_line_ids.mapped("price_subtotal")), [100.0, 500.0, 1000.0])
        self.assertTrue(line.invoiced)

    def test_the_journal_is_a_sales_journal_of_the_contract_s_company(self):
        contract = self.make_contract(user_id=self.salesman.id)
        bank = self.env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", self.company.id)],
                                                  limit=1)
        with self.assertRaisesRegex(ValidationError, "sales journal"), self.env.cr.savepoint():
            contract.sudo(self.salesman).write({"journal_id": bank.id})
        sale = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", self.company.id)],
                                                  limit=1)
        contract.sudo(self.salesman).write({"journal_id": sale.id})
        self.assertEqual(self.run_invoicing(contract, "2027-01-01").journal_id, sale)

    def test_an_invoiced_usage_record_cannot_be_deleted(self):
        contract = self.make_contract(user_id=self.salesman.id)
        line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        usage = self.env["recurring.usage"].sudo(self.salesman).create({"line_id": line.id, "date": "2027-01-10",
                                                                        "quantity": 25})
        later = self.env["recurring.usage"].sudo(self.salesman).create({"line_id": line.id, "date": "2027-02-10",
                                                                        "quantity": 5})
        self.run_invoicing(contract, "2027-01-01")
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertIn(2.5, february.invoice_line_ids.mapped("price_subtotal"))
        with self.assertRaisesRegex(ValidationError, "cannot be deleted"), self.env.cr.savepoint():
            usage.unlink()
        later.unlink()  # not invoiced yet: a mistake is still deleted
        self.assertTrue(usage.exists())

    def test_notice_ticked_in_the_form_is_dated_like_the_button(self):
        # given an invoiced contract
        contract = self.invoiced()
        today = fields.Date.context_today(contract.sudo(self.salesman))
        # when the salesman ticks "Notice given" (a plain write, as the form or RPC does)
        contract.sudo(self.salesman).write({"notice_given": True})
        # then the notice is dated today, as "Give notice" dates it
        self.assertEqual(contract.notice_date, today)
        # and cleared, the notice is withdrawn with its date
        contract.sudo(self.salesman).write({"notice_given": False})
        self.assertFalse(contract.notice_date)

    def test_a_run_killed_mid_way_reads_interrupted(self):
        # given three runs: one finished, one writing its batches, one silent for two hours (killed)
        Run = self.env["recurring.invoicing.run"].sudo()
        finished, running, killed = (Run.create({"date": "2027-04-01", "contract_count": 10}) for _i in range(3))
        finished.date_finished = fields.Datetime.now()
        self.env.cr.execute("UPDATE recurring_invoicing_run SET write_date = now() at time zone 'UTC' - "
                            "interval '2 hours', date_started = now() at time zone 'UTC' - interval '2 hours' "
                            "WHERE id = %s", (killed.id,))
        (finished | running | killed).invalidate_cache()
        # then the list tells them apart
        self.assertEqual((finished | running | killed).mapped("status"), ["done", "running", "interrupted"])

    def test_an_adjustment_dated_in_june_is_billed_with_june(self):
        # given a contract of 100 a month in advance, January invoiced, and a setup fee due on 1 June
        contract = self.make_contract(price=100.0, user_id=self.salesman.id)
        self.run_invoicing(contract, "2027-01-01")
        self.env["recurring.contract.adjustment"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Setup fee due in June",
            "date": "2027-06-01", "amount": 50.0})
        # when February to June are invoiced
        totals = [sum(self.run_invoicing(contract, "2027-%s-01" % month).mapped("amount_untaxed"))
                  for month in ("02", "03", "04", "05", "06")]
        # then the fee is on the June invoice, not on February's
        self.assertEqual(totals, [100.0, 100.0, 100.0, 100.0, 150.0])
