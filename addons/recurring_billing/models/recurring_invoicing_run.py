import datetime

from odoo import api, fields, models

# a run writes its counts at each batch it commits: one silent for this long was stopped (killed,
# the server restarted) and will not finish
STALE_AFTER = datetime.timedelta(hours=1)


class RecurringInvoicingRun(models.Model):
    """The summary of one invoicing run (or one queued part of it): how many contracts it
    invoiced, how many failed and how many it skipped, kept for the finance team."""

    _name = "recurring.invoicing.run"
    _description = "Recurring invoicing run"
    _order = "id desc"

    date = fields.Date(
        string="Invoicing date",
        required=True,
        readonly=True,
    )
    date_started = fields.Datetime(
        string="Started",
        default=fields.Datetime.now,
        readonly=True,
    )
    date_finished = fields.Datetime(
        string="Finished",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.user.company_id,
        readonly=True,
    )
    contract_count = fields.Integer(
        string="Contracts",
        readonly=True,
    )
    invoiced_count = fields.Integer(
        string="Invoiced",
        readonly=True,
        help="Contracts that got their due periods invoiced.",
    )
    failed_count = fields.Integer(
        string="Failed",
        readonly=True,
        help="Contracts whose invoicing failed: listed in Invoicing issues and retried on the next run.",
    )
    skipped_count = fields.Integer(
        string="Skipped",
        readonly=True,
        help="Contracts another run was invoicing at the same time, or no longer running.",
    )
    invoice_count = fields.Integer(
        string="Invoices",
        readonly=True,
    )
    issue_ids = fields.One2many(
        "recurring.invoicing.issue",
        "run_id",
        string="Issues",
        readonly=True,
    )
    status = fields.Selection(
        [("running", "In progress"), ("done", "Finished"), ("interrupted", "Interrupted")],
        compute="_compute_status",
        help="Interrupted: the run stopped before its end (the server was stopped or killed) and wrote nothing "
             "for an hour. The contracts it had not invoiced are invoiced by the next run.",
    )

    @api.depends("date_finished")
    def _compute_status(self):
        now = datetime.datetime.utcnow()
        for run in self:
            if run.date_finished:
                run.status = "done"
            else:
                last = fields.Datetime.from_string(run.write_date or run.date_started or run.create_date)
                run.status = "interrupted" if last and now - last > STALE_AFTER else "running"
