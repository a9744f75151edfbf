"""GET /crm_leads/pipeline.csv?ids=1,2,3: the pipeline as CSV for the logged-in user
(only the leads the user may read; the whole open pipeline without ``ids``; a long
selection as ``?selection=<crm.lead.export.selection id>``).

The file is sent as it is written, a chunk of leads at a time (``EXPORT_CHUNK``): the
server's memory does not grow with the pipeline."""
import itertools

import odoo
from odoo import api, fields, http
from odoo.http import content_disposition, request

from ..lib import export as export_lib
from ..models import crm_lead_export


class PipelineExportController(http.Controller):

    @http.route("/crm_leads/pipeline.csv", type="http", auth="user", methods=["GET"])
    def pipeline_csv(self, ids="", selection=None, **_kwargs):
        if selection and selection.isdigit():
            # a transient record: only its creator reads it
            lead_ids = request.env["crm.lead.export.selection"].browse(int(selection)).lead_ids()
        else:
            lead_ids = [int(lead_id) for lead_id in ids.split(",") if lead_id.strip().isdigit()]
        filename = "pipeline-%s.csv" % fields.Date.context_today(request.env["crm.lead"])
        stream = self._pipeline_csv_stream(request.env.cr.dbname, request.env.uid, dict(request.env.context),
                                           lead_ids)
        # the header and the first rows now: an error there is answered as an error, not as
        # a cut file
        first = next(stream)
        return request.make_response(itertools.chain([first], stream), [
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", content_disposition(filename)),
        ])

    @staticmethod
    def _pipeline_csv_stream(dbname, uid, context, lead_ids):
        """The CSV file as UTF-8 pieces: the header with the first chunk of leads, then a
        piece per chunk. The response is sent once the request's cursor and environments
        are gone: the leads are read in a cursor of this stream (one snapshot for the whole
        file) and each piece in environments of its own, forgotten once written."""
        cr = odoo.registry(dbname).cursor()
        try:
            sorted_ids, start, text = None, 0, ""
            while sorted_ids is None or start < len(sorted_ids):
                with api.Environment.manage():
                    Lead = api.Environment(cr, uid, context)["crm.lead"]
                    if sorted_ids is None:
                        domain = [("id", "in", lead_ids)] if lead_ids else Lead._pipeline_export_domain()
                        sorted_ids = Lead.search(domain)._pipeline_export_sorted_ids()
                        text = export_lib.csv_header(Lead._pipeline_export_headers())
                    chunk = sorted_ids[start:start + crm_lead_export.EXPORT_CHUNK]
                    start += len(chunk) or 1
                    text += export_lib.csv_lines(Lead.browse(chunk)._pipeline_export_read_rows())
                yield text.encode("utf-8")
                text = ""
        finally:
            cr.close()
