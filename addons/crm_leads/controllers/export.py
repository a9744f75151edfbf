"""GET /crm_leads/pipeline.csv?ids=1,2,3: the pipeline as CSV for the logged-in user
(only the leads the user may read; the whole open pipeline without ``ids``; a long
selection as ``?selection=<crm.lead.export.selection id>``)."""
from odoo import fields, http
from odoo.http import content_disposition, request


class PipelineExportController(http.Controller):

    @http.route("/crm_leads/pipeline.csv", type="http", auth="user", methods=["GET"])
    def pipeline_csv(self, ids="", selection=None, **_kwargs):
        Lead = request.env["crm.lead"]
        if selection and selection.isdigit():
            # a transient record: only its creator reads it
            lead_ids = request.env["crm.lead.export.selection"].browse(int(selection)).lead_ids()
        else:
            lead_ids = [int(lead_id) for lead_id in ids.split(",") if lead_id.strip().isdigit()]
        domain = [("id", "in", lead_ids)] if lead_ids else Lead._pipeline_export_domain()
        leads = Lead.search(domain)
        filename = "pipeline-%s.csv" % fields.Date.context_today(Lead)
        return request.make_response(leads._pipeline_export_csv().encode("utf-8"), [
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", content_disposition(filename)),
        ])
