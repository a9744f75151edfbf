from odoo import _, models


class ApprovalAnalysisXlsx(models.AbstractModel):
    """Approval analysis workbook: one sheet per analysis (time to approval per tier and
    per approver, refusal reasons, acceptance rate per salesperson and per sales team).

    The figures come from ``sale.approval.analysis.wizard._analysis``, run as the user who
    downloads: what they may not read is not counted.
    """

    _name = "report.sale_approval.approval_analysis_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Approval analysis Excel workbook"

    def _sheets(self):
        """[(key of the analysis, sheet name, headers, number format of each column)]."""
        hours = "0.00"
        rate = "0.0%"
        decisions = [_("Approved"), _("Refused"), _("Average hours to approval"), _("Average hours to refusal")]
        answers = [_("Answers"), _("Accepted"), _("Refused"), _("Acceptance rate")]
        return [
            ("tier", _("Time by tier"), [_("Tier")] + decisions, [None, "0", "0", hours, hours]),
            ("approver", _("Time by approver"), [_("Approver")] + decisions, [None, "0", "0", hours, hours]),
            ("refusal_reasons", _("Refusal reasons"), [_("Refused by"), _("Reason"), _("Refusals")],
             [None, None, "0"]),
            ("salesperson", _("Acceptance by salesperson"), [_("Salesperson")] + answers, [None, "0", "0", "0", rate]),
            ("team", _("Acceptance by team"), [_("Sales team")] + answers, [None, "0", "0", "0", rate]),
        ]

    def generate_xlsx_report(self, workbook, data, wizards):
        analysis = (wizards[:1] or self.env["sale.approval.analysis.wizard"].new({}))._analysis()
        bold = workbook.add_format({"bold": True})
        formats = {}
        for key, name, headers, number_formats in self._sheets():
            sheet = workbook.add_worksheet(name)
            sheet.set_column(0, 0, 32)
            sheet.set_column(1, len(headers) - 1, 16)
            for col, header in enumerate(headers):
                sheet.write_string(0, col, header, bold)
            for line, row in enumerate(analysis[key], start=1):
                for col, value in enumerate(row):
                    if value is None or value is False:
                        continue
                    if isinstance(value, (int, float)):
                        pattern = number_formats[col] or "0"
                        if pattern not in formats:
                            formats[pattern] = workbook.add_format({"num_format": pattern})
                        sheet.write_number(line, col, value, formats[pattern])
                    else:
                        # text as text: write() would make "=..." a formula, "123" a number
                        sheet.write_string(line, col, value)
            sheet.freeze_panes(1, 0)
