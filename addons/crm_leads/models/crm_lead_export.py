"""Exports of the pipeline and its forecast: Excel, CSV and a PDF summary."""
from odoo import _, api, models

from ..lib import export as export_lib

#: above this many selected leads, the CSV address names a selection kept on the server
MAX_IDS_IN_URL = 500
#: leads read per query by the exports
EXPORT_CHUNK = 2000


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
    def _pipeline_export_sorted_ids(self):
        """The ids of these leads by expected closing (none last), stage, then id: sorted
        by the database, whatever their number."""
        if not self.ids:
            return []
        self.env.cr.execute("""
            SELECT lead.id FROM crm_lead lead LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
             WHERE lead.id = ANY(%s)
             ORDER BY lead.date_deadline ASC NULLS LAST, COALESCE(stage.sequence, 0), lead.id""", (list(self.ids),))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.multi
    def _pipeline_export_row_chunks(self, size=None):
        """The rows of these leads (see lib.export), by expected closing then stage, as
        lists of at most ``size`` rows: each chunk is read in a few queries (the leads,
        then the names of their customers, stages, salespeople and teams) with the user's
        rights, and forgotten once given, so that memory stays flat for any pipeline."""
        size = size or EXPORT_CHUNK
        ids = self._pipeline_export_sorted_ids()
        for start in range(0, len(ids), size):
            chunk = self.browse(ids[start:start + size])
            yield chunk._pipeline_export_read_rows()

    @api.multi
    def _pipeline_export_read_rows(self):
        """The rows of these leads, in their order (one chunk of ``_pipeline_export_row_chunks``)."""
        lead_fields = ["name", "partner_id", "partner_name", "contact_name", "stage_id", "user_id", "team_id",
                       "date_deadline", "planned_revenue", "probability"]
        leads = self.read(lead_fields, load="_classic_write")
        names = {}
        for field, model, read_fields in (("partner_id", "res.partner", ["display_name"]),
                                          ("stage_id", "crm.stage", ["name", "sequence"]),
                                          ("user_id", "res.users", ["name"]),
                                          ("team_id", "crm.team", ["name"])):
            records = self.env[model].browse(list({lead[field] for lead in leads if lead[field]}))
            names[field] = {values["id"]: values for values in records.read(read_fields)}
            records.invalidate_cache(read_fields, records.ids)
        self.invalidate_cache(lead_fields, self.ids)
        rows = []
        for lead in leads:
            partner = names["partner_id"].get(lead["partner_id"], {})
            stage = names["stage_id"].get(lead["stage_id"], {})
            rows.append({
                "name": lead["name"],
                "customer": partner.get("display_name") or lead["partner_name"] or lead["contact_name"] or "",
                "stage": stage.get("name") or "",
                "stage_sequence": (stage.get("sequence") or 0, lead["stage_id"] or 0),
                "salesperson": names["user_id"].get(lead["user_id"], {}).get("name") or "",
                "team": names["team_id"].get(lead["team_id"], {}).get("name") or "",
                "closing": lead["date_deadline"] or "",
                "expected_revenue": export_lib.amount(lead["planned_revenue"]),
                "probability": export_lib.amount(lead["probability"]),
            })
        return rows

    @api.multi
    def _pipeline_export_rows(self):
        """One dict per lead (see lib.export), by expected closing then stage."""
        return [row for rows in self._pipeline_export_row_chunks() for row in rows]

    @api.multi
    def _pipeline_summary(self):
        return export_lib.summarise(self._pipeline_export_rows(), no_date_label=_("No closing date"))

    @api.multi
    def _pipeline_export_csv_chunks(self):
        """The CSV text of these leads (see ``lib.export.to_csv``), a chunk of rows at a
        time; the first piece holds the header and the first chunk."""
        text = export_lib.csv_header(self._pipeline_export_headers())
        for rows in self._pipeline_export_row_chunks():
            yield text + export_lib.csv_lines(rows)
            text = ""
        if text:
            yield text

    @api.multi
    def _pipeline_export_csv(self):
        """The CSV text of these leads."""
        return "".join(self._pipeline_export_csv_chunks())

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
