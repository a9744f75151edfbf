from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import approval


class SaleApprovalAnalysisWizard(models.TransientModel):
    """The approval analysis workbook (Excel) of a period.

    Every figure is a ``read_group`` run as the user who asks: the access rights and record
    rules of approval requests and customer answers decide what is counted, so a salesman
    gets the figures of his own quotations and of those he approves, a manager everything
    of his companies.
    """

    _name = "sale.approval.analysis.wizard"
    _description = "Approval analysis (Excel)"

    date_from = fields.Date(
        string="From",
        help="Decisions and customer answers from this day on (empty: from the start).",
    )
    date_to = fields.Date(
        string="To",
        help="Decisions and customer answers up to this day included (empty: up to today).",
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(_("The period ends before it starts."))

    @api.multi
    def action_download(self):
        self.ensure_one()
        return self.env.ref("sale_approval.action_report_approval_analysis_xlsx").report_action(self)

    def _period_domain(self, field_name):
        domain = []
        if self.date_from:
            domain.append((field_name, ">=", self.date_from + " 00:00:00"))
        if self.date_to:
            domain.append((field_name, "<=", self.date_to + " 23:59:59"))
        return domain

    @staticmethod
    def _label(value, empty):
        """The display name of a read_group key (a many2one pair, a number or False)."""
        if isinstance(value, (list, tuple)):
            return value[1]
        if value is False or value is None:
            return empty
        return value

    def _decision_rows(self, groupby, empty):
        """[(label, approved, refused, average hours to approval, average hours to refusal)]."""
        Request = self.env["sale.approval.request"]
        domain = [("state", "in", (approval.APPROVED, approval.REFUSED))] + self._period_domain("decided_on")
        groups = Request.read_group(domain, [groupby, "state", "hours_to_decision"], [groupby, "state"],
                                    orderby=groupby, lazy=False)
        rows = {}
        for group in groups:
            key = group[groupby][0] if isinstance(group[groupby], (list, tuple)) else group[groupby]
            row = rows.setdefault(key, {"label": self._label(group[groupby], empty), "approved": 0, "refused": 0,
                                        "approved_hours": None, "refused_hours": None})
            row[group["state"]] = group["__count"]
            row[group["state"] + "_hours"] = group["hours_to_decision"]
        return [(row["label"], row["approved"], row["refused"], row["approved_hours"], row["refused_hours"])
                for row in rows.values()]

    def _refusal_reason_rows(self):
        """[(who refused, reason, count)], internal refusals first, each by decreasing count."""
        no_reason = _("No reason from the list (comment only)")
        rows = []
        sources = (
            (_("Internal (approval)"), "sale.approval.request", [("state", "=", approval.REFUSED)], "decided_on"),
            (_("Customer"), "sale.quotation.answer", [("answer", "=", "refused")], "answered_on"),
        )
        for source, model, domain, date_field in sources:
            groups = self.env[model].read_group(domain + self._period_domain(date_field), ["refusal_reason_id"],
                                                ["refusal_reason_id"], lazy=False)
            counted = [(source, self._label(group["refusal_reason_id"], no_reason), group["__count"])
                       for group in groups]
            rows.extend(sorted(counted, key=lambda row: (-row[2], row[1])))
        return rows

    def _acceptance_rows(self, groupby, empty):
        """[(label, answers, accepted, refused, acceptance rate between 0 and 1)]."""
        Answer = self.env["sale.quotation.answer"]
        groups = Answer.read_group(self._period_domain("answered_on"), [groupby, "answer"], [groupby, "answer"],
                                   orderby=groupby, lazy=False)
        rows = {}
        for group in groups:
            key = group[groupby][0] if isinstance(group[groupby], (list, tuple)) else group[groupby]
            row = rows.setdefault(key, {"label": self._label(group[groupby], empty), "accepted": 0, "refused": 0})
            row[group["answer"]] = group["__count"]
        result = []
        for row in rows.values():
            answers = row["accepted"] + row["refused"]
            result.append((row["label"], answers, row["accepted"], row["refused"],
                           float(row["accepted"]) / answers if answers else 0.0))
        return result

    @api.multi
    def _analysis(self):
        """The workbook's content: {sheet key: rows}, computed with the current user's rights."""
        self.ensure_one()
        return {
            "tier": self._decision_rows("tier", _("No tier")),
            "approver": self._decision_rows("decided_by_id", _("Nobody")),
            "refusal_reasons": self._refusal_reason_rows(),
            "salesperson": self._acceptance_rows("salesperson_id", _("No salesperson")),
            "team": self._acceptance_rows("team_id", _("No sales team")),
        }
