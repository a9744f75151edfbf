from odoo import api, fields, models


class PipelineSummary(models.AbstractModel):
    """Values of the PDF pipeline summary: totals by stage and by month, weighted revenue."""

    _name = "report.crm_leads.report_pipeline_summary"
    _description = "Pipeline summary report"

    @api.model
    def get_report_values(self, docids, data=None):
        leads = self.env["crm.lead"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "crm.lead",
            "docs": leads,
            "summary": leads._pipeline_summary(),
            "company": self.env.user.company_id,
            "currency": self.env.user.company_id.currency_id,
            "today": fields.Date.context_today(self),
        }
