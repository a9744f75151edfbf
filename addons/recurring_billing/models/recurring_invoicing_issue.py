from odoo import _, api, fields, models


class RecurringInvoicingIssue(models.Model):
    """A contract the invoicing run could not invoice, with the error. Its periods stay
    unclaimed: every run retries it, and the issue is solved once a run invoices it."""

    _name = "recurring.invoicing.issue"
    _description = "Invoicing issue of a contract"
    _order = "state, date_last desc, id desc"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id",
        string="Customer",
        readonly=True,
    )
    user_id = fields.Many2one(
        related="contract_id.user_id",
        string="Salesperson",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="contract_id.company_id",
        store=True,
        readonly=True,
    )
    run_id = fields.Many2one(
        "recurring.invoicing.run",
        string="Last run",
        ondelete="set null",
        readonly=True,
    )
    state = fields.Selection(
        [("open", "To solve"), ("solved", "Solved")],
        default="open",
        required=True,
        index=True,
        readonly=True,
    )
    date_first = fields.Date(
        string="First failure",
        readonly=True,
    )
    date_last = fields.Date(
        string="Last failure",
        readonly=True,
    )
    date_solved = fields.Date(
        string="Solved on",
        readonly=True,
    )
    attempt_count = fields.Integer(
        string="Failed runs",
        default=1,
        readonly=True,
    )
    error = fields.Text(
        readonly=True,
    )
    error_details = fields.Text(
        string="Technical details",
        readonly=True,
    )
    activity_id = fields.Many2one(
        "mail.activity",
        ondelete="set null",
        readonly=True,
    )

    @api.model
    def _failure_summary(self, contract):
        """The activity's title, in the language of ``self`` (its salesperson's)."""
        return _("Contract %s could not be invoiced") % contract.name

    @api.model
    def _record_failure(self, contract, error, details, run, today):
        """Open (or update) the issue of ``contract`` and tell its salesperson once, by an activity."""
        issue = self.search([("contract_id", "=", contract.id), ("state", "=", "open")], limit=1)
        day = fields.Date.to_string(today)
        if issue:
            issue.write({"error": error, "error_details": details, "run_id": run.id, "date_last": day,
                         "attempt_count": issue.attempt_count + 1})
            return issue
        issue = self.create({"contract_id": contract.id, "error": error, "error_details": details,
                             "run_id": run.id, "date_first": day, "date_last": day})
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        issue.activity_id = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get("recurring.contract").id,
            "res_id": contract.id,
            "activity_type_id": activity_type.id if activity_type else False,
            "summary": self.with_context(
                lang=(contract.user_id or self.env.user).lang or self.env.lang)._failure_summary(contract),
            "note": error,
            "date_deadline": day,
            "user_id": (contract.user_id or self.env.user).id,
        })
        return issue

    @api.model
    def _record_success(self, contracts, today):
        """Close the open issues of ``contracts``, now invoiced, and their activities."""
        issues = self.search([("contract_id", "in", contracts.ids), ("state", "=", "open")])
        if not issues:
            return
        activities = issues.mapped("activity_id")
        issues.write({"state": "solved", "date_solved": fields.Date.to_string(today)})
        if activities:
            activities.action_feedback(feedback=_("Invoiced by the run of %s.") % fields.Date.to_string(today))
