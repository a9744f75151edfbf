"""The invoicing run of recurring.contract: due periods, invoice values, safety.

Contracts are invoiced by batches, one transaction each, under row locks taken with
``FOR UPDATE SKIP LOCKED`` (a second run at the same time skips them); a crash loses only
the batch in progress, which the next run redoes. Each due period is claimed (a row of
the invoiced periods table, UNIQUE (contract, period start)) in the same transaction as
its invoice: whatever happens, a period cannot be invoiced twice.
"""
import contextlib
import logging
import sys
import threading
import traceback

import psycopg2
import psycopg2.sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError, except_orm
from odoo.tools import config, float_is_zero, mute_logger
from odoo.tools.misc import formatLang

from ..lib import proration, recurrence
from .recurring_contract import MAX_DAYS_AHEAD

_logger = logging.getLogger(__name__)

# contracts invoiced per transaction: a crash loses at most this many contracts' work, redone next run
COMMIT_BATCH = 50
# a batch is redone without its failing contract this many times, then one contract at a time
MAX_BATCH_RETRIES = 4
# attribute of the cursor: (highest invoice id, highest invoice line id) before the run's invoices
NEW_INVOICES_MARK = "recurring_new_invoices_mark"

try:
    from odoo.addons.queue_job.job import job
except ImportError:  # queue_job is optional: without it, runs are split in batches
    def job(func=None, **_kwargs):
        return func if func else (lambda f: f)


class RecurringContractInvoicing(models.Model):
    _inherit = "recurring.contract"

    # -- entry points ---------------------------------------------------------------

    @api.model
    def _invoicing_today(self):
        """Today in the company's time zone (the user's, else Europe/Paris for a French company)."""
        tz = self.env.context.get("tz") or self.env.user.tz or "Europe/Paris"
        return recurrence.local_today(tz)

    @api.model
    def _due_contract_ids(self, today):
        """Ids of the running contracts with a period to invoice by ``today`` (set-based)."""
        self.env.cr.execute("""
            SELECT id FROM recurring_contract
             WHERE state IN ('running', 'to_renew') AND NOT COALESCE(is_template, FALSE)
               AND next_invoice_date IS NOT NULL
               AND next_invoice_date - LEAST(GREATEST(COALESCE(days_ahead, 0), 0), %s) <= %s
             ORDER BY next_invoice_date, id
        """, (MAX_DAYS_AHEAD, fields.Date.to_string(today)))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def cron_invoice_due(self, batch_size=200, today=None):
        """The scheduler's entry point (kept for the jobs of older installations)."""
        self._check_scheduler("cron_invoice_due")
        return self._cron_invoice_due(batch_size, today)

    @api.model
    def _cron_invoice_due(self, batch_size=200, today=None):
        """Cron: invoice every due contract. With queue_job installed, a large run is
        split into jobs of ``batch_size`` contracts that any worker can take."""
        today = today or self._invoicing_today()
        # the contracts show the billing terms in force today (their calendars do not depend on it)
        self.env["recurring.contract.amendment"].search(
            [("kind", "=", "terms"), ("state", "=", "pending"), ("date", "<=", fields.Date.to_string(today))]
        ).mapped("contract_id")._apply_terms_changes(today)
        # a term that ended before today is renewed (or the contract closed) first, and the
        # contracts fully invoiced by this run are closed after it: the result of the day is the
        # same whether the scheduler runs the lifecycle job before or after this one
        self._end_of_term_steps(today)
        ids = self._due_contract_ids(today)
        use_jobs = (len(ids) > batch_size and "queue.job" in self.env
                    and not self.env.context.get("recurring_no_job"))
        for index in range(0, len(ids), batch_size):
            chunk = ids[index:index + batch_size]
            if use_jobs:
                self.browse(chunk).with_delay(
                    description=_("Recurring invoicing of %s contracts") % len(chunk))._job_invoice_contracts(
                    fields.Date.to_string(today))
            else:
                self.browse(chunk)._invoice_contracts(today)
        self._end_of_term_steps(today)
        self._closed_with_leftovers()._invoice_leftovers_after_closing(today)
        return True

    @api.model
    def _end_of_term_steps(self, today):
        """The lifecycle job's renewal or closing of the running contracts whose term ended
        before ``today`` (each in its own savepoint: one that fails is left to that job)."""
        contracts = self.search([("state", "in", ("running", "to_renew")), ("date_end", "!=", False),
                                 ("date_end", "<", fields.Date.to_string(today)), ("is_template", "=", False)])
        for contract in contracts:
            try:
                with self.env.cr.savepoint():
                    contract._lifecycle_step(today)
            except Exception:  # noqa: B902 - the lifecycle job reports it
                _logger.warning("Recurring invoicing: the end of term of contract %s is left to the lifecycle job",
                                contract.id, exc_info=True)

    @api.model
    def _closed_with_leftovers(self):
        """The closed contracts with usage or adjustments not invoiced (recorded after they closed)."""
        self.env.cr.execute("""
            SELECT c.id FROM recurring_contract c
             WHERE c.state = 'closed' AND NOT COALESCE(c.is_template, FALSE) AND c.date_end IS NOT NULL
               AND (EXISTS (SELECT 1 FROM recurring_usage u WHERE u.contract_id = c.id AND u.invoice_line_id IS NULL)
                    OR EXISTS (SELECT 1 FROM recurring_contract_adjustment a
                                WHERE a.contract_id = c.id AND a.invoice_line_id IS NULL))
             ORDER BY c.id
        """)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.multi
    def _invoice_leftovers_after_closing(self, today, commit=None):
        """Usage and adjustments recorded after their contract closed (late usage, a credit
        given since) go on a closing invoice (or credit note) of the daily run, each record
        once: its rows are locked first, and a run that finds one held or changed by another
        leaves the contract to the next run. A contract that fails is listed in the
        invoicing issues. Returns the invoices made."""
        if commit is None:
            commit = not getattr(threading.currentThread(), "testing", False) \
                and not self.env.context.get("recurring_no_commit")
        invoices = self.env["account.invoice"]
        summary = {"invoiced": 0, "failed": 0, "skipped": 0}
        for contract in self.with_context(recurring_run_date=fields.Date.to_string(today)):
            try:
                with self.env.cr.savepoint():
                    if contract._lock_leftovers():
                        invoices |= contract._invoice_closing()
            except psycopg2.extensions.TransactionRollbackError as error:
                _logger.info("Contract %s skipped, its late usage invoiced by a concurrent run: %s", contract.id,
                             error)
                contract.invalidate_cache()
            except Exception:  # pylint: disable=broad-except
                contract.invalidate_cache()
                # listed under a run of the contract's company, which its accountants read
                run = self.env["recurring.invoicing.run"].sudo().create({
                    "date": fields.Date.to_string(today), "contract_count": 1, "failed_count": 1,
                    "company_id": contract.sudo().company_id.id})
                contract._record_invoicing_failure(today, run, summary)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if self:
            _logger.info("Usage and adjustments recorded after closing, run of %s: %s closed contracts, %s invoices, "
                         "%s failed", today, len(self), len(invoices), summary["failed"])
        return invoices.with_env(self.env)

    @api.multi
    def _lock_leftovers(self):
        """Lock the usage and adjustments of the contract not invoiced yet; False when another
        transaction holds one (a serialization failure when one changed since our snapshot)."""
        self.ensure_one()
        with mute_logger("odoo.sql_db"):
            for table in ("recurring_usage", "recurring_contract_adjustment"):
                self.env.cr.execute(psycopg2.sql.SQL(
                    "SELECT count(*) FROM {} WHERE contract_id = %s AND invoice_line_id IS NULL").format(
                    psycopg2.sql.Identifier(table)), (self.id,))
                visible = self.env.cr.fetchone()[0]
                self.env.cr.execute(psycopg2.sql.SQL(
                    "SELECT id FROM {} WHERE contract_id = %s AND invoice_line_id IS NULL "
                    "FOR UPDATE SKIP LOCKED").format(psycopg2.sql.Identifier(table)), (self.id,))
                if len(self.env.cr.fetchall()) != visible:
                    return False
        self.invalidate_cache()
        return True

    @api.multi
    @job(default_channel="root")
    def _job_invoice_contracts(self, today):
        return self._invoice_contracts(fields.Date.from_string(today))

    @api.multi
    def action_invoice_now(self):
        """Button: invoice the periods due today of these contracts."""
        self._check_may_edit()
        invoices = self.with_context(recurring_raise_errors=True)._invoice_contracts(
            self._invoicing_today(), commit=False)
        if len(self) == 1:
            return self.action_view_invoices()
        return bool(invoices)

    @api.multi
    def _invoice_contracts(self, today, commit=None, batch_size=None):
        """Invoice the due periods of the contracts of ``self``, one transaction per batch of
        ``batch_size`` contracts (a crash loses only the batch in progress, which the next
        run redoes). A contract that fails is left out, its periods unclaimed, and listed
        in the invoicing issues; the others are invoiced. The run's summary is logged and
        kept (``recurring.invoicing.run``). Returns the invoices created."""
        if commit is None:
            commit = not getattr(threading.currentThread(), "testing", False) \
                and not self.env.context.get("recurring_no_commit")
        batch_size = batch_size or self.env.context.get("recurring_commit_batch") or COMMIT_BATCH
        invoices = self.env["account.invoice"]
        companies = self.sudo().mapped("company_id")
        if len(companies) > 1:
            # one run per company: each company's accountants read its run and its issues
            for company in companies:
                contracts = self.browse([contract.id for contract in self.sudo() if contract.company_id == company])
                invoices |= contracts._invoice_contracts(today, commit, batch_size)
            return invoices
        # the run's bookkeeping is written by whoever may invoice the contracts
        run = self.env["recurring.invoicing.run"].sudo().create({
            "date": fields.Date.to_string(today), "contract_count": len(self.ids),
            "company_id": (companies or self.env.user.company_id).id})
        summary = {"invoiced": 0, "failed": 0, "skipped": 0, "invoices": 0}

        def counts():
            return {"invoiced_count": summary["invoiced"], "failed_count": summary["failed"],
                    "skipped_count": summary["skipped"], "invoice_count": summary["invoices"]}
        try:
            for index in range(0, len(self.ids), batch_size):
                batch_invoices = self.browse(self.ids[index:index + batch_size])._invoice_batch(today, run, summary)
                invoices |= batch_invoices
                summary["invoices"] += len(batch_invoices)
                run.write(counts())
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                # the invoices are saved: e-mailing one cannot undo them, a failure is listed
                self._warm_report_assets(batch_invoices)
                self.with_context(recurring_run_date=fields.Date.to_string(today))._email_invoices(
                    batch_invoices, today, run)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        except Exception:
            if commit:
                # the batches committed stay; the run says how far it went and that it ended
                self.env.cr.rollback()
                self.env.clear()
                if run.exists():
                    run.write(dict(counts(), date_finished=fields.Datetime.now()))
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            raise
        run.date_finished = fields.Datetime.now()
        _logger.info("Recurring invoicing run of %s: %s contracts, %s invoiced, %s failed, %s skipped, "
                     "%s invoices", today, len(self.ids), summary["invoiced"], summary["failed"],
                     summary["skipped"], summary["invoices"])
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return invoices

    @api.multi
    def _invoice_batch(self, today, run=None, summary=None):
        """Invoice a batch of contracts together (fast), in a savepoint. When a contract of
        the batch fails, the batch is rolled back, the contract is recorded as an invoicing
        issue (its periods unclaimed) and the batch is redone without it; when the failing
        contract cannot be told (or after a few), the contracts are invoiced one by one,
        each in its own savepoint."""
        summary = summary if summary is not None else {"invoiced": 0, "failed": 0, "skipped": 0}
        if self.env.context.get("recurring_raise_errors"):
            return self._invoice_batch_guarded(today, summary)
        remaining = self
        for _attempt in range(MAX_BATCH_RETRIES):
            counts = dict(summary, current=None)
            try:
                with self.env.cr.savepoint():
                    invoices = remaining._invoice_batch_guarded(today, counts)
                counts.pop("current")
                summary.update(counts)
                return invoices
            except Exception:  # pylint: disable=broad-except
                culprit = remaining.browse(counts["current"]) if len(remaining) > 1 else remaining
                if not counts["current"] and len(remaining) > 1:
                    break
                culprit._record_invoicing_failure(today, run, summary)
                remaining -= culprit
                if not remaining:
                    return self.env["account.invoice"]
        invoices = self.env["account.invoice"]
        for contract in remaining:
            try:
                with self.env.cr.savepoint():
                    counts = dict(summary, current=None)
                    invoices |= contract._invoice_batch_guarded(today, counts)
                counts.pop("current")
                summary.update(counts)
            except Exception:  # pylint: disable=broad-except
                contract._record_invoicing_failure(today, run, summary)
        return invoices

    @api.multi
    def _invoice_batch_guarded(self, today, summary):
        try:
            return self._invoice_batch_steps(today, summary)
        except BaseException:
            # whatever stops the batch (an error, the process being stopped), its pending
            # recomputations must not reach the next batch or the caller's transaction
            self.env.clear()
            raise

    @api.multi
    def _record_invoicing_failure(self, today, run, summary):
        """Called in an ``except`` block, once the contract's savepoint is rolled back."""
        self.ensure_one()
        error = sys.exc_info()[1]
        message = getattr(error, "name", None) if isinstance(error, except_orm) else None
        message = message or "%s: %s" % (type(error).__name__, error)
        _logger.warning("Contract %s (id %s) not invoiced, retried on the next run: %s", self.name, self.id,
                        message)
        summary["failed"] += 1
        run = run or self.env["recurring.invoicing.run"].sudo().create({"date": fields.Date.to_string(today)})
        self.env["recurring.invoicing.issue"].sudo()._record_failure(
            self, message, traceback.format_exc(), run, today)

    @api.multi
    def _invoice_batch_steps(self, today, summary):
        """Lock the contracts, claim their due periods, then create all the invoices of the
        batch together: journals, accounts and taxes resolved once, stored totals and tax
        lines computed once for the batch, no chatter note nor tracking."""
        Invoice = self.env["account.invoice"]
        contracts = self._lock_batch_for_invoicing()
        summary["skipped"] += len(self) - len(contracts)
        if not contracts:
            return Invoice
        contracts = contracts.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True, recompute=False,
            recurring_invoicing_cache={}, recurring_run_date=fields.Date.to_string(today))
        claims = []
        contracts.filtered("terms_change_ids")._apply_terms_changes(today)
        # the due periods of the whole batch are worked out before any is claimed: the
        # contracts' invoiced periods and pauses are read once for the batch (each claim
        # would make the next contract read them again)
        due = []
        for contract in contracts:
            summary["current"] = contract.id  # the contract to blame when this step fails
            due.append((contract, contract._due_periods(today)))
        for contract, periods in due:
            summary["current"] = contract.id
            try:
                with self.env.cr.savepoint():
                    claims.extend((contract, period, contract._claim_period(period)) for period in periods)
            except psycopg2.IntegrityError as error:
                # another run invoiced this contract since our snapshot: nothing to do
                _logger.info("Contract %s skipped, invoiced by a concurrent run: %s", contract.id, error)
                claims = [claim for claim in claims if claim[0] != contract]
                summary["skipped"] += 1
        summary["invoiced"] += len({claim[0].id for claim in claims})
        contracts._prefetch_for_invoicing()
        created = []
        with self._new_invoices_of_run():
            for contract, period, claim in claims:
                summary["current"] = contract.id
                contract._apply_amendments_before(period, today)
                invoice = contract._create_period_invoice(period)
                created.append((contract, claim, invoice))
            summary["current"] = None
            invoices = contracts.env["account.invoice"].browse(
                [invoice.id for _contract, _claim, invoice in created if invoice])
            if invoices:
                # one tax computation and one recomputation of the totals for the whole batch
                invoices.with_context(recurring_defer_taxes=False).compute_taxes()
            by_contract = {}
            for contract, claim, invoice in created:
                if invoice:
                    claim.invoice_id = invoice
                    by_contract[contract.id] = by_contract.get(contract.id, Invoice) | invoice
            contracts._compute_next_invoice_date()
            contracts._end_after_last_instalment()
            contracts.recompute()
        # validation and sending with the caller's context, totals all up to date
        for contract in contracts.with_env(self.env):
            summary["current"] = contract.id
            contract._finalise_invoices(by_contract.get(contract.id, Invoice))
        summary["current"] = None
        self.env["recurring.invoicing.issue"].sudo()._record_success(
            self.browse(list({claim[0].id for claim in claims})), today)
        return invoices.with_env(self.env)

    @api.model
    @contextlib.contextmanager
    def _new_invoices_of_run(self):
        """While the run creates the invoices of a batch and computes their totals: the invoices
        and invoice lines this transaction sees with an id above the highest one it saw at the
        start are the run's own (those of other transactions stay out of its snapshot). Their
        lines come from contracts, never from sales orders: Odoo's searches for the order lines
        invoiced by them (to update what is invoiced on the orders) are answered without a
        query (``sale.order.line._search``)."""
        cr = self.env.cr
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_invoice")
        invoice_mark = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_invoice_line")
        line_mark = cr.fetchone()[0]
        previous = getattr(cr, NEW_INVOICES_MARK, None)
        setattr(cr, NEW_INVOICES_MARK, (invoice_mark, line_mark))
        try:
            yield
        finally:
            setattr(cr, NEW_INVOICES_MARK, previous)

    @api.multi
    def _prefetch_for_invoicing(self):
        """Read what the invoices of these contracts need in a few queries for the whole batch
        (their lines' taxes, price changes and changes, their adjustments), not contract by contract;
        read in the customer's language, as ``_create_period_invoice`` reads them."""
        for lang in set(self.mapped("partner_id.lang")):
            contracts = self.filtered(lambda contract: contract.partner_id.lang == lang)
            if lang and lang != self.env.lang:
                contracts = contracts.with_context(lang=lang)
            lines = contracts.mapped("line_ids")
            for name in ("tax_ids", "price_change_ids", "amendment_ids"):
                lines.mapped(name)
            contracts.mapped("adjustment_ids")

    @api.multi
    def _lock_batch_for_invoicing(self):
        """Lock the rows of the contracts to invoice in one query, skipping those another run
        holds. Under our snapshot, a contract another run has invoiced since makes the query
        fail: then lock one contract at a time and skip that one."""
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env.cr.execute("""
                    SELECT id FROM recurring_contract
                     WHERE id IN %s AND state IN ('running', 'to_renew')
                       FOR UPDATE SKIP LOCKED
                """, (tuple(self.ids),))
                locked = {row[0] for row in self.env.cr.fetchall()}
        except psycopg2.extensions.TransactionRollbackError:
            locked = set()
            for contract_id in self.ids:
                try:
                    with self.env.cr.savepoint():
                        if self.browse(contract_id)._lock_for_invoicing():
                            locked.add(contract_id)
                except psycopg2.extensions.TransactionRollbackError as error:
                    _logger.info("Contract %s skipped, invoiced by a concurrent run: %s", contract_id, error)
        contracts = self.browse([contract_id for contract_id in self.ids if contract_id in locked])
        # re-read these contracts (their invoiced periods above all) as the lock now sees them
        self.invalidate_cache(ids=self.ids)
        for model in ("recurring.contract.period", "recurring.contract.line"):
            self.env[model].invalidate_cache()
        return contracts

    @api.multi
    def _lock_for_invoicing(self):
        """Lock the contract row, or return an empty recordset when another run holds it."""
        self.ensure_one()
        # a concurrent run that invoiced this contract makes this a serialization failure, which
        # the caller expects and logs itself: no "bad query" error in the server log for it
        with mute_logger("odoo.sql_db"):
            self.env.cr.execute("""
                SELECT id FROM recurring_contract
                 WHERE id = %s AND state IN ('running', 'to_renew')
                   FOR UPDATE SKIP LOCKED
            """, (self.id,))
        if not self.env.cr.fetchone():
            return self.browse()
        self.invalidate_cache(ids=self.ids)
        return self

    @api.multi
    def _due_periods(self, today):
        self.ensure_one()
        invoiced = [fields.Date.from_string(start) for start in self.period_ids.mapped("date_start")]
        # capped as the constraint caps it: a value written past it (SQL, an import) never
        # invoices years ahead
        days_ahead = min(max(self.days_ahead or 0, 0), MAX_DAYS_AHEAD)
        return [period for period, _terms in self._calendar().due_periods(
            today, days_ahead=days_ahead, invoiced_starts=invoiced, paused=self._paused_ranges())]

    @api.multi
    def _claim_period(self, period):
        """Record the period as invoiced before invoicing it: the unique constraint stops a
        second claim of the same period, whatever runs at the same time."""
        self.ensure_one()
        # the invoiced periods are bookkeeping of the run: whoever may invoice the contract writes them
        return self.env["recurring.contract.period"].sudo().create({
            "contract_id": self.id,
            "date_start": fields.Date.to_string(period.start),
            "date_end": fields.Date.to_string(period.end),
        })

    @api.multi
    def _invoicing_cache(self, key, compute):
        """A value computed once per invoicing run (journal, accounts, taxes of a product)."""
        cache = self.env.context.get("recurring_invoicing_cache")
        if cache is None:
            return compute()
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    @api.multi
    def _apply_amendments_before(self, period, today=None):
        """Apply the scheduled changes effective by the start of ``period``, about to be
        invoiced on ``today`` (and those within it whose day has come by then)."""
        self.ensure_one()
        amendments = self.line_ids.mapped("amendment_ids").filtered(lambda a: a.state == "pending")
        if amendments:
            amendments._apply_before(period, today)
            self.invalidate_cache(["adjustment_ids"], self.ids)

    @api.multi
    def _invoice_closing(self):
        """The last invoice of a closing contract: the usage not invoiced yet and the pending
        adjustments and scheduled changes up to its end, so that nothing is left behind."""
        invoices = self.env["account.invoice"]
        for contract in self.filtered(lambda c: c.date_end and not c.is_template):
            end = fields.Date.from_string(contract.date_end)
            last_usage = self.env["recurring.usage"].search(
                [("contract_id", "=", contract.id), ("invoice_line_id", "=", False)], order="date desc", limit=1)
            if last_usage:
                end = max(end, fields.Date.from_string(last_usage.date))
            after = recurrence.ONE_DAY + end
            closing = recurrence.Period(after, after)
            contract._apply_amendments_before(closing)
            invoice = contract.with_context(recurring_closing=True)._create_period_invoice(closing)
            if invoice and invoice.type == "out_invoice":
                invoice.name = _("%s: closing invoice") % contract.name
            if invoice:
                contract._finalise_invoices(invoice)
                contract._email_invoices(invoice)
                invoices |= invoice
        return invoices

    # -- invoice values (extension points) ------------------------------------------

    @api.multi
    def _create_period_invoice(self, period):
        self.ensure_one()
        lang = self.partner_id.lang
        # the labels in the customer's language, whoever runs the invoicing (the daily job in
        # English, a French salesperson)
        contract = self.with_context(lang=lang) if lang and lang != self.env.lang else self
        return contract._create_period_invoice_values(period)

    @api.multi
    def _create_period_invoice_values(self, period):
        self.ensure_one()
        values = self._prepare_invoice(period)
        lines = []
        closing = self.env.context.get("recurring_closing")
        for line in self.line_ids.filtered(lambda line: line.is_usage or not closing):
            lines.extend(self._prepare_invoice_lines(line, period))
        lines.extend(self._prepare_adjustment_lines(period))
        if not lines:  # nothing used nor due this period: the period is done, no empty invoice
            return self.env["account.invoice"]
        carried = [(line_values.pop("_usage_ids", []), line_values.pop("_adjustment_ids", []))
                   for line_values in lines]
        corrected = [line_values.pop("_corrected_line", None) for line_values in lines]
        if sum(line_values["quantity"] * line_values["price_unit"] for line_values in lines) < 0:
            values = self._prepare_credit_note(values, lines, corrected)
        values["invoice_line_ids"] = [(0, 0, line_values) for line_values in lines]
        # batch creation: no "invoice created" note nor field tracking on each new draft invoice;
        # the run computes the tax lines of its whole batch at once (_invoice_batch)
        invoice = self.env["account.invoice"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
            recurring_defer_taxes="recurring_invoicing_cache" in self.env.context).create(values)
        if self.env.context.get("recurring_invoicing_cache") is None:
            invoice.compute_taxes()
        self._link_invoiced_records(invoice, carried)
        return invoice

    @api.multi
    def _invoice_journal(self):
        self.ensure_one()
        if self.journal_id:
            return self.journal_id
        company_id = self.company_id.id
        return self._invoicing_cache(("journal", company_id), lambda: self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company_id)], limit=1))

    @api.multi
    def _invoice_fiscal_position(self):
        """The contract's fiscal position, else the customer's (as a person invoicing would get it)."""
        self.ensure_one()
        if self.fiscal_position_id:
            return self.fiscal_position_id
        partner_id = self.partner_id.id
        Position = self.env["account.fiscal.position"]
        return self._invoicing_cache(
            ("fiscal position", partner_id, self.company_id.id),
            lambda: Position.browse(Position.with_context(force_company=self.company_id.id)
                                    .get_fiscal_position(partner_id)))

    @api.multi
    def _invoice_date(self, period):
        """The invoice date: the run date, or the period's invoice date when the company
        asks for it; never on or before the accounting lock date (then: the day after it)."""
        self.ensure_one()
        company = self.company_id
        if company.recurring_invoice_date == "period":
            day = recurrence.invoice_date(period, self._calendar().terms_at(period.start).mode)
        else:
            # the day the invoice is made: the run's, unless the caller says (closing invoices
            # the last period in arrears today, with the day after as the run's date)
            run_date = self.env.context.get("recurring_invoice_day") or self.env.context.get("recurring_run_date")
            day = fields.Date.from_string(run_date) if run_date else self._invoicing_today()
        lock = max(company.period_lock_date or "", company.fiscalyear_lock_date or "")
        if lock and fields.Date.to_string(day) <= lock:
            day = fields.Date.from_string(lock) + recurrence.ONE_DAY
        return day

    @api.multi
    def _prepare_invoice(self, period):
        """Values of the invoice of ``period`` (a lib ``Period``), without lines."""
        self.ensure_one()
        # the customer's accounts and terms of the contract's company (a run may be another company's)
        partner = self.partner_id.with_context(force_company=self.company_id.id)
        fiscal_position = self._invoice_fiscal_position()
        values = self._invoice_defaults()
        values.update({
            "type": "out_invoice",
            "partner_id": partner.id,
            "account_id": partner.property_account_receivable_id.id,
            "journal_id": self._invoice_journal().id,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "payment_term_id": (self.payment_term_id or partner.property_payment_term_id).id,
            "fiscal_position_id": fiscal_position.id,
            # given (as the partner onchange leaves it on a customer invoice), so that
            # account.invoice.create runs no partner onchange per invoice
            "partner_bank_id": False,
            "user_id": self.user_id.id,
            "origin": self.name,
            "name": _("%(contract)s: %(start)s to %(end)s") % {
                "contract": self.name, "start": self._format_date(period.start),
                "end": self._format_date(period.end)},
            "date_invoice": fields.Date.to_string(self._invoice_date(period)),
            "recurring_contract_id": self.id,
        })
        return values

    @api.multi
    def _prepare_credit_note(self, values, lines, corrected_lines=None):
        """Turn the values of an invoice whose credits exceed its charges into those of a
        customer credit note for the difference: the same lines with opposite amounts (so
        that the note's total is what the customer is owed), no payment terms. The note is
        the credit note of the invoice it corrects (``refund_invoice_id``, its origin and
        reference): ``corrected_lines`` gives, for each line, the invoice line whose period
        its credit corrects; of several invoices, the one of the latest period (each credit
        line names its own invoice)."""
        self.ensure_one()
        for line_values in lines:
            line_values["price_unit"] = -line_values["price_unit"]
        values.update({
            "type": "out_refund",
            "payment_term_id": False,
            "name": _("%(contract)s: credit note") % {"contract": self.name} if self.env.context.get(
                "recurring_closing") else values.get("name"),
        })
        corrected_lines = [line for line in corrected_lines or [] if line]
        if corrected_lines:
            latest = max(corrected_lines, key=lambda line: (line.recurring_period_end, line.invoice_id.id)).invoice_id
            reference = self.env["recurring.contract.adjustment"]._invoice_reference(latest)
            values.update({"refund_invoice_id": latest.id, "origin": reference, "reference": reference})
        return values

    @api.multi
    def _invoice_defaults(self):
        """Defaults of a new invoice that cost a search each (the sales channel of the user
        running the invoicing): looked up once per run rather than once per invoice."""
        Invoice = self.env["account.invoice"]
        if "team_id" not in Invoice._fields:
            return {}
        return dict(self._invoicing_cache("invoice defaults", lambda: Invoice.default_get(["team_id"])))

    @api.model
    def _format_date(self, day):
        """``day`` in the date format of the reader's language: the context's (the customer's
        on an invoice, the salesperson's on an activity), else the user's."""
        code = self.env.context.get("lang") or self.env.user.lang or "en_US"
        return day.strftime(self.env["res.lang"]._lang_get(code).date_format or "%m/%d/%Y")

    @api.multi
    def _format_money(self, amount):
        """``amount`` with the contract's currency, formatted for the reader's language."""
        return formatLang(self.env, amount, currency_obj=self[:1].currency_id or self.env.user.company_id.currency_id)

    @api.model
    def _format_number(self, number):
        """A quantity or a unit price as a person writes it: 3, not 3.0; 0.99, not 0.990000."""
        return ("%.6f" % number).rstrip("0").rstrip(".")

    @api.multi
    def _income_account(self, product, fiscal_position):
        """The product's income account in the contract's company, through the fiscal position."""
        company_id = self.company_id.id
        account = self._invoicing_cache(
            ("income", product.id, fiscal_position.id, company_id),
            lambda: product.product_tmpl_id.with_context(force_company=company_id).get_product_accounts(
                fiscal_position)["income"])
        if not account:
            raise UserError(_("There is no income account for %(product)s: set one on the product or its "
                              "category.") % {"product": product.display_name})
        return account

    @api.multi
    def _prepare_invoice_lines(self, line, period):
        """Invoice lines of a contract line for ``period``: one fixed line (prorated for a
        partial period), or the usage of every earlier period not invoiced yet."""
        if line.is_usage:
            return self._prepare_usage_lines(line, period)
        values = self._prepare_invoice_line(line, period)
        return [values] if values else []

    @api.multi
    def _prepare_invoice_line(self, line, period):
        """Values of the invoice line of a fixed contract line for ``period``, or None when
        nothing is due (line stopped, zero amount)."""
        self.ensure_one()
        ratio = line._period_ratio(period)
        # a period cut by a change of billing terms is always prorated: the new terms bill the rest
        if not self.prorate and period.days != period.full_days and not self._terms_changed_on(period):
            ratio = 1.0 if ratio else 0.0
        if not ratio or float_is_zero(line.quantity, precision_digits=6):
            return None
        price = line._price_for_period(period)
        name = "%s\n%s" % (line.name, _("Period: %(start)s to %(end)s") % {
            "start": self._format_date(period.start), "end": self._format_date(period.end)})
        quantity = line.quantity
        if ratio != 1.0:
            days = int(round(ratio * period.full_days))
            quantity, price = self._prorated_quantity_price(quantity, price, days, period.full_days)
            name += " " + _("(prorated: %(days)s of %(total)s days)") % {"days": days, "total": period.full_days}
            if quantity != line.quantity and price != line._price_for_period(period):
                # one line for the whole prorated amount: say what it stands for
                name += " " + _("%(quantity)s x %(price)s") % {
                    "quantity": self._format_number(line.quantity),
                    "price": self._format_number(line._price_for_period(period))}
        return self._invoice_line_values(line.product_id, name, quantity, price, line.tax_ids,
                                         line.uom_id, period)

    @api.multi
    def _prorated_quantity_price(self, quantity, price, days, full_days):
        """(quantity, unit price) of an invoice line billing ``days`` of ``full_days`` of
        ``quantity`` x ``price``: their product is the amount rounded once (quantity x price x
        days / full days, to the currency's decimals), not a rounded unit price times the
        quantity. The invoice line rounds its unit price and quantity to their decimals, so:
        the prorated unit price when that is exact, else the prorated quantity at the unit
        price, else a quantity of 1 at the whole amount."""
        self.ensure_one()
        currency_digits = self.currency_id.decimal_places
        price_digits = self._invoicing_cache(
            "price digits", lambda: self.env["decimal.precision"].precision_get("Product Price"))
        quantity_digits = self._invoicing_cache(
            "quantity digits", lambda: self.env["decimal.precision"].precision_get("Product Unit of Measure"))
        amount = proration.round_amount(
            proration.to_decimal(quantity) * proration.to_decimal(price) * days / full_days, currency_digits)

        def exact(candidate_quantity, candidate_price):
            return proration.round_amount(proration.to_decimal(candidate_quantity)
                                          * proration.to_decimal(candidate_price), currency_digits) == amount
        prorated_price = float(proration.round_amount(proration.to_decimal(price) * days / full_days, price_digits))
        if exact(quantity, prorated_price):
            return quantity, prorated_price
        prorated_quantity = float(proration.round_amount(
            proration.to_decimal(quantity) * days / full_days, quantity_digits))
        if exact(prorated_quantity, price):
            return prorated_quantity, price
        return 1.0, float(amount)

    @api.multi
    def _invoice_line_values(self, product, name, quantity, price_unit, taxes, uom, period):
        self.ensure_one()
        fiscal_position = self._invoice_fiscal_position()
        account = self._income_account(product, fiscal_position)
        partner = self.partner_id
        mapped_taxes = self._invoicing_cache(
            ("taxes", fiscal_position.id, tuple(taxes.ids), product.id, partner.id),
            lambda: fiscal_position.map_tax(taxes, product, partner))
        return {
            "product_id": product.id,
            "name": name,
            "quantity": quantity,
            "uom_id": (uom or product.uom_id).id,
            "price_unit": price_unit,
            "account_id": account.id,
            "invoice_line_tax_ids": [(6, 0, mapped_taxes.ids)],
            "account_analytic_id": self.analytic_account_id.id,
            "recurring_period_start": fields.Date.to_string(period.start) if period else False,
            "recurring_period_end": fields.Date.to_string(period.end) if period else False,
        }

    @api.multi
    def _prepare_usage_lines(self, line, period):
        """Usage is known once consumed: an invoice carries the usage of the periods that
        ended before it (in advance) or with it (in arrears), one line per period."""
        calendar = self._calendar()
        arrears = calendar.terms_at(period.start).mode == recurrence.ARREARS
        until = period.end if arrears else period.start - recurrence.ONE_DAY
        usages = self.env["recurring.usage"].search([
            ("line_id", "=", line.id), ("invoice_line_id", "=", False),
            ("date", "<=", fields.Date.to_string(until))])
        by_period = {}
        for usage in usages:
            full = calendar.period_of(fields.Date.from_string(usage.date))
            usage_period = recurrence.Period(full.full_start, full.full_end)
            by_period.setdefault(usage_period, self.env["recurring.usage"])
            by_period[usage_period] |= usage
        result = []
        for usage_period, records in sorted(by_period.items()):
            name = "%s\n%s" % (line.name, _("Usage from %(start)s to %(end)s") % {
                "start": self._format_date(usage_period.start), "end": self._format_date(usage_period.end)})
            values = self._invoice_line_values(line.product_id, name, sum(records.mapped("quantity")),
                                               line._price_for_period(usage_period), line.tax_ids,
                                               line.uom_id, usage_period)
            values["_usage_ids"] = records.ids
            result.append(values)
        return result

    @api.multi
    def _prepare_adjustment_lines(self, period):
        """Pending prorated adjustments (mid-period changes, credits for unused days) dated up to
        the period's end; a credit names the invoice whose period it corrects (``_corrected_line``:
        its line)."""
        result = []
        # an adjustment dated after the period waits for the invoice of the period that holds its
        # date (a fee due in June is not billed in January); a closing invoice takes them all
        closing = self.env.context.get("recurring_closing")
        last_day = fields.Date.to_string(period.end)
        for adjustment in self.adjustment_ids.filtered(
                lambda a: not a.invoice_line_id and (closing or not a.date or a.date <= last_day)):
            line = adjustment.line_id
            name = adjustment.name
            corrected = adjustment._corrected_invoice_line() if adjustment.amount < 0 else None
            if corrected:
                # an accountant sees which invoice each credit corrects
                name = "%s\n%s" % (name, _("Corrects invoice %s") % adjustment._invoice_reference(
                    corrected.invoice_id))
            values = self._invoice_line_values(adjustment.product_id, name, 1.0, adjustment.amount,
                                               line.tax_ids if line else adjustment.product_id.taxes_id,
                                               None, None)
            values.update({"_adjustment_ids": adjustment.ids, "_corrected_line": corrected})
            result.append(values)
        return result

    @api.multi
    def _link_invoiced_records(self, invoice, carried):
        """Mark the usage records and adjustments carried by ``invoice`` as invoiced;
        ``carried`` lists (usage ids, adjustment ids) in the order of its lines."""
        for invoice_line, (usage_ids, adjustment_ids) in zip(invoice.invoice_line_ids.sorted("id"), carried):
            if usage_ids:
                self.env["recurring.usage"].sudo().browse(usage_ids).write({"invoice_line_id": invoice_line.id})
            if adjustment_ids:
                self.env["recurring.contract.adjustment"].sudo().browse(adjustment_ids).write(
                    {"invoice_line_id": invoice_line.id})

    @api.multi
    def _finalise_invoices(self, invoices):
        """Validate the invoices as the contract asks. The invoices of the contracts that ask
        for it are e-mailed afterwards, once saved (``_email_invoices``)."""
        self.ensure_one()
        if not invoices or self.invoice_policy == "draft":
            return
        invoices = invoices.filtered(lambda invoice: invoice.state == "draft")
        if invoices.mapped("recurring_contract_id") - self:
            raise UserError(_("Contract %s validates only its own invoices.") % self.name)
        if self.env.user.has_group("account.group_account_invoice"):
            invoices.action_invoice_open()
            return
        # the contract's salesperson pressed Invoice now or Close (its buttons checked they may
        # edit the contract) on a contract of validated invoices, yet Odoo lets only billing users
        # post the journal entries: only the validation of the invoices the contract just made
        # runs with the rights it needs
        invoices.sudo().action_invoice_open()

    @api.model
    def _warm_report_assets(self, invoices):
        """Make the style sheets of the invoice PDF before the invoices are e-mailed, each in
        a savepoint: Odoo commits when it makes them (for wkhtmltopdf to fetch them), which
        would end the savepoint of the first invoice e-mailed after an install or an upgrade,
        and fail the run with its invoices validated but not sent."""
        if config["test_enable"] or not invoices:
            return  # in tests Odoo renders no PDF, and commits nothing
        if not invoices.sudo().filtered(lambda invoice: invoice.recurring_contract_id.invoice_policy == "send"):
            return
        qweb = self.env["ir.qweb"].with_context(commit_assetsbundle=True)
        for xmlid in ("web.assets_common", "web.report_assets_common", "web.report_assets_pdf"):
            qweb._get_asset_nodes(xmlid, {}, css=True, js=True, debug=False)

    @api.model
    def _email_invoices(self, invoices, today=None, run=None):
        """E-mail the validated invoices whose contract asks for it, each in its own savepoint:
        an invoice that cannot be e-mailed (a customer without an e-mail address, a mail
        error) stays validated, not marked as sent, and is listed in the invoicing issues."""
        template = self.env.ref("account.email_template_edi_invoice", raise_if_not_found=False)
        day = today or fields.Date.from_string(self.env.context.get("recurring_run_date")
                                               or fields.Date.context_today(self))
        for invoice in invoices:
            contract = invoice.sudo().recurring_contract_id
            if contract.invoice_policy != "send" or invoice.state not in ("open", "paid") or invoice.sent:
                continue
            try:
                with self.env.cr.savepoint():
                    if not invoice.partner_id.email:
                        raise UserError(_("Invoice %(invoice)s is validated but not e-mailed: the customer "
                                          "%(customer)s has no e-mail address. Send it by hand once the address "
                                          "is set.") % {"invoice": invoice.number or invoice.id,
                                                        "customer": invoice.partner_id.display_name})
                    if template:
                        # a user without an e-mail address (a clerk pressing Invoice now) sends it
                        # from their name at the company's address: Odoo would refuse it
                        sender = {} if self.env.user.email else {
                            "email_from": contract._sender_at_company(invoice.company_id)}
                        invoice.message_post_with_template(template.id, composition_mode="comment",
                                                           **{key: value for key, value in sender.items() if value})
                    invoice.sent = True
            except Exception:  # pylint: disable=broad-except
                invoice.invalidate_cache()
                error = sys.exc_info()[1]
                message = getattr(error, "name", None) if isinstance(error, except_orm) else None
                message = message or _("Invoice %(invoice)s is validated but not e-mailed: %(error)s") % {
                    "invoice": invoice.number or invoice.id, "error": "%s: %s" % (type(error).__name__, error)}
                _logger.warning("Invoice %s of contract %s not e-mailed: %s", invoice.id, contract.id, message)
                run = run or self.env["recurring.invoicing.run"].sudo().create({
                    "date": fields.Date.to_string(day), "company_id": contract.company_id.id})
                self.env["recurring.invoicing.issue"].sudo()._record_failure(
                    contract, message, traceback.format_exc(), run, day)
