from odoo import _, models

from ..lib import export as export_lib


class PipelineXlsx(models.AbstractModel):
    """Excel workbook of the pipeline: one sheet of opportunities, one of forecast totals."""

    _name = "report.crm_leads.pipeline_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Pipeline Excel export"

    def generate_xlsx_report(self, workbook, data, leads):
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        rows = export_lib.with_weighted(leads._pipeline_export_rows())
        sheet = workbook.add_worksheet(_("Pipeline"))
        for col, (header, (_key, width)) in enumerate(zip(leads._pipeline_export_headers(), export_lib.COLUMNS)):
            sheet.write_string(0, col, header, bold)
            sheet.set_column(col, col, width)
        for line, row in enumerate(rows, start=1):
            for col, (key, _width) in enumerate(export_lib.COLUMNS):
                value = row.get(key)
                if isinstance(value, float):
                    sheet.write_number(line, col, export_lib.amount(value), money)
                else:
                    # text as text: write() would make "=..." a formula
                    sheet.write_string(line, col, value or "")
        summary = leads._pipeline_summary()
        total_line = len(rows) + 1
        sheet.write(total_line, 0, _("Total"), bold)
        sheet.write_number(total_line, 6, summary["total"]["expected_revenue"], money_bold)
        sheet.write_number(total_line, 8, summary["total"]["weighted_revenue"], money_bold)
        sheet.freeze_panes(1, 0)
        forecast = workbook.add_worksheet(_("Forecast"))
        forecast.set_column(0, 0, 24)
        forecast.set_column(1, 3, 18)
        line = 0
        for title, lines in ((_("By Stage"), summary["by_stage"]), (_("By Month of Closing"), summary["by_month"])):
            forecast.write(line, 0, title, bold)
            for col, header in enumerate((_("Opportunities"), _("Expected Revenue"), _("Weighted Revenue")), 1):
                forecast.write(line, col, header, bold)
            for entry in lines:
                line += 1
                forecast.write_string(line, 0, entry["label"])
                forecast.write_number(line, 1, entry["count"])
                forecast.write_number(line, 2, entry["expected_revenue"], money)
                forecast.write_number(line, 3, entry["weighted_revenue"], money)
            line += 1
            forecast.write(line, 0, _("Total"), bold)
            forecast.write_number(line, 1, summary["total"]["count"], bold)
            forecast.write_number(line, 2, summary["total"]["expected_revenue"], money_bold)
            forecast.write_number(line, 3, summary["total"]["weighted_revenue"], money_bold)
            line += 2
