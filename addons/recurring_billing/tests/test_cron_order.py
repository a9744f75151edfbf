from .common import RecurringCase, d


class TestCronOrder(RecurringCase):
    """The daily lifecycle job (renewals, closing) and the invoicing job give the same day
    whichever the scheduler runs first: a term that ended yesterday is renewed and its new
    period invoiced today, a contract whose last period is billed today is closed today."""

    def scenario(self, lifecycle_first):
        # a 3-month term renewing, in advance, January to March invoiced
        renewing = self.make_contract(start="2027-01-01", commitment_count=3)
        self.assertEqual(len(self.run_invoicing(renewing, "2027-03-01")), 3)
        # a 3-month term not renewing, in arrears: January and February invoiced, March due on 1 April
        ending = self.make_contract(start="2027-01-01", commitment_count=3, auto_renew=False,
                                    invoicing_mode="arrears")
        self.assertEqual(len(self.run_invoicing(ending, "2027-03-01")), 2)
        jobs = [lambda: self.Contract._cron_lifecycle(today=d("2027-04-01")),
                lambda: self.Contract._cron_invoice_due(today=d("2027-04-01"))]
        for job in jobs if lifecycle_first else reversed(jobs):
            job()
        # the renewed contract: a new term, April invoiced today, once
        self.assertEqual((renewing.date_end, renewing.state, renewing.next_invoice_date),
                         ("2027-06-30", "running", "2027-05-01"))
        self.assertEqual(self.periods_of(renewing.invoice_ids)[-2:],
                         [("2027-03-01", "2027-03-31"), ("2027-04-01", "2027-04-30")])
        # the ended one: March billed once, closed today, nothing after its end
        self.assertEqual(ending.state, "closed")
        self.assertEqual(self.periods_of(ending.invoice_ids),
                         [("2027-01-01", "2027-01-31"), ("2027-02-01", "2027-02-28"), ("2027-03-01", "2027-03-31")])

    def test_lifecycle_job_then_invoicing_job(self):
        self.scenario(lifecycle_first=True)

    def test_invoicing_job_then_lifecycle_job(self):
        self.scenario(lifecycle_first=False)
