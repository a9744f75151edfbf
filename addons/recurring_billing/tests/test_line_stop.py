from odoo.exceptions import AccessError, UserError

from .common import RecurringCase, d


class TestLineStop(RecurringCase):
    """``recurring.contract.line.action_stop(date)``, a public (RPC) method: the line keeps its
    quantity and price as history, the unused days already invoiced are credited, no period
    after the stop bills it; only those who may edit the line may stop it, from a valid day."""

    @classmethod
    def setUpClass(cls):
        super(TestLineStop, cls).setUpClass()
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.accountant = users.create({
            "name": "Alice Accountant", "login": "rb_stop_accountant", "email": "alice@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("account.group_account_invoice").id])]})
        contact = cls.env["res.partner"].create({"name": "Paul Martin", "parent_id": cls.customer.id,
                                                 "email": "paul@example.com"})
        cls.portal_user = users.create({
            "name": "Paul Martin", "login": "rb_stop_portal", "partner_id": contact.id,
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])]})

    def contract_with_backup(self, **values):
        """Hosting at 30 and Backup at 60 a month in advance, Backup as the salesman's line."""
        contract = self.make_contract(price=30.0, user_id=self.salesman.id, **dict({"start": "2027-04-01"}, **values))
        backup = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Backup", "quantity": 2,
            "price_unit": 30.0, "tax_ids": [(6, 0, self.tax.ids)]})
        return contract, backup

    def test_a_stopped_line_keeps_its_terms_credits_its_unused_days_and_bills_no_later_period(self):
        # given Hosting (30) and Backup (2 x 30) a month in advance, April invoiced, snapshots taken
        contract, backup = self.contract_with_backup()
        self.assertEqual(self.run_invoicing(contract, "2027-04-01").amount_untaxed, 90.0)
        Snapshot = self.env["recurring.mrr.snapshot"]
        Snapshot.cron_snapshot(today=d("2027-04-15"))
        # when the salesman stops Backup from 21 April, as a script over RPC would
        backup.sudo(self.salesman).with_context(recurring_today="2027-04-21").action_stop("2027-04-21")
        # then the line still says what it billed, up to 20 April
        self.assertEqual((backup.quantity, backup.price_unit, backup.price_subtotal, backup.date_end),
                         (2.0, 30.0, 60.0, "2027-04-20"))
        # and the contract's amounts no longer count it
        self.assertEqual((contract.amount_period, contract.mrr), (30.0, 30.0))
        # May's invoice bills Hosting and credits Backup's 10 unused days of April (60 x 10 / 30)
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(sorted(may.invoice_line_ids.mapped("price_subtotal")), [-20.0, 30.0])
        self.assertIn("unused days from 04/21/2027 to 04/30/2027", contract.adjustment_ids.name)
        self.assertEqual(contract.adjustment_ids.create_uid, self.salesman)
        # June bills Hosting alone
        self.assertEqual(self.run_invoicing(contract, "2027-06-01").amount_untaxed, 30.0)
        # April's MRR stays 90, May's is 30, whenever the history is read
        self.assertEqual((contract._mrr_at(d("2027-04-20")), contract._mrr_at(d("2027-05-10"))), (90.0, 30.0))
        Snapshot.cron_snapshot(today=d("2027-05-10"))
        snapshots = Snapshot.search([("contract_id", "=", contract.id)], order="month")
        self.assertEqual([(s.month, s.mrr) for s in snapshots], [("2027-04-01", 90.0), ("2027-05-01", 30.0)])

    def test_a_stop_in_a_clipped_first_period_credits_its_actual_days(self):
        # given Hosting and Backup aligned on the 1st from 16 April: the first period is 16-30 April
        contract, backup = self.contract_with_backup(start="2027-04-16", period_alignment="calendar")
        self.assertEqual(self.run_invoicing(contract, "2027-04-16").amount_untaxed, 45.0)
        # when Backup stops from 26 April (5 days of April left, prorated on April's 30)
        backup.action_stop("2027-04-26")
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(sorted(may.invoice_line_ids.mapped("price_subtotal")), [-10.0, 30.0])

    def test_a_stop_in_a_period_not_invoiced_yet_bills_it_up_to_the_day_before(self):
        # given the same contract in arrears: April not invoiced yet
        contract, backup = self.contract_with_backup(invoicing_mode="arrears")
        backup.action_stop("2027-04-21")
        self.assertFalse(contract.adjustment_ids)
        april = self.run_invoicing(contract, "2027-05-01")
        # Hosting for April, Backup for its 20 days (60 x 20 / 30)
        self.assertEqual(sorted(april.invoice_line_ids.mapped("price_subtotal")), [30.0, 40.0])
        self.assertEqual(self.run_invoicing(contract, "2027-06-01").amount_untaxed, 30.0)

    def test_a_stop_dated_later_leaves_the_amounts_until_that_day(self):
        contract, backup = self.contract_with_backup()
        self.run_invoicing(contract, "2027-04-01")
        # stopped on 10 April from 1 May: still in force on 10 April
        backup.with_context(recurring_today="2027-04-10").action_stop("2027-05-01")
        self.assertEqual((contract.amount_period, backup.quantity), (90.0, 2.0))
        self.assertFalse(contract.adjustment_ids)
        # the daily run of 1 May updates the contract's amounts
        self.Contract.cron_lifecycle(today=d("2027-05-01"))
        self.assertEqual((contract.amount_period, contract.mrr), (30.0, 30.0))
        self.assertEqual(self.run_invoicing(contract, "2027-05-01").amount_untaxed, 30.0)

    def test_only_who_may_edit_the_line_stops_it(self):
        contract, backup = self.contract_with_backup()
        self.run_invoicing(contract, "2027-04-01")
        # another salesman, an accountant and the customer's portal user are refused, nothing changes
        for user in (self.other_salesman, self.accountant, self.portal_user):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                backup.sudo(user).action_stop("2027-04-21")
        self.assertFalse(backup.date_end)
        self.assertFalse(contract.adjustment_ids)
        # the sales manager may, on anybody's contract
        backup.sudo(self.manager).action_stop("2027-04-21")
        self.assertEqual(backup.date_end, "2027-04-20")

    def test_a_stop_date_that_is_not_a_day_of_the_line_is_refused_clearly(self):
        contract, backup = self.contract_with_backup()
        self.run_invoicing(contract, "2027-04-01")
        line = backup.sudo(self.salesman)
        for date, message in (("21/04/2027", "must be a day written YYYY-MM-DD.*21/04/2027"),
                              ("2027-02-30", "must be a day written YYYY-MM-DD"),
                              (False, "must be a day written YYYY-MM-DD.*False"),
                              (20270421, "must be a day written YYYY-MM-DD"),
                              ("2027-03-15", "within the contract"),
                              ("2027-04-01", "starts on 04/01/2027: it can only be stopped from a later day")):
            with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
                line.action_stop(date)
        # a line that starts later cannot stop before, nor the day it starts
        later = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Support", "quantity": 1,
            "price_unit": 10.0, "date_start": "2027-04-10"})
        for date, message in (("2027-04-05", "does not run on that day"), ("2027-04-10", "starts on 04/10/2027")):
            with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
                later.action_stop(date)
        # a quantity scheduled after the stop would apply to a stopped line
        backup.with_context(recurring_today="2027-04-02").apply_change("2027-05-01", quantity=3.0)
        with self.assertRaisesRegex(UserError, "scheduled on 05/01/2027"), self.env.cr.savepoint():
            line.action_stop("2027-04-21")
        self.assertEqual((backup.date_end, later.date_end), (False, False))
        self.assertFalse(contract.adjustment_ids.filtered(lambda adjustment: adjustment.amount < 0))
