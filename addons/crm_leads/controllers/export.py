"""GET /crm_leads/pipeline.csv?ids=1,2,3: the pipeline as CSV for the logged-in user
(only the leads the user may read; the whole open pipeline without ``ids``)."""
from odoo import fields, http
from odoo.http import content_disposition, request


class PipelineExportController(http.Controller):

    @http.route("/crm_leads/pipeline.csv", type="http", auth="user", methods=["GET"])
    def pipeline_csv(self, ids="", **_kwargs):
        Lead = request.env["crm.lead"]
        lead_ids = [int(lead_id) for lead_id in ids.split(",") if lead_id.strip().isdigit()]
        domain = [("id", "in", lead_ids)] if lead_ids else Lead._pipeline_export_domain()
        leads = Lead.search(domain)
        filename = "pipeline-%s.csv" % fields.Date.context_today(Lead)
        return request.make_response(leads._pipeline_export_csv().encode("utf-8"), [
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", content_disposition(filename)),
        ])
