import calendar

from psycopg2.extras import execute_values

from odoo import api, fields, models

from ..lib.recurrence import ONE_DAY


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


class RecurringMrrSnapshot(models.Model):
    """The monthly recurring revenue of a contract in a month, in the company's currency at
    that month's rate, as it was then: filled each day for the current month by the cron,
    backfilled from the contracts' history, and kept, so that a change today does not
    rewrite past months."""

    _name = "recurring.mrr.snapshot"
    _description = "Monthly recurring revenue of a contract in a month"
    _order = "month desc, contract_id"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        help="The customer's company (commercial partner).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
    )
    month = fields.Date(
        required=True,
        index=True,
        readonly=True,
        help="First day of the month.",
    )
    mrr = fields.Float(
        string="MRR",
        readonly=True,
        help="In the company's currency, at the rate of the month's last day (of today for this month).",
    )

    _sql_constraints = [
        ("contract_month_unique", "UNIQUE (contract_id, month)", "A contract has one snapshot a month."),
    ]

    @api.model
    def _snapshot_day(self, contract, month, today):
        """The day whose MRR stands for ``month`` (its first day): the last day of the month
        the contract ran (up to today for this month, up to its end or its last instalment
        when it ends within the month), paused days left out, so that a pause over a month
        end or an end in the middle of a month does not wipe a month it billed. A month
        wholly paused, or after the end, counts its last day: 0."""
        last = min(month_end(month), today)
        day = last
        end = contract._service_end()
        if end and month <= end < day:
            day = end
        paused = contract._paused_ranges()
        moved = True
        while moved and day >= month:
            moved = False
            for start, end in paused:
                if start <= day and (end is None or day <= end):
                    day, moved = start - ONE_DAY, True
        return day if day >= month else last

    @api.model
    def cron_snapshot(self, today=None):
        """The scheduler's entry point (kept for the jobs of older installations)."""
        self.env["recurring.contract"]._check_scheduler("cron_snapshot")
        return self._cron_snapshot(today)

    @api.model
    def _cron_snapshot(self, today=None):
        """Daily: this month's MRR of every contract (rewritten until the month ends) and the
        months missing since each contract started (backfilled from its history), up to the
        month after its end (a zero: its churn). A month counts the MRR of its last day the
        contract ran (``_snapshot_day``); a month wholly paused is a zero too."""
        today = today or fields.Date.from_string(fields.Date.context_today(self))
        self.env.cr.execute("""
            SELECT c.id, s.month::date
              FROM recurring_contract c
             CROSS JOIN LATERAL generate_series(
                 date_trunc('month', c.date_start),
                 -- up to this month, or the month after the contract's end (its churn, at zero)
                 LEAST(date_trunc('month', %(today)s::date),
                       COALESCE(date_trunc('month', c.date_end) + interval '1 month', 'infinity')),
                 interval '1 month') s(month)
             WHERE c.state != 'draft' AND NOT COALESCE(c.is_template, FALSE) AND c.date_start <= %(today)s
               AND (s.month = date_trunc('month', %(today)s::date)
                    OR NOT EXISTS (SELECT 1 FROM recurring_mrr_snapshot r
                                    WHERE r.contract_id = c.id AND r.month = s.month::date))
             ORDER BY c.id, s.month
        """, {"today": fields.Date.to_string(today)})
        todo = {}
        for contract_id, month in self.env.cr.fetchall():
            todo.setdefault(contract_id, []).append(fields.Date.from_string(month))
        contracts = self.env["recurring.contract"].browse(list(todo))
        rows = []
        for contract in contracts:
            for month in todo[contract.id]:
                day = self._snapshot_day(contract, month, today)
                rows.append((contract.id, contract.partner_id.commercial_partner_id.id or None,
                             contract.user_id.id or None, contract.company_id.id, fields.Date.to_string(month),
                             contract._company_mrr_at(day)))
        if rows:
            execute_values(self.env.cr, """
                INSERT INTO recurring_mrr_snapshot (contract_id, partner_id, user_id, company_id, month, mrr,
                                                    create_uid, create_date, write_uid, write_date)
                VALUES %s
                ON CONFLICT (contract_id, month) DO UPDATE
                   SET mrr = EXCLUDED.mrr, partner_id = EXCLUDED.partner_id, user_id = EXCLUDED.user_id,
                       write_date = EXCLUDED.write_date
            """, [row + (self.env.uid, fields.Datetime.now(), self.env.uid, fields.Datetime.now())
                  for row in rows])
            self.invalidate_cache()
        return len(rows)
