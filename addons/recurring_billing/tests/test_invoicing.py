from .common import RecurringCase, d


class TestInvoicing(RecurringCase):

    def test_monthly_contract_from_the_31st_catches_up_each_missed_period_once(self):
        # given a contract started on 31 January, never invoiced
        contract = self.make_contract(start="2027-01-31")
        self.assertEqual(contract.next_invoice_date, "2027-01-31")
        # when the run happens mid-April
        invoices = self.run_invoicing(contract, "2027-04-15")
        # then January, February and March periods each get one invoice, month-end clamped
        self.assertEqual(len(invoices), 3)
        self.assertEqual(self.periods_of(invoices), [
            ("2027-01-31", "2027-02-27"), ("2027-02-28", "2027-03-30"), ("2027-03-31", "2027-04-29")])
        self.assertEqual(invoices.mapped("amount_untaxed"), [100.0] * 3)
        self.assertEqual(invoices.mapped("amount_total"), [120.0] * 3)
        self.assertEqual(set(invoices.mapped("partner_id")), {self.customer})
        self.assertEqual(contract.next_invoice_date, "2027-04-30")
        # and a rerun the same day invoices nothing more
        self.assertFalse(self.run_invoicing(contract, "2027-04-15"))
        self.assertEqual(contract.invoice_count, 3)

    def test_arrears_invoices_the_day_after_the_period(self):
        contract = self.make_contract(start="2028-02-01", invoicing_mode="arrears")
        self.assertFalse(self.run_invoicing(contract, "2028-02-29"))
        invoice = self.run_invoicing(contract, "2028-03-01")
        self.assertEqual(self.periods_of(invoice), [("2028-02-01", "2028-02-29")])
        self.assertEqual(invoice.date_invoice, "2028-03-01")

    def test_start_mid_month_aligned_on_the_first_is_prorated(self):
        contract = self.make_contract(start="2027-04-16", period_alignment="calendar", price=30.0)
        invoices = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(len(invoices), 2)
        first, second = invoices.sorted("date_invoice")
        self.assertEqual(first.amount_untaxed, 15.0)
        self.assertIn("15", first.invoice_line_ids.name)
        self.assertEqual(second.amount_untaxed, 30.0)
        self.assertEqual(self.periods_of(second), [("2027-05-01", "2027-05-31")])

    def test_end_mid_period_prorates_the_last_invoice_and_stops(self):
        contract = self.make_contract(start="2027-01-01", date_end="2027-02-14", price=28.0)
        invoices = self.run_invoicing(contract, "2027-06-01")
        self.assertEqual(sorted(invoices.mapped("amount_untaxed")), [14.0, 28.0])
        self.assertFalse(contract.next_invoice_date)

    def test_prepaid_line_raised_mid_period_adds_the_difference_to_the_next_invoice(self):
        # given 10 a month, April invoiced in advance
        contract = self.make_contract(start="2027-04-01", price=10.0)
        self.run_invoicing(contract, "2027-04-01")
        # when the price goes to 20 from 16 April
        contract.line_ids.apply_change("2027-04-16", price_unit=20.0)
        # then the May invoice is 20 plus 5 for the second half of April
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(may.amount_untaxed, 25.0)
        self.assertEqual(len(may.invoice_line_ids), 2)
        self.assertEqual(contract.adjustment_ids.invoice_line_id.invoice_id, may)

    def test_stopping_a_prepaid_line_credits_the_unused_days(self):
        contract = self.make_contract(start="2027-04-01", price=30.0)
        extra = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Backup", "quantity": 1,
            "price_unit": 60.0})
        self.run_invoicing(contract, "2027-04-01")
        extra.action_stop("2027-04-21")
        may = self.run_invoicing(contract, "2027-05-01")
        # 30 for May, minus 10 days of 60 unused in April
        self.assertEqual(may.amount_untaxed, 10.0)

    def test_usage_is_invoiced_for_the_period_it_belongs_to(self):
        contract = self.make_contract(start="2027-03-01")
        usage_line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        Usage = self.env["recurring.usage"]
        Usage.create({"line_id": usage_line.id, "date": "2027-03-05", "quantity": 100, "reference": "a"})
        Usage.create({"line_id": usage_line.id, "date": "2027-03-31", "quantity": 50, "reference": "b"})
        Usage.create({"line_id": usage_line.id, "date": "2027-04-02", "quantity": 70, "reference": "c"})
        march = self.run_invoicing(contract, "2027-03-31")
        self.assertEqual(march.amount_untaxed, 100.0)  # in advance: no usage known yet
        april = self.run_invoicing(contract, "2027-04-01")
        usage_invoice_line = april.invoice_line_ids.filtered(lambda l: l.product_id == self.usage_product)
        self.assertEqual(usage_invoice_line.quantity, 150.0)
        self.assertEqual((usage_invoice_line.recurring_period_start, usage_invoice_line.recurring_period_end),
                         ("2027-03-01", "2027-03-31"))
        self.assertEqual(april.amount_untaxed, 115.0)
        may = self.run_invoicing(contract, "2027-05-01")
        self.assertEqual(may.invoice_line_ids.filtered(lambda l: l.product_id == self.usage_product).quantity, 70)

    def test_price_change_applies_from_the_next_period_and_tells_the_customer(self):
        contract = self.make_contract(start="2027-01-01")
        self.env["recurring.price.change"].create({
            "line_id": contract.line_ids.id, "date": "2027-02-10", "price_unit": 110.0})
        message = contract.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("110.00", message.body)
        invoices = self.run_invoicing(contract, "2027-03-01").sorted("date_invoice")
        self.assertEqual(invoices.mapped("amount_untaxed"), [100.0, 100.0, 110.0])

    def test_validated_invoices_are_open_and_numbered(self):
        contract = self.make_contract(start="2027-01-01", invoice_policy="send")
        invoice = self.run_invoicing(contract, "2027-01-01")
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.number, invoice.move_id.name)
        self.assertIn("/2027/", invoice.number)
        self.assertIs(invoice.sent, True)

    def test_instalments_stop_after_their_count(self):
        contract = self.make_contract(start="2027-01-01", instalment_count=3, recurring_unit="week")
        invoices = self.run_invoicing(contract, "2027-12-31")
        self.assertEqual(len(invoices), 3)
        self.assertFalse(contract.next_invoice_date)

    def test_paused_contract_is_not_invoiced_and_resumes_with_the_right_date(self):
        # given 100 a month in advance, January invoiced
        contract = self.make_contract(start="2027-01-01")
        self.run_invoicing(contract, "2027-01-01")
        # when it is paused on 20 January
        contract.with_context(recurring_today="2027-01-20").action_pause()
        self.assertEqual(contract.state, "paused")
        self.assertNotIn(contract.id, self.Contract._due_contract_ids(d("2099-01-01")))
        self.assertFalse(self.run_invoicing(contract, "2027-03-15"))
        # and resumed on 16 March
        contract.with_context(recurring_today="2027-03-16").action_resume()
        pause = contract.pause_ids
        self.assertEqual((contract.state, pause.date_start, pause.date_end), ("running", "2027-01-20", "2027-03-15"))
        # then February was wholly paused; March is billed for its 16 days after the pause, and the
        # 12 paused days of January already invoiced are credited (100 x 12 / 31)
        self.assertEqual(contract.next_invoice_date, "2027-03-01")
        invoices = self.run_invoicing(contract, "2027-04-01")
        self.assertEqual(self.periods_of(invoices), [("2027-03-01", "2027-03-31"), ("2027-04-01", "2027-04-30")])
        march, april = invoices.sorted("id")
        self.assertEqual(sorted(march.invoice_line_ids.mapped("price_subtotal")), [-38.71, 51.61])
        self.assertIn("16 of 31 days", march.invoice_line_ids.filtered(lambda line: line.price_subtotal > 0).name)
        self.assertEqual(april.amount_untaxed, 100.0)

    def test_pause_from_31_january_to_2_february_bills_february_less_2_days(self):
        # given 280 a month in advance from 1 January, not invoiced yet
        contract = self.make_contract(start="2027-01-01", price=280.0)
        # when the customer pauses on 31 January and resumes on 3 February (31 January - 2 February paused)
        contract.with_context(recurring_today="2027-01-31").action_pause()
        contract.with_context(recurring_today="2027-02-03").action_resume()
        self.assertEqual((contract.pause_ids.date_start, contract.pause_ids.date_end), ("2027-01-31", "2027-02-02"))
        self.assertEqual(contract.next_invoice_date, "2027-01-01")
        # then January is billed for its 30 other days, February for its 26 other days, March in full
        january, february = self.run_invoicing(contract, "2027-02-03").sorted("id")
        self.assertEqual(self.periods_of(february), [("2027-02-01", "2027-02-28")])
        self.assertEqual((january.amount_untaxed, february.amount_untaxed), (270.97, 260.0))
        self.assertIn("26 of 28 days", february.invoice_line_ids.name)
        self.assertEqual(self.run_invoicing(contract, "2027-03-01").amount_untaxed, 280.0)

    def test_days_ahead_invoices_the_next_period_early(self):
        contract = self.make_contract(start="2027-01-01", days_ahead=10)
        invoices = self.run_invoicing(contract, "2027-01-25")
        self.assertEqual(len(invoices), 2)
        self.assertIn(contract.id, self.Contract._due_contract_ids(d("2027-02-19")))
        self.assertNotIn(contract.id, self.Contract._due_contract_ids(d("2027-02-18")))

    def test_cron_invoices_due_contracts_only(self):
        due = self.make_contract(start="2027-01-01")
        draft = self.make_contract(start="2027-01-01", start_it=False)
        self.Contract.with_context(recurring_no_commit=True).cron_invoice_due(today=d("2027-01-01"))
        self.assertEqual(due.invoice_count, 1)
        self.assertEqual(draft.invoice_count, 0)

    def test_one_run_gives_each_contract_its_own_taxes_and_totals(self):
        # given a French customer and an export customer whose fiscal position drops the VAT,
        # invoiced in the same run (the run resolves accounts and taxes once per run)
        tax_free = self.env["account.tax"].create({
            "name": "TVA 0 % export (test)", "amount": 0.0, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": self.company.id})
        export = self.env["account.fiscal.position"].create({
            "name": "Export (test)", "tax_ids": [(0, 0, {"tax_src_id": self.tax.id, "tax_dest_id": tax_free.id})]})
        abroad = self.env["res.partner"].create({"name": "Bakery Abroad", "customer": True,
                                                 "property_account_position_id": export.id})
        french = self.make_contract(start="2027-01-01", price=100.0)
        exported = self.make_contract(start="2027-01-01", price=100.0, partner_id=abroad.id)
        other = self.make_contract(start="2027-01-01", price=50.0, quantity=3.0)
        # when one run invoices them
        invoices = self.run_invoicing(french | exported | other, "2027-01-01")
        # then each invoice has its customer's taxes, tax lines and totals
        self.assertEqual(len(invoices), 3)
        by_contract = {invoice.recurring_contract_id: invoice for invoice in invoices}
        self.assertEqual(by_contract[french].amount_total, 120.0)
        self.assertEqual(by_contract[french].tax_line_ids.mapped("amount"), [20.0])
        self.assertEqual(by_contract[exported].invoice_line_ids.invoice_line_tax_ids, tax_free)
        self.assertEqual(by_contract[exported].amount_total, 100.0)
        self.assertEqual(by_contract[exported].fiscal_position_id, export)
        self.assertEqual(by_contract[other].amount_untaxed, 150.0)
        self.assertEqual(by_contract[other].amount_total, 180.0)
        self.assertEqual(by_contract[other].tax_line_ids.mapped("base"), [150.0])

    def test_invoice_has_the_customers_terms_and_the_run_date_after_the_lock_date(self):
        # given a customer paying at 30 days, a contract with an analytic account, and books
        # locked until 31 January 2027
        terms = self.env.ref("account.account_payment_term_net")
        self.customer.property_payment_term_id = terms
        analytic = self.env["account.analytic.account"].create({"name": "Hosting revenue (test)"})
        contract = self.make_contract(start="2027-01-01", analytic_account_id=analytic.id)
        self.company.period_lock_date = "2027-01-31"
        # when the January period is invoiced late, on 20 January, and February on 1 February
        january = self.run_invoicing(contract, "2027-01-20")
        february = self.run_invoicing(contract, "2027-02-01")
        # then both invoices carry the customer's payment terms and the analytic account
        self.assertEqual((january | february).mapped("payment_term_id"), terms)
        self.assertEqual((january | february).mapped("invoice_line_ids.account_analytic_id"), analytic)
        # and are dated on the first open day after the lock date (else the run date),
        # the period staying on the line
        self.assertEqual(january.date_invoice, "2027-02-01")
        self.assertEqual(february.date_invoice, "2027-02-01")
        self.assertIn("01/01/2027 to 01/31/2027", january.invoice_line_ids.name)
        # when the company dates invoices on their period, the run date gives way
        self.company.write({"period_lock_date": False, "recurring_invoice_date": "period"})
        march = self.run_invoicing(contract, "2027-03-05")
        self.assertEqual(march.date_invoice, "2027-03-01")

    def test_the_contracts_own_terms_and_fiscal_position_come_before_the_customers(self):
        # given a customer paying at 30 days, and a contract agreed at once with no VAT (export)
        self.customer.property_payment_term_id = self.env.ref("account.account_payment_term_net")
        immediate = self.env.ref("account.account_payment_term_immediate")
        tax_free = self.env["account.tax"].create({
            "name": "TVA 0 % export (test)", "amount": 0.0, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": self.company.id})
        export = self.env["account.fiscal.position"].create({
            "name": "Export (test)", "tax_ids": [(0, 0, {"tax_src_id": self.tax.id, "tax_dest_id": tax_free.id})]})
        contract = self.make_contract(start="2027-01-01", payment_term_id=immediate.id, fiscal_position_id=export.id)
        # when it is invoiced
        invoice = self.run_invoicing(contract, "2027-01-01")
        # then the invoice has the contract's terms and fiscal position, the VAT mapped by it
        self.assertEqual((invoice.payment_term_id, invoice.fiscal_position_id), (immediate, export))
        self.assertEqual(invoice.invoice_line_ids.invoice_line_tax_ids, tax_free)
        self.assertEqual(invoice.amount_total, 100.0)

    def test_paused_days_of_a_prepaid_period_are_credited_on_resume(self):
        # given 280 a month in advance, January invoiced on 1 January
        contract = self.make_contract(start="2027-01-01", price=280.0)
        self.run_invoicing(contract, "2027-01-01")
        # when the customer pauses on 31 January and resumes on 3 February
        contract.with_context(recurring_today="2027-01-31").action_pause()
        contract.with_context(recurring_today="2027-02-03").action_resume()
        self.assertEqual((contract.pause_ids.date_start, contract.pause_ids.date_end), ("2027-01-31", "2027-02-02"))
        # then February bills its 26 other days, less 31 January already invoiced (280 / 31)
        february = self.run_invoicing(contract, "2027-02-03")
        self.assertEqual(sorted(february.invoice_line_ids.mapped("price_subtotal")), [-9.03, 260.0])

    def test_a_contract_of_another_company_gets_that_companys_accounts_and_terms(self):
        # given a second company with its own receivable and income accounts and sales journal,
        # where the customer pays at 45 days (at 30 days here)
        other = self.env["res.company"].create({"name": "Filiale Lyon (test)"})
        Account = self.env["account.account"]
        receivable = Account.create({
            "name": "Clients Lyon", "code": "411LYO", "company_id": other.id, "reconcile": True,
            "user_type_id": self.env.ref("account.data_account_type_receivable").id})
        income = Account.create({
            "name": "Prestations Lyon", "code": "706LYO", "company_id": other.id,
            "user_type_id": self.env.ref("account.data_account_type_revenue").id})
        journal = self.env["account.journal"].create({
            "name": "Ventes Lyon", "code": "VLYO", "type": "sale", "company_id": other.id})
        terms_there = self.env["account.payment.term"].create({
            "name": "45 jours (Lyon)", "company_id": other.id,
            "line_ids": [(0, 0, {"value": "balance", "days": 45})]})
        self.customer.property_payment_term_id = self.env.ref("account.account_payment_term_net")
        self.customer.with_context(force_company=other.id).write({
            "property_account_receivable_id": receivable.id, "property_payment_term_id": terms_there.id})
        self.product.with_context(force_company=other.id).property_account_income_id = income
        tax_there = self.env["account.tax"].create({
            "name": "TVA 20 % Lyon (test)", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": other.id})
        contract = self.make_contract(start="2027-01-01", company_id=other.id, invoice_policy="open")
        contract.line_ids.tax_ids = tax_there
        # when the run of that company invoices it
        invoice = self.run_invoicing(contract, "2027-01-01")
        # then the validated invoice has that company's journal, accounts and the customer's terms there
        self.assertEqual((invoice.state, invoice.company_id, invoice.journal_id), ("open", other, journal))
        self.assertEqual((invoice.account_id, invoice.payment_term_id), (receivable, terms_there))
        self.assertEqual(invoice.invoice_line_ids.account_id, income)
        self.assertEqual(invoice.amount_total, 120.0)
