import threading

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, at_install, post_install

from .common import d


class SimulatedCrash(BaseException):
    """Stands for the process being killed: not an Exception, nothing catches it."""


@at_install(False)
@post_install(True)
class TestConcurrentRuns(TransactionCase):
    """Runs in their own committed transactions, as the cron and queue jobs do."""

    CONTRACTS = 12

    def setUp(self):
        super(TestConcurrentRuns, self).setUp()
        with self.committed_env() as env:
            partner = env["res.partner"].create({"name": "Concurrent customer", "customer": True})
            product = env["product.product"].create({"name": "Concurrent hosting", "type": "service"})
            contracts = env["recurring.contract"].create({
                "partner_id": partner.id, "date_start": "2027-01-31",
                "line_ids": [(0, 0, {"product_id": product.id, "name": "Hosting", "quantity": 1,
                                     "price_unit": 10.0})]})
            for _index in range(self.CONTRACTS - 1):
                contracts |= contracts[0].copy({"date_start": "2027-01-31"})
            contracts.action_start()
            self.contract_ids, self.partner_id, self.product_id = contracts.ids, partner.id, product.id
        self.addCleanup(self._cleanup)

    def committed_env(self):
        test = self

        class _Env(object):
            def __enter__(self):
                self.manage = api.Environment.manage()
                self.manage.__enter__()
                self.cr = test.registry.cursor()
                return api.Environment(self.cr, SUPERUSER_ID, {"tz": "Europe/Paris"})

            def __exit__(self, exc_type, exc, tb):
                if exc_type is None:
                    self.cr.commit()  # pylint: disable=invalid-commit
                self.cr.close()
                self.manage.__exit__(exc_type, exc, tb)
        return _Env()

    def _cleanup(self):
        with self.committed_env() as env:
            contracts = env["recurring.contract"].browse(self.contract_ids)
            contracts.mapped("invoice_ids").unlink()
            contracts.unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _run(self, today, errors, crash_after=None, batch_size=None):
        try:
            with self.committed_env() as env:
                contracts = env["recurring.contract"].browse(self.contract_ids)
                if crash_after is not None:
                    done = []
                    original = type(contracts)._create_period_invoice

                    def crashing(record, period):
                        if len(done) >= crash_after:
                            raise SimulatedCrash()
                        done.append(period)
                        return original(record, period)
                    type(contracts)._create_period_invoice = crashing
                    try:
                        contracts._invoice_contracts(d(today), commit=True, batch_size=batch_size)
                    finally:
                        type(contracts)._create_period_invoice = original
                else:
                    contracts._invoice_contracts(d(today), commit=True, batch_size=batch_size)
        except SimulatedCrash:
            errors.append("crash")
        except Exception as error:  # pylint: disable=broad-except
            errors.append(repr(error))

    def _invoiced_periods(self):
        with self.committed_env() as env:
            return self._count_periods(env)

    def _count_periods(self, env):
        env.cr.execute("""
            SELECT l.recurring_period_start, count(DISTINCT i.id)
              FROM account_invoice i JOIN account_invoice_line l ON l.invoice_id = i.id
             WHERE i.recurring_contract_id IN %s
             GROUP BY i.recurring_contract_id, l.recurring_period_start
        """, (tuple(self.contract_ids),))
        return env.cr.fetchall()

    def test_two_runs_at_the_same_time_invoice_each_period_once(self):
        # given 12 contracts three months behind, when two runs (batches of 5) start at the same moment
        errors = []
        threads = [threading.Thread(target=self._run, args=("2027-04-15", errors), kwargs={"batch_size": 5})
                   for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        # then every contract has exactly one invoice for each of its 3 periods
        self.assertEqual(errors, [])
        rows = self._invoiced_periods()
        self.assertEqual(len(rows), self.CONTRACTS * 3)
        self.assertEqual({count for _start, count in rows}, {1})

    def test_run_killed_mid_way_then_restarted_invoices_each_period_once(self):
        # given a run committing every 2 contracts, killed after 7 invoices (in the second batch)
        errors = []
        self._run("2027-04-15", errors, crash_after=7, batch_size=2)
        self.assertEqual(errors, ["crash"])
        self.assertEqual(len(self._invoiced_periods()), 6)  # the first batch of two contracts committed
        with self.committed_env() as env:
            env.cr.execute("SELECT count(*) FROM recurring_contract_period WHERE contract_id IN %s",
                           (tuple(self.contract_ids),))
            self.assertEqual(env.cr.fetchone()[0], 6)  # no claim of the lost batch survives
        # when the run starts again
        self._run("2027-04-15", errors)
        # then nothing is missing and nothing is doubled
        rows = self._invoiced_periods()
        self.assertEqual(len(rows), self.CONTRACTS * 3)
        self.assertEqual({count for _start, count in rows}, {1})
        with self.committed_env() as env:
            env.cr.execute("SELECT count(*) FROM recurring_contract_period WHERE contract_id IN %s",
                           (tuple(self.contract_ids),))
            self.assertEqual(env.cr.fetchone()[0], self.CONTRACTS * 3)

    def _invoice_leftovers(self, today, errors):
        try:
            with self.committed_env() as env:
                env["recurring.contract"]._closed_with_leftovers()._invoice_leftovers_after_closing(
                    d(today), commit=True)
        except Exception as error:  # pylint: disable=broad-except
            errors.append(repr(error))

    def _report_usage(self, day):
        with self.committed_env() as env:
            for contract in env["recurring.contract"].browse(self.contract_ids):
                line = contract.line_ids.filtered("is_usage") or env["recurring.contract.line"].create({
                    "contract_id": contract.id, "product_id": self.product_id, "name": "SMS", "quantity": 0,
                    "price_unit": 0.1, "is_usage": True})
                env["recurring.usage"].create({"line_id": line.id, "date": day, "quantity": 50})

    def test_late_usage_of_closed_contracts_is_invoiced_once_by_concurrent_runs(self):
        # given the 12 contracts closed on 15 March, then usage of 10 March reported for each
        with self.committed_env() as env:
            env["recurring.contract"].browse(self.contract_ids).with_context(
                recurring_today="2027-03-15").action_close()
        self._report_usage("2027-03-10")
        # when two daily runs start at the same moment
        errors = []
        threads = [threading.Thread(target=self._invoice_leftovers, args=("2027-03-16", errors)) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(errors, [])
        # when usage of 12 March comes, and a run that read it invoices it after another run did
        self._report_usage("2027-03-12")
        with self.committed_env() as stale:
            late = stale["recurring.contract"]._closed_with_leftovers()
            self.assertEqual(sorted(late.ids), sorted(self.contract_ids))
            self._invoice_leftovers("2027-03-17", errors)
            self.assertFalse(late._invoice_leftovers_after_closing(d("2027-03-17"), commit=False))
        # then each usage record is on exactly one invoice line, each run's on its own invoice
        self.assertEqual(errors, [])
        with self.committed_env() as env:
            env.cr.execute("""
                SELECT u.date, count(DISTINCT l.id), count(DISTINCT l.invoice_id) FROM recurring_usage u
                  JOIN account_invoice_line l ON l.id = u.invoice_line_id
                 WHERE u.contract_id IN %s GROUP BY u.date ORDER BY u.date
            """, (tuple(self.contract_ids),))
            self.assertEqual(env.cr.fetchall(), [("2027-03-10", self.CONTRACTS, self.CONTRACTS),
                                                 ("2027-03-12", self.CONTRACTS, self.CONTRACTS)])
            env.cr.execute("""
                SELECT count(*) FROM account_invoice_line l JOIN account_invoice i ON i.id = l.invoice_id
                 WHERE i.recurring_contract_id IN %s AND l.name LIKE 'SMS%%'
            """, (tuple(self.contract_ids),))
            self.assertEqual(env.cr.fetchone()[0], 2 * self.CONTRACTS)
