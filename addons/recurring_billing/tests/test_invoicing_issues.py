from odoo.tools import mute_logger

from .common import RecurringCase, d


class TestInvoicingIssues(RecurringCase):

    def test_a_failing_contract_is_listed_and_retried_while_the_others_are_invoiced(self):
        # given 100 contracts due on 1 January, one of which sells a product whose category
        # has no income account
        first = self.make_contract(start="2027-01-01", start_it=False)
        contracts = first
        for _index in range(99):
            contracts |= first.copy({"date_start": "2027-01-01"})
        poisoned = contracts[57]
        poisoned.write({"invoice_policy": "open", "user_id": self.salesman.id})
        category = self.env["product.category"].create({"name": "Unconfigured services"})
        category.property_account_income_categ_id = False
        poisoned.line_ids.product_id = self.env["product.product"].create({
            "name": "Unconfigured", "type": "service", "categ_id": category.id})
        contracts.action_start()
        Issue = self.env["recurring.invoicing.issue"]
        # when one run invoices them in a single batch
        invoices = contracts._invoice_contracts(d("2027-01-01"), commit=False, batch_size=100)
        # then the 99 others are invoiced once each, the poisoned one has no invoice and no claimed period
        self.assertEqual(len(invoices), 99)
        self.assertEqual(invoices.mapped("recurring_contract_id"), contracts - poisoned)
        self.assertFalse(poisoned.invoice_ids)
        self.assertFalse(poisoned.period_ids)
        self.assertEqual(poisoned.next_invoice_date, "2027-01-01")
        # and it is listed with its error, and its salesperson has an activity
        issue = Issue.search([("contract_id", "in", contracts.ids), ("state", "=", "open")])
        self.assertEqual(issue.contract_id, poisoned)
        self.assertIn("no income account for Unconfigured", issue.error)
        self.assertEqual(issue.attempt_count, 1)
        self.assertEqual(poisoned.activity_ids.user_id, self.salesman)
        self.assertIn(poisoned.name, poisoned.activity_ids.summary)
        # and the run's summary is kept
        run = issue.run_id
        self.assertEqual((run.contract_count, run.invoiced_count, run.failed_count, run.skipped_count,
                          run.invoice_count), (100, 99, 1, 0, 99))

        # when the next run comes, the contract still failing: retried, listed once, one activity
        self.assertFalse(contracts._invoice_contracts(d("2027-01-02"), commit=False))
        self.assertEqual(Issue.search([("contract_id", "=", poisoned.id)]), issue)
        self.assertEqual(issue.attempt_count, 2)
        self.assertEqual(len(poisoned.activity_ids), 1)

        # when the category gets its income account, the next run invoices it and the issue is solved
        category.property_account_income_categ_id = self.product.product_tmpl_id.get_product_accounts()["income"]
        retried = contracts._invoice_contracts(d("2027-01-03"), commit=False)
        self.assertEqual(retried.recurring_contract_id, poisoned)
        self.assertEqual(retried.state, "open")
        self.assertEqual(retried.amount_untaxed, 100.0)
        self.assertEqual(contracts.mapped("invoice_ids"), invoices | retried)
        self.assertEqual(issue.state, "solved")
        self.assertFalse(poisoned.activity_ids)

    def test_a_product_without_income_account_gives_a_clear_error(self):
        contract = self.make_contract(start="2027-01-01")
        category = self.env["product.category"].create({"name": "Unconfigured services"})
        category.property_account_income_categ_id = False
        accountless = self.env["product.product"].create({"name": "Unconfigured", "type": "service",
                                                          "categ_id": category.id})
        self.assertFalse(accountless.product_tmpl_id.get_product_accounts()["income"])
        contract.line_ids.product_id = accountless
        self.assertFalse(self.run_invoicing(contract, "2027-01-01"))
        issue = self.env["recurring.invoicing.issue"].search([("contract_id", "=", contract.id)])
        self.assertIn("no income account for Unconfigured", issue.error)

    @mute_logger("odoo.sql_db")  # the other company's invoice fails on its missing accounts, as expected
    def test_each_company_gets_its_own_run_and_reads_its_issues(self):
        # given a contract due in this company and one in a company without a chart of accounts
        other_company = self.env["res.company"].create({"name": "Filiale sans plan comptable"})
        here = self.make_contract(start="2027-01-01", start_it=False)
        there = here.copy({"date_start": "2027-01-01", "company_id": other_company.id, "line_ids": [
            (0, 0, {"product_id": self.product.id, "name": "Hosting", "quantity": 1.0, "price_unit": 100.0})]})
        (here | there).action_start()
        # when one run invoices both (as the cron does)
        invoices = (here | there)._invoice_contracts(d("2027-01-01"), commit=False)
        # then this company's contract is invoiced under a run of this company
        self.assertEqual(invoices.recurring_contract_id, here)
        runs = self.env["recurring.invoicing.run"].search([("date", "=", "2027-01-01")], order="id desc", limit=2)
        self.assertEqual(set(runs.mapped("company_id").ids), {here.company_id.id, other_company.id})
        # and the other company's failure is in a run of its own company, which its users can read
        issue = self.env["recurring.invoicing.issue"].search([("contract_id", "=", there.id)])
        self.assertEqual(issue.run_id.company_id, other_company)
        self.assertEqual(issue.run_id.contract_count, 1)

    def test_late_usage_of_a_closed_contract_that_fails_is_listed_and_left_for_the_next_run(self):
        # given a contract closed at the end of January, whose SMS product has no income account
        category = self.env["product.category"].create({"name": "Unconfigured services"})
        category.property_account_income_categ_id = False
        sms = self.env["product.product"].create({"name": "Unconfigured SMS", "type": "service",
                                                  "categ_id": category.id})
        contract = self.make_contract(start="2027-01-01", date_end="2027-01-31", user_id=self.salesman.id)
        line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": sms.id, "name": "SMS", "quantity": 0, "price_unit": 0.1,
            "is_usage": True})
        self.run_invoicing(contract, "2027-01-01")
        self.Contract.cron_lifecycle(today=d("2027-02-01"))
        self.assertEqual(contract.state, "closed")
        # when January's SMS are reported after it closed and the daily run fails to invoice them
        usage = self.env["recurring.usage"].create({"line_id": line.id, "date": "2027-01-20", "quantity": 10})
        self.Contract.cron_invoice_due(today=d("2027-02-02"))
        # then the contract is listed with its error under a run of its company, the usage left to invoice
        issue = self.env["recurring.invoicing.issue"].search([("contract_id", "=", contract.id)])
        self.assertIn("no income account for Unconfigured SMS", issue.error)
        self.assertEqual((issue.run_id.company_id, issue.run_id.failed_count), (contract.company_id, 1))
        self.assertEqual(contract.activity_ids.user_id, self.salesman)
        self.assertFalse(usage.invoice_line_id)
        self.assertEqual(len(contract.invoice_ids), 1)
