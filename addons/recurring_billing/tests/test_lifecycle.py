from .common import RecurringCase, d


class TestLifecycle(RecurringCase):

    def test_commitment_sets_the_term_end_and_alerts_before_renewal(self):
        # given a 12-month commitment from 1 January 2027, renewing automatically
        contract = self.make_contract(start="2027-01-01", commitment_count=12, alert_days=30,
                                      user_id=self.salesman.id)
        self.assertEqual(contract.date_end, "2027-12-31")
        # when the daily lifecycle run happens 30 days before the end
        self.Contract.cron_lifecycle(today=d("2027-12-01"))
        # then the salesperson has an activity and the customer an e-mail, once
        self.assertEqual(contract.state, "to_renew")
        activity = contract.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("renews", activity.summary)
        mails = contract.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(mails), 1)
        self.Contract.cron_lifecycle(today=d("2027-12-02"))
        self.assertEqual(len(contract.activity_ids), 1)

    def test_contract_renews_for_a_new_term_unless_notice_was_given(self):
        contract = self.make_contract(start="2027-01-01", commitment_count=12)
        self.Contract.cron_lifecycle(today=d("2028-01-01"))
        self.assertEqual(contract.date_end, "2028-12-31")
        self.assertEqual(contract.state, "running")
        invoices = self.run_invoicing(contract, "2028-01-01")
        self.assertEqual(len(invoices), 13)

    def test_notice_in_time_closes_the_contract_after_its_last_period(self):
        contract = self.make_contract(start="2027-01-01", commitment_count=12, notice_days=30)
        contract.write({"notice_given": True, "notice_date": "2027-11-15"})
        self.run_invoicing(contract, "2027-12-31")
        self.Contract.cron_lifecycle(today=d("2028-01-01"))
        self.assertEqual(contract.state, "closed")
        self.assertEqual(contract.date_end, "2027-12-31")
        self.assertFalse(self.run_invoicing(contract, "2028-03-01"))

    def test_late_notice_renews_once_more(self):
        contract = self.make_contract(start="2027-01-01", commitment_count=12, notice_days=30)
        contract.write({"notice_given": True, "notice_date": "2027-12-20"})
        self.Contract.cron_lifecycle(today=d("2028-01-01"))
        self.assertEqual(contract.state, "running")
        self.assertEqual(contract.date_end, "2028-12-31")

    def test_template_fills_a_new_contract(self):
        template = self.make_contract(start_it=False, is_template=True, name="Monthly hosting",
                                      commitment_count=6, invoicing_mode="arrears")
        form = self.Contract.new({"partner_id": self.customer.id, "template_id": template.id,
                                  "date_start": "2027-02-01"})
        form._onchange_template_id()
        form._onchange_commitment()
        self.assertEqual(form.invoicing_mode, "arrears")
        self.assertEqual(form.commitment_count, 6)
        self.assertEqual(form.date_end, "2027-07-31")
        self.assertEqual(form.line_ids.mapped("price_unit"), [100.0])

    def test_closing_stops_invoicing(self):
        contract = self.make_contract(start="2027-01-01")
        contract.action_close()
        self.assertEqual(contract.state, "closed")
        self.assertFalse(contract.next_invoice_date)
        self.assertFalse(self.run_invoicing(contract, "2027-06-01"))
