from odoo import tools
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_resource_path

from .common import RecurringCase, d


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

    # -- 2. a stop while a pause lasts: the paused days are credited once -----------------------

    def test_a_stop_by_a_quantity_of_zero_during_a_pause_credits_each_day_once(self):
        # 1 x 100 a month in advance, November invoiced; paused from 20 November (no end yet)
        contract = self.make_contract(start="2027-11-01")
        line = contract.line_ids
        self.run_invoicing(contract, "2027-11-01")
        contract.with_context(recurring_today="2027-11-20").action_pause()
        # stopped from 25 November by "Change quantity or price" to 0: 25-30 November credited (20)
        line.with_context(recurring_today="2027-11-26").apply_change("2027-11-25", quantity=0)
        self.assertEqual(self.credits(contract, line), [-20.0])
        # resumed on 5 December: only 20-24 November are credited now (100 x 5 / 30), not 20-30
        contract.with_context(recurring_today="2027-12-05").action_resume()
        self.assertEqual(self.credits(contract, line), [-20.0, -16.67])
        # the line billed 1-19 November in the end (100 x 19 / 30)
        self.assertEqual(round(100.0 + sum(contract.adjustment_ids.mapped("amount")), 2), 63.33)

    def test_a_change_in_arrears_charges_no_paused_day(self):
        # 1 x 100 a month in arrears from 1 November, paused from 20 November: nothing invoiced yet
        contract = self.make_contract(start="2027-11-01", invoicing_mode="arrears")
        line = contract.line_ids
        contract.with_context(recurring_today="2027-11-20").action_pause()
        # 0 from 25 November: November will bill 0, so 1-24 November is charged, less its 5 paused days
        line.with_context(recurring_today="2027-12-11").apply_change("2027-11-25", quantity=0)
        self.assertEqual(contract.adjustment_ids.mapped("amount"), [63.33])
        contract.with_context(recurring_today="2027-12-15").action_resume()
        invoice = self.run_invoicing(contract, "2027-12-15")
        # the line billed 1-19 November, what it ran (100 x 19 / 30)
        self.assertEqual(invoice.amount_untaxed, 63.33)

    # -- 3. a salesperson invoices and closes a contract of validated invoices -----------------

    def test_a_salesperson_invoices_now_and_closes_with_validated_invoices(self):
        today = self.Contract._invoicing_today()
        contract = self.make_contract(start=str(today), invoice_policy="open", user_id=self.salesman.id)
        as_salesman = contract.sudo(self.salesman)
        # the salesperson may not validate an invoice in Odoo (no Billing rights) ...
        self.assertFalse(self.salesman.has_group("account.group_account_invoice"))
        # ... yet "Invoice now" on their contract makes the invoice and validates it
        as_salesman.action_invoice_now()
        invoice = contract.invoice_ids
        self.assertEqual((len(invoice), invoice.state, invoice.amount_untaxed), (1, "open", 100.0))
        self.assertTrue(invoice.number)
        self.assertEqual(invoice.create_uid, self.salesman)
        # and "Close" validates the closing credit note of the unused days
        as_salesman.with_context(recurring_today=str(today)).action_close()
        self.assertEqual(contract.state, "closed")
        refund = contract.invoice_ids - invoice
        self.assertEqual((refund.type, refund.state), ("out_refund", "open"))
        # a salesperson still cannot do it on a contract that is not theirs
        other = self.make_contract(start=str(today), invoice_policy="open", user_id=self.other_salesman.id)
        with self.assertRaises(AccessError):
            other.sudo(self.salesman).action_invoice_now()
        self.assertFalse(other.invoice_ids)

    # -- 4. a contract of instalments ends with its last one ------------------------------------

    def test_a_contract_ends_when_its_last_instalment_is_invoiced(self):
        # 3 instalments of 100, a month each, in advance from January
        contract = self.make_contract(start="2027-01-01", instalment_count=3, user_id=self.salesman.id)
        for day in ("2027-01-01", "2027-02-01", "2027-03-01"):
            self.assertEqual(self.run_invoicing(contract, day).amount_untaxed, 100.0)
        # the last instalment invoiced: the contract ends with its period, still served in March
        self.assertEqual((contract.date_end, contract.state, contract.next_invoice_date),
                         ("2027-03-31", "running", False))
        # the next day's run closes it, invoices nothing more, and its MRR stops
        self.Contract._cron_invoice_due(today=d("2027-04-01"))
        self.assertEqual((contract.state, len(contract.invoice_ids), contract.mrr), ("closed", 3, 0.0))
        self.assertFalse(self.run_invoicing(contract, "2027-05-01"))
        self.assertEqual((contract._mrr_at(d("2027-03-15")), contract._mrr_at(d("2027-04-15"))), (100.0, 0.0))
        self.assertEqual(self.Contract.search_count([("id", "=", contract.id), ("state", "=", "running")]), 0)

    def test_an_instalment_contract_with_a_renewing_commitment_is_not_renewed_once_its_instalments_are_done(self):
        contract = self.make_contract(start="2027-01-01", instalment_count=2, commitment_count=2, auto_renew=True)
        self.run_invoicing(contract, "2027-01-01")
        self.run_invoicing(contract, "2027-02-01")
        self.Contract._cron_lifecycle(today=d("2027-03-01"))
        self.assertEqual((contract.state, contract.date_end, contract.mrr), ("closed", "2027-02-28", 0.0))

    # -- 5. a cancelled draft, or a period line removed from a draft: billed again, once ---------

    def billing_user(self):
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bea Billing", "login": "rb_fourth_billing", "email": "bea@example.com",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("account.group_account_invoice").id])]})

    def february_draft_with_an_adjustment(self):
        """A billing user, and a contract of 1 x 100 from January, 3 seats from 16 January: its
        February draft bills February and the adjustment of 16-31 January."""
        accountant = self.billing_user()
        contract = self.make_contract(start="2027-01-01", user_id=self.salesman.id)
        self.run_invoicing(contract, "2027-01-01")
        contract.line_ids.with_context(recurring_today="2027-01-16").apply_change("2027-01-16", quantity=3)
        adjustment = contract.adjustment_ids
        february = self.run_invoicing(contract, "2027-02-01")
        return accountant, contract, adjustment, february

    def test_a_cancelled_draft_invoice_is_billed_again_once(self):
        accountant, contract, adjustment, february = self.february_draft_with_an_adjustment()
        self.assertEqual(february.amount_untaxed, 403.23)  # February at 3 x 100, 16-31 January (200 x 16 / 31)
        february.sudo(accountant).action_invoice_cancel()
        self.assertEqual(february.state, "cancel")
        # its period and its adjustment are released: the next run bills them again
        self.assertEqual((contract.next_invoice_date, adjustment.invoice_line_id.id), ("2027-02-01", False))
        again = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual((self.periods_of(again), again.amount_untaxed), ([("2027-02-01", "2027-02-28")], 403.23))
        self.assertEqual(adjustment.invoice_line_id.invoice_id, again)
        # and only once
        self.assertFalse(self.run_invoicing(contract, "2027-02-01"))
        self.assertEqual(self.periods_of(self.run_invoicing(contract, "2027-03-01")), [("2027-03-01", "2027-03-31")])
        # the cancelled invoice cannot come back as a draft: it would bill February twice
        with self.assertRaises(UserError):
            february.sudo(accountant).action_invoice_draft()
        # a closed contract's draft is not cancelled: its periods would never be billed again
        contract.with_context(recurring_today="2027-03-31").action_close()
        with self.assertRaisesRegex(UserError, "cannot be cancelled as a draft"):
            again.sudo(accountant).action_invoice_cancel()
        self.assertEqual(again.state, "draft")

    def test_a_period_line_removed_from_a_draft_is_billed_again_and_only_it(self):
        accountant, contract, adjustment, february = self.february_draft_with_an_adjustment()
        period_line = february.invoice_line_ids.filtered("recurring_period_start")
        # the accountant removes February's line from the draft, keeps the adjustment of January
        february.sudo(accountant).write({"invoice_line_ids": [(2, period_line.id)]})
        self.assertEqual((february.amount_untaxed, contract.next_invoice_date), (103.23, "2027-02-01"))
        again = self.run_invoicing(contract, "2027-02-01")
        # February billed again (3 x 100), the adjustment not: it stays on the first draft
        self.assertEqual((self.periods_of(again), again.amount_untaxed), ([("2027-02-01", "2027-02-28")], 300.0))
        self.assertEqual(adjustment.invoice_line_id.invoice_id, february)
        self.assertFalse(self.run_invoicing(contract, "2027-02-01"))

    # -- 6. a French customer reads the labels of changes and credits in French -----------------

    def test_change_stop_and_pause_labels_are_in_the_customers_language(self):
        self.env["res.lang"].load_lang("fr_FR")
        tools.trans_load(self.env.cr, get_resource_path("recurring_billing", "i18n", "fr.po"), "fr_FR",
                         verbose=False, module_name="recurring_billing")
        french = self.env["res.partner"].create({"name": "Fromagerie Dupont", "lang": "fr_FR", "customer": True})
        contract = self.make_contract(start="2027-11-01", partner_id=french.id, user_id=self.salesman.id)
        hosting = contract.line_ids
        backup = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Backup", "quantity": 1,
            "price_unit": 30.0, "tax_ids": [(6, 0, self.tax.ids)]})
        self.run_invoicing(contract, "2027-11-01")
        # an English salesperson changes, stops, pauses: the customer reads French, dd/mm/yyyy
        self.assertEqual(self.salesman.lang, "en_US")
        as_salesman = contract.sudo(self.salesman).with_context(lang="en_US")
        hosting.sudo(self.salesman).with_context(lang="en_US", recurring_today="2027-11-16").apply_change(
            "2027-11-16", quantity=3)
        backup.sudo(self.salesman).with_context(lang="en_US", recurring_today="2027-11-16").action_stop("2027-11-21")
        as_salesman.with_context(recurring_today="2027-11-26").action_pause()
        as_salesman.with_context(recurring_today="2027-11-28").action_resume()
        labels = contract.adjustment_ids.sorted("id").mapped("name")
        self.assertEqual(len(labels), 3, labels)
        self.assertIn("Hosting : de 1 x 100,00 € à 3 x 100,00 € le 16/11/2027", labels[0])
        self.assertIn("Hosting : jours non utilisés du 21/11/2027 au 30/11/2027, déjà facturés (ligne arrêtée "
                      "le 21/11/2027)", labels[1])
        self.assertIn("Hosting : 2 jours de pause du 26/11/2027 au 27/11/2027, déjà facturés", labels[2])
        # and the next invoice carries them as they are
        december = self.run_invoicing(contract, "2027-12-01")
        self.assertIn("16/11/2027", " ".join(december.invoice_line_ids.mapped("name")))

    # -- 7. a user without an e-mail address pauses and closes -----------------------------------

    def test_a_salesperson_without_an_email_address_pauses_resumes_and_closes(self):
        nomail = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Nina No Mail", "login": "rb_fourth_nomail",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("sales_team.group_sale_salesman").id])]})
        self.assertFalse(nomail.email)
        contract = self.make_contract(start="2027-04-01", price=30.0, user_id=nomail.id)
        self.run_invoicing(contract, "2027-04-01")
        # the buttons track the state in the chatter as usual (tracking on, as in the web client)
        as_nomail = contract.sudo(nomail).with_context(tracking_disable=False, mail_notrack=False)
        as_nomail.with_context(recurring_today="2027-04-11").action_pause()
        self.assertEqual(contract.state, "paused")
        as_nomail.with_context(recurring_today="2027-04-16").action_resume()
        as_nomail.with_context(recurring_today="2027-04-20").action_close()
        self.assertEqual(contract.state, "closed")
        self.assertEqual(sorted(contract.adjustment_ids.mapped("amount")), [-10.0, -5.0])
