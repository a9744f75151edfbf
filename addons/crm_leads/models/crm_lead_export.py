"""Exports of the pipeline and its forecast: Excel, CSV and a PDF summary."""
from odoo import _, api, models

from ..lib import export as export_lib

#: above this many selected leads, the CSV address names a selection kept on the server
MAX_IDS_IN_URL = 500


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _pipeline_export_domain(self):
        """The open pipeline: active opportunities not won yet."""
        return [("type", "=", "opportunity"), ("probability", "<", 100)]

    @api.model
    def _pipeline_export_headers(self):
        labels = {
            "name": _("Opportunity"), "customer": _("Customer"), "stage": _("Stage"),
            "salesperson": _("Salesperson"), "team": _("Sales Team"), "closing": _("Expected Closing"),
            "expected_revenue": _("Expected Revenue"), "probability": _("Probability (%)"),
            "weighted_revenue": _("Weighted Revenue"),
        }
        return [labels[key] for key, _width in export_lib.COLUMNS]

    @api.multi
    def _pipeline_export_rows(self):
        """One dict per lead (see lib.export), by expected closing then stage."""
        rows = []
        leads = self.sorted(lambda lead: (lead.date_deadline or "9999", lead.stage_id.sequence, lead.id))
        for lead in leads:
            rows.append({
                "name": lead.name,
                "customer": lead.partner_id.display_name or lead.partner_name or lead.contact_name or "",
                "stage": lead.stage_id.name or "",
                "stage_sequence": (lead.stage_id.sequence, lead.stage_id.id),
                "salesperson": lead.user_id.name or "",
                "team": lead.team_id.name or "",
                "closing": lead.date_deadline or "",
                "expected_revenue": lead.planned_revenue or 0.0,
                "probability": lead.probability or 0.0,
            })
        return rows

    @api.multi
    def _pipeline_summary(self):
        return export_lib.summarise(self._pipeline_export_rows(), no_date_label=_("No closing date"))

    @api.multi
    def _pipeline_export_csv(self):
        """The CSV text of these leads."""
        return export_lib.to_csv(self._pipeline_export_headers(), self._pipeline_export_rows())

    @api.multi
    def action_pipeline_export(self, export_format):
        """Download the selected leads, or the whole open pipeline when none is selected,
        as ``xlsx``, ``csv`` or ``pdf``."""
        leads = self or self.search(self._pipeline_export_domain())
        if export_format == "csv":
            if not self:
                url = "/crm_leads/pipeline.csv"
            elif len(leads) <= MAX_IDS_IN_URL:
                url = "/crm_leads/pipeline.csv?ids=%s" % ",".join(str(lead_id) for lead_id in leads.ids)
            else:
                # a long selection is kept on the server: an address has a length limit
                selection = self.env["crm.lead.export.selection"].create({
                    "lead_ids_text": ",".join(str(lead_id) for lead_id in leads.ids)})
                url = "/crm_leads/pipeline.csv?selection=%d" % selection.id
            return {"type": "ir.actions.act_url", "url": url, "target": "self"}
        report = {"xlsx": "crm_leads.action_report_pipeline_xlsx",
                  "pdf": "crm_leads.action_report_pipeline_summary"}[export_format]
        return self.env.ref(report).report_action(leads)
