from odoo import tools
from odoo.exceptions import AccessError, ValidationError
from odoo.modules.module import get_resource_path

from .common import RecurringCase, d


class TestReview20More(RecurringCase):
    """What the outside review of issue 20 found next: a portal user reading the team's
    internal note and anybody running the daily jobs over RPC."""

    @classmethod
    def setUpClass(cls):
        super(TestReview20More, cls).setUpClass()
        cls.contact = contact = cls.env["res.partner"].create({
            "name": "Paul Martin", "parent_id": cls.customer.id, "email": "paul@example.com"})
        cls.portal = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Paul Martin", "login": "rb_portal_more", "partner_id": contact.id,
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])]})

    # -- 1. what a portal user reads and calls ------------------------------------------

    def test_the_customer_never_reads_the_internal_note(self):
        contract = self.make_contract(start="2027-01-01", note="Customer threatens to leave, 30 % max",
                                      partner_id=self.contact.id)
        mine = contract.sudo(self.portal)
        self.assertEqual(mine.read(["name"])[0]["name"], contract.name)  # the contract is theirs
        self.assertNotIn("note", mine.fields_get())
        with self.assertRaises(AccessError):
            mine.read(["name", "note"])
        # the team still reads and writes it
        self.assertEqual(contract.sudo(self.manager).read(["note"])[0]["note"],
                         "Customer threatens to leave, 30 % max")

    def test_only_the_scheduler_runs_the_daily_jobs(self):
        contract = self.make_contract(start="2027-01-01", user_id=self.salesman.id)
        for user in (self.portal, self.salesman, self.manager):
            with self.assertRaises(AccessError):
                self.Contract.sudo(user).cron_invoice_due(today="2028-01-01")
            with self.assertRaises(AccessError):
                self.Contract.sudo(user).cron_lifecycle()
            with self.assertRaises(AccessError):
                self.env["recurring.mrr.snapshot"].sudo(user).cron_snapshot()
        self.assertFalse(contract.period_ids)
        # the scheduler's jobs point at the private methods, which RPC cannot call
        for xmlid, code in (("cron_recurring_invoice_due", "model._cron_invoice_due()"),
                            ("cron_recurring_lifecycle", "model._cron_lifecycle()"),
                            ("cron_recurring_mrr_snapshot", "model._cron_snapshot()")):
            self.assertEqual(self.env.ref("recurring_billing.%s" % xmlid).code, code)
        # and the administrator's call still works
        self.assertTrue(self.Contract.cron_lifecycle())

    def test_a_customer_cannot_press_the_contract_buttons(self):
        contract = self.make_contract(start="2026-11-01", partner_id=self.contact.id)
        mine = contract.sudo(self.portal)
        self.assertEqual(mine.read(["state"])[0]["state"], "running")  # theirs to read
        for button in ("action_invoice_now", "action_pause", "action_close", "action_give_notice"):
            with self.assertRaises(AccessError):
                getattr(mine, button)()
        self.assertFalse(contract.period_ids)
        self.assertEqual(contract.state, "running")

    # -- 2. "validated and e-mailed": sending never undoes an invoice -----------------------

    def test_an_invoice_that_cannot_be_emailed_stays_validated_and_is_listed(self):
        Issue = self.env["recurring.invoicing.issue"]
        no_email = self.env["res.partner"].create({"name": "Ferme sans courriel", "customer": True})
        silent = self.make_contract(start="2027-01-01", partner_id=no_email.id, invoice_policy="send",
                                    start_it=False)
        emailed = self.make_contract(start="2027-01-01", invoice_policy="send", start_it=False)
        failing = self.make_contract(start="2027-01-01", invoice_policy="send", start_it=False)
        revenue = self.env.ref("account.data_account_type_revenue")
        old_account = self.env["account.account"].create({
            "code": "706999", "name": "Old services (deprecated)", "user_type_id": revenue.id,
            "deprecated": True, "company_id": self.company.id})
        category = self.env["product.category"].create({"name": "Old services",
                                                        "property_account_income_categ_id": old_account.id})
        failing.line_ids.product_id = self.env["product.product"].create({
            "name": "Old hosting", "type": "service", "categ_id": category.id})
        contracts = silent | emailed | failing
        contracts.action_start()
        # one run invoices the three together
        invoices = contracts._invoice_contracts(d("2027-01-01"), commit=False)
        # the customer without e-mail has a validated invoice, not marked as sent, its period claimed
        invoice = silent.invoice_ids
        self.assertEqual(invoice.state, "open")
        self.assertFalse(invoice.sent)
        self.assertEqual(silent.period_ids.invoice_id, invoice)
        self.assertEqual(silent.next_invoice_date, "2027-02-01")
        issue = Issue.search([("contract_id", "=", silent.id), ("state", "=", "open")])
        self.assertIn("not e-mailed", issue.error)
        self.assertIn("Ferme sans courriel", issue.error)
        # the other customer got theirs
        self.assertEqual(emailed.invoice_ids.state, "open")
        self.assertTrue(emailed.invoice_ids.sent)
        self.assertTrue(emailed.invoice_ids.message_ids.filtered(lambda m: self.customer in m.partner_ids))
        # the failing contract has nothing claimed nor invoiced, and is listed
        self.assertFalse(failing.invoice_ids)
        self.assertFalse(failing.period_ids)
        self.assertIn("deprecated", Issue.search([("contract_id", "=", failing.id)]).error)
        self.assertEqual(invoices, silent.invoice_ids | emailed.invoice_ids)
        # the run is finished and counts what happened
        run = issue.run_id
        self.assertTrue(run.date_finished)
        self.assertEqual((run.contract_count, run.invoiced_count, run.failed_count, run.invoice_count),
                         (3, 2, 1, 2))

    # -- 3. the taxes of a line are its contract's company's -------------------------------

    def test_a_user_of_another_company_cannot_put_a_tax_he_cannot_read_on_his_lines(self):
        chicago = self.env["res.company"].create({"name": "Recurring Chicago"})
        local_tax = self.env["account.tax"].create({
            "name": "Sales tax (test)", "amount": 10.0, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": chicago.id})
        seller = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Chuck Chicago", "login": "rb_chicago", "company_id": chicago.id,
            "company_ids": [(6, 0, chicago.ids)],
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("sales_team.group_sale_salesman").id])]})
        Contract = self.Contract.sudo(seller)
        with self.assertRaises(AccessError):
            self.tax.sudo(seller).read(["name"])  # the French VAT is not his to read

        def line(taxes):
            return {"product_id": self.product.id, "name": "Hosting", "quantity": 1.0, "price_unit": 100.0,
                    "tax_ids": [(6, 0, taxes.ids)]}

        values = {"partner_id": self.customer.id, "date_start": "2027-01-01"}
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Contract.create(dict(values, line_ids=[(0, 0, line(self.tax))]))  # nested line create
        contract = Contract.create(dict(values, line_ids=[(0, 0, line(local_tax))]))
        self.assertEqual(contract.company_id, chicago)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            contract.line_ids.write({"tax_ids": [(4, self.tax.id)]})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["recurring.contract.line"].sudo(seller).create(dict(line(self.tax), contract_id=contract.id))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            contract.write({"line_ids": [(1, contract.line_ids.id, {"tax_ids": [(6, 0, self.tax.ids)]})]})
        self.assertEqual(contract.line_ids.tax_ids, local_tax)

    # -- 5. renewal catch-up -----------------------------------------------------------------

    def test_a_contract_whose_term_ended_terms_ago_renews_up_to_today_in_one_run(self):
        # a quarterly commitment from January, invoiced to March, the job not run since
        contract = self.make_contract(start="2027-01-01", commitment_count=3)
        self.assertEqual(contract.date_end, "2027-03-31")
        self.assertEqual(len(self.run_invoicing(contract, "2027-03-01")), 3)
        self.Contract.cron_lifecycle(today=d("2027-11-15"))
        self.assertEqual(contract.date_end, "2027-12-31")
        self.assertEqual(contract.state, "running")
        # and the same day's run bills every period up to November
        invoices = self.run_invoicing(contract, "2027-11-15")
        self.assertEqual(len(invoices), 8)
        self.assertEqual(self.periods_of(invoices)[-1], ("2027-11-01", "2027-11-30"))

    # -- 4. the customer's language ------------------------------------------------------------

    def load_french(self):
        self.env["res.lang"].load_lang("fr_FR")
        tools.trans_load(self.env.cr, get_resource_path("recurring_billing", "i18n", "fr.po"), "fr_FR",
                         verbose=False, module_name="recurring_billing")

    def test_invoice_labels_are_in_the_customers_language_whoever_invoices(self):
        self.load_french()
        french = self.env["res.partner"].create({"name": "Fromagerie Dupont", "lang": "fr_FR",
                                                 "email": "dupont@example.com", "customer": True})
        english = self.env["res.partner"].create({"name": "Bristol Bakery", "lang": "en_US",
                                                  "email": "bristol@example.com", "customer": True})
        self.salesman.lang = "fr_FR"
        # the daily job runs in English, for a French customer
        self.assertEqual(self.env.lang or "en_US", "en_US")
        for_french = self.make_contract(start="2027-01-01", partner_id=french.id)
        invoice = self.run_invoicing(for_french, "2027-01-01")
        self.assertIn("Période : du 01/01/2027 au 31/01/2027", invoice.invoice_line_ids.name)
        # a French salesperson invoices an English customer: English labels, quantities as written
        for_english = self.make_contract(start="2027-01-16", partner_id=english.id, price=9.99, quantity=3.0,
                                         period_alignment="calendar", user_id=self.salesman.id)
        invoice = for_english.sudo(self.salesman)._invoice_contracts(d("2027-01-16"), commit=False)
        label = invoice.invoice_line_ids.name
        self.assertIn("Period: 01/16/2027 to 01/31/2027 (prorated: 16 of 31 days) 3 x 9.99", label)
        self.assertEqual(invoice.amount_untaxed, 15.47)

    def test_a_french_salesperson_reads_his_alerts_and_errors_in_french(self):
        self.load_french()
        self.salesman.lang = "fr_FR"
        contract = self.make_contract(start="2027-01-01", commitment_count=12, auto_renew=True, alert_days=30,
                                      user_id=self.salesman.id)
        # the daily job, in English, leaves him an activity in French with a French date
        self.Contract.cron_lifecycle(today=d("2027-12-15"))
        self.assertEqual(contract.activity_ids.summary,
                         "Le contrat %s est reconduit le 31/12/2027" % contract.name)
        # and what the application refuses him names the model in French
        with self.assertRaisesRegex(AccessError, "de Contrat récurrent est renseigné par l'application"):
            contract.sudo(self.salesman).with_context(lang="fr_FR").write({"mrr": 1.0})
