import xlrd

from .common import RecurringCase, d


class TestMrrSnapshots(RecurringCase):

    @classmethod
    def setUpClass(cls):
        super(TestMrrSnapshots, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.Snapshot = cls.env["recurring.mrr.snapshot"]
        cls.Report = cls.env["recurring.revenue.report"]
        # 2 x 100 a month since November 2025
        cls.monthly = cls.make_contract(start="2025-11-01", quantity=2.0,
                                        partner_id=Partner.create({"name": "Monthly Ltd"}).id)
        # 1,200 a year since December 2025: 100 a month
        cls.yearly = cls.make_contract(start="2025-12-01", price=1200.0, recurring_unit="year",
                                       partner_id=Partner.create({"name": "Yearly Ltd"}).id)
        # 1 x 100 since November 2025, 2 from January 2026 (changed on 15 January)
        cls.upgraded = cls.make_contract(start="2025-11-01",
                                         partner_id=Partner.create({"name": "Upgraded Ltd"}).id)
        cls.upgraded.line_ids.with_context(recurring_today="2026-01-15").apply_change("2026-01-01", quantity=2.0)
        # 100 a month since November 2025, paused since 1 February 2026
        cls.paused = cls.make_contract(start="2025-11-01", partner_id=Partner.create({"name": "Paused Ltd"}).id)
        cls.paused.with_context(recurring_today="2026-02-01").action_pause()
        # 50 dollars a month since January 2026: 1 EUR = 1.25 USD in January, 1 USD in February
        usd = cls.env.ref("base.USD")
        usd.active = True
        cls.env["res.currency.rate"].search([("currency_id", "=", usd.id)]).unlink()
        cls.env["res.currency.rate"].create({"currency_id": usd.id, "name": "2026-01-01", "rate": 1.25})
        cls.env["res.currency.rate"].create({"currency_id": usd.id, "name": "2026-02-01", "rate": 1.0})
        cls.dollars = cls.make_contract(start="2026-01-01", price=50.0, currency_id=usd.id,
                                        partner_id=Partner.create({"name": "Dollar Inc"}).id)
        cls.contracts = cls.monthly | cls.yearly | cls.upgraded | cls.paused | cls.dollars

    def mrr_by_month(self, contract):
        snapshots = self.Snapshot.search([("contract_id", "=", contract.id)], order="month")
        return [(snapshot.month[:7], round(snapshot.mrr, 2)) for snapshot in snapshots]

    def test_snapshots_are_backfilled_from_history_in_the_company_currency(self):
        # when the daily run first happens on 10 March 2026
        self.Snapshot.cron_snapshot(today=d("2026-03-10"))
        # then every month since each contract started has its MRR as it was then
        self.assertEqual(self.mrr_by_month(self.monthly), [
            ("2025-11", 200.0), ("2025-12", 200.0), ("2026-01", 200.0), ("2026-02", 200.0), ("2026-03", 200.0)])
        self.assertEqual(self.mrr_by_month(self.yearly)[0], ("2025-12", 100.0))
        self.assertEqual(self.mrr_by_month(self.upgraded), [
            ("2025-11", 100.0), ("2025-12", 100.0), ("2026-01", 200.0), ("2026-02", 200.0), ("2026-03", 200.0)])
        # the paused months count for nothing, the dollars at each month's rate
        self.assertEqual(self.mrr_by_month(self.paused), [
            ("2025-11", 100.0), ("2025-12", 100.0), ("2026-01", 100.0), ("2026-02", 0.0), ("2026-03", 0.0)])
        self.assertEqual(self.mrr_by_month(self.dollars), [("2026-01", 40.0), ("2026-02", 50.0), ("2026-03", 50.0)])
        self.assertEqual(self.paused.mrr, 0.0)

    def test_a_pause_over_a_month_end_or_an_end_mid_month_keeps_the_months_mrr(self):
        # given 310 a month paused from 30 January to 1 February, and 100 a month ending on 10 February
        Partner = self.env["res.partner"]
        short = self.make_contract(start="2026-01-01", price=310.0, partner_id=Partner.create({"name": "Short Ltd"}).id)
        short.with_context(recurring_today="2026-01-30").action_pause()
        short.with_context(recurring_today="2026-02-02").action_resume()
        self.assertEqual((short.pause_ids.date_start, short.pause_ids.date_end), ("2026-01-30", "2026-02-01"))
        ending = self.make_contract(start="2026-01-01", date_end="2026-02-10",
                                    partner_id=Partner.create({"name": "Ending Ltd"}).id)
        # when the snapshots are taken
        self.Snapshot.cron_snapshot(today=d("2026-03-10"))
        # then January counts the paused contract (it ran until the 29th) and February the ended one
        self.assertEqual(self.mrr_by_month(short), [("2026-01", 310.0), ("2026-02", 310.0), ("2026-03", 310.0)])
        self.assertEqual(self.mrr_by_month(ending), [("2026-01", 100.0), ("2026-02", 100.0), ("2026-03", 0.0)])
        # no churn nor reactivation for the short pause; the ended contract churns in March
        rows = self.Report.search([("contract_id", "in", (short | ending).ids)])
        moves = [(row.contract_id, row.month, row.lost_mrr) for row in rows if row.lost_mrr or row.reactivation_mrr]
        self.assertEqual(moves, [(ending, "2026-03-01", 100.0)])

    def test_a_contract_counts_no_mrr_after_its_last_instalment(self):
        # given 60 a month in 2 instalments from 1 January 2026 (January and February)
        contract = self.make_contract(start="2026-01-01", price=60.0, instalment_count=2,
                                      partner_id=self.env["res.partner"].create({"name": "Two months Ltd"}).id)
        # when the snapshots are taken in April
        self.Snapshot.cron_snapshot(today=d("2026-04-10"))
        # then January and February count 60, March and April nothing: its MRR is lost in March
        self.assertEqual(self.mrr_by_month(contract), [
            ("2026-01", 60.0), ("2026-02", 60.0), ("2026-03", 0.0), ("2026-04", 0.0)])
        lost = self.Report.search([("contract_id", "=", contract.id), ("lost_mrr", "!=", 0)])
        self.assertEqual([(row.month, row.lost_mrr) for row in lost], [("2026-03-01", 60.0)])

    def test_a_contract_of_another_company_is_converted_at_that_companys_rate(self):
        # given a company whose own rate is 2 dollars for 1 euro, and a contract of 50 dollars a month there
        other = self.env["res.company"].create({"name": "Filiale Genève (test)"})
        self.env["res.currency.rate"].create({"currency_id": self.dollars.currency_id.id, "name": "2026-01-01",
                                              "rate": 2.0, "company_id": other.id})
        contract = self.make_contract(start="2026-01-01", price=50.0, currency_id=self.dollars.currency_id.id,
                                      company_id=other.id)
        # when January's snapshot is taken
        self.Snapshot.cron_snapshot(today=d("2026-01-20"))
        # then its MRR is 25 euros, at that company's rate (40 at this company's 1.25)
        self.assertEqual(self.mrr_by_month(contract), [("2026-01", 25.0)])
        self.assertEqual(self.mrr_by_month(self.dollars), [("2026-01", 40.0)])

    def test_a_price_change_today_does_not_change_last_months_mrr(self):
        self.Snapshot.cron_snapshot(today=d("2026-03-10"))
        # when the monthly contract's price goes from 100 to 150 and the next day's run happens
        self.monthly.line_ids.price_unit = 150.0
        self.Snapshot.cron_snapshot(today=d("2026-03-11"))
        # then only this month's MRR changes
        self.assertEqual(self.mrr_by_month(self.monthly), [
            ("2025-11", 200.0), ("2025-12", 200.0), ("2026-01", 200.0), ("2026-02", 200.0), ("2026-03", 300.0)])

    def test_movements_and_retention_of_a_month(self):
        self.Snapshot.cron_snapshot(today=d("2026-03-10"))
        domain = [("contract_id", "in", self.contracts.ids)]
        rows = {row.contract_id: row for row in self.Report.search(domain + [("month", "=", "2026-02-01")])}
        self.assertEqual(rows[self.paused].lost_mrr, 100.0)
        self.assertEqual(rows[self.dollars].expansion_mrr, 10.0)
        self.assertEqual(rows[self.monthly].new_mrr + rows[self.monthly].expansion_mrr, 0.0)
        january = {row.contract_id: row for row in self.Report.search(domain + [("month", "=", "2026-01-01")])}
        self.assertEqual(january[self.upgraded].expansion_mrr, 100.0)
        self.assertEqual(january[self.dollars].new_mrr, 40.0)
        # February: 640 at the start, 10 of expansion, 100 lost with 1 customer of 5
        metrics = self.Report.saas_metrics("2026-02-01", domain)
        self.assertEqual(round(metrics["previous_mrr"], 2), 640.0)
        self.assertEqual(round(metrics["mrr"], 2), 550.0)
        self.assertEqual(round(metrics["arr"], 2), 6600.0)
        self.assertEqual(metrics["customer_churn_rate"], 0.2)
        self.assertAlmostEqual(metrics["revenue_churn_rate"], 100.0 / 640)
        self.assertAlmostEqual(metrics["net_revenue_retention"], 550.0 / 640)
        self.assertAlmostEqual(metrics["gross_revenue_retention"], 540.0 / 640)
        # when the paused contract resumes in March, its MRR comes back as a reactivation
        self.paused.with_context(recurring_today="2026-03-06").action_resume()
        self.assertEqual((self.paused.state, self.paused.pause_ids.date_end), ("running", "2026-03-05"))
        self.Snapshot.cron_snapshot(today=d("2026-03-20"))
        march = self.Report.search(domain + [("month", "=", "2026-03-01"), ("contract_id", "=", self.paused.id)])
        self.assertEqual((march.reactivation_mrr, march.new_mrr), (100.0, 0.0))

    def test_pivot_and_graph_sum_each_months_mrr_arr_and_movements(self):
        self.Snapshot.cron_snapshot(today=d("2026-03-10"))
        # what the pivot and the graph of Recurring revenue read: the figures grouped by month
        rows = self.Report.read_group([("contract_id", "in", self.contracts.ids)],
                                      ["month", "mrr", "arr", "lost_mrr", "expansion_mrr", "new_mrr"],
                                      ["month:month"],
                                      orderby="month", lazy=False)
        self.assertEqual([round(row["mrr"], 2) for row in rows], [400.0, 500.0, 640.0, 550.0, 550.0])
        february = rows[3]
        self.assertEqual((round(february["arr"], 2), february["lost_mrr"], round(february["expansion_mrr"], 2)),
                         (6600.0, 100.0, 10.0))
        self.assertEqual(round(rows[2]["new_mrr"], 2), 40.0)
        pivot = self.Report.fields_view_get(view_type="pivot")["arch"]
        self.assertIn('name="arr"', pivot)

    def test_excel_adds_up_the_mrr_in_the_company_currency_only(self):
        # given 2 x 100 euros and 50 dollars a month, the dollar at 2 for 1 euro since 1 March 2026
        self.env["res.currency.rate"].create({"currency_id": self.dollars.currency_id.id, "name": "2026-03-01",
                                              "rate": 2.0})
        # when both are exported on 10 March 2026
        report = self.env.ref("recurring_billing.action_report_contract_mrr_xlsx")
        content, _file_type = report.with_context(active_model="recurring.contract", recurring_today="2026-03-10") \
            .render_xlsx((self.monthly | self.dollars).ids, {})
        sheet = xlrd.open_workbook(file_contents=content).sheet_by_index(0)
        headers = sheet.row_values(0)
        monthly, dollars, total = (dict(zip(headers, sheet.row_values(row))) for row in (1, 2, 3))
        # then each row has its currency and its MRR in euros, and only the euros are added up
        self.assertEqual((dollars["MRR"], dollars["Currency"], dollars["MRR in EUR"]), (50.0, "USD", 25.0))
        self.assertEqual((monthly["MRR"], monthly["Currency"], monthly["MRR in EUR"]), (200.0, "EUR", 200.0))
        self.assertEqual((total["MRR"], total["ARR"]), ("", ""))
        self.assertEqual((total["MRR in EUR"], total["ARR in EUR"]), (225.0, 2700.0))

    def test_excel_export_has_the_saas_metrics_of_the_last_twelve_months(self):
        self.Snapshot.cron_snapshot(today=d("2026-03-10"))
        # when the manager exports the five contracts to Excel on 10 March 2026
        report = self.env.ref("recurring_billing.action_report_contract_mrr_xlsx")
        content, _file_type = report.with_context(active_model="recurring.contract",
                                                  recurring_today="2026-03-10").render_xlsx(self.contracts.ids, {})
        # then its second sheet holds one row a month from April 2025 to March 2026
        sheet = xlrd.open_workbook(file_contents=content).sheet_by_name("SaaS metrics")
        self.assertEqual(sheet.nrows, 13)
        self.assertEqual([sheet.cell_value(row, 0) for row in (1, 12)], ["2025-04", "2026-03"])
        headers = sheet.row_values(0)
        february = dict(zip(headers, sheet.row_values(11)))
        self.assertEqual(february["Month"], "2026-02")
        # February: 640 at the start, 550 at the end, 100 lost with 1 customer of 5, 10 of expansion
        self.assertEqual((round(february["MRR"], 2), round(february["ARR"], 2)), (550.0, 6600.0))
        self.assertEqual((february["Lost MRR (churn)"], round(february["Expansion MRR"], 2)), (100.0, 10.0))
        self.assertEqual((february["Customers"], february["Customers lost"]), (4, 1))
        self.assertEqual(february["Customer churn rate"], 0.2)
        self.assertAlmostEqual(february["Net revenue retention"], 550.0 / 640)
        self.assertAlmostEqual(february["Gross revenue retention"], 540.0 / 640)
        # before the first contract, no MRR and no rate
        april = dict(zip(headers, sheet.row_values(1)))
        self.assertEqual((april["MRR"], april["Net revenue retention"]), (0.0, ""))
