"""GET /crm_leads/pipeline.csv?ids=1,2,3: the pipeline as CSV for the logged-in user
(only the leads the user may read; the whole open pipeline without ``ids``; a long
selection as ``?selection=<crm.lead.export.selection id>``).

The file is sent as it is written, a chunk of leads at a time (``EXPORT_CHUNK``): the
server's memory does not grow with the pipeline."""
import itertools

import werkzeug.exceptions

import odoo
from odoo import _, api, fields, http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

from odoo.addons.report_xlsx.controllers.main import ReportController

from ..lib import export as export_lib
from ..models import crm_lead_export


class PipelineExportController(http.Controller):

    @http.route("/crm_leads/pipeline.csv", type="http", auth="user", methods=["GET"])
    def pipeline_csv(self, ids="", selection=None, **_kwargs):
        if selection:
            lead_ids = self._selection_lead_ids(selection)
        else:
            # no ids: the whole open pipeline
            lead_ids = parse_lead_ids(ids) if ids else None
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
    def _selection_lead_ids(selection):
        """The leads of the user's selection: 400 for a malformed one, 404 for one that does
        not exist (any longer: transient) or is another user's (a transient record: only its
        creator reads it)."""
        if not selection.strip().isdigit():
            raise werkzeug.exceptions.BadRequest(_("The selection must be a number, not %r.") % selection)
        record = request.env["crm.lead.export.selection"].browse(int(selection))
        try:
            lead_ids = record.lead_ids() if record.exists() else None
        except AccessError:
            lead_ids = None
        if lead_ids is not None:
            return lead_ids
        raise werkzeug.exceptions.NotFound(_("This selection of leads does not exist (any longer): select the "
                                             "leads again and download them."))

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
                        domain = ([("id", "in", lead_ids)] if lead_ids is not None
                                  else Lead._pipeline_export_domain())
                        sorted_ids = Lead.search(domain)._pipeline_export_sorted_ids()
                        text = export_lib.csv_header(Lead._pipeline_export_headers())
                    chunk = sorted_ids[start:start + crm_lead_export.EXPORT_CHUNK]
                    start += len(chunk) or 1
                    text += export_lib.csv_lines(Lead.browse(chunk)._pipeline_export_read_rows())
                yield text.encode("utf-8")
                text = ""
        finally:
            cr.close()


def parse_lead_ids(ids):
    """The lead ids of ``ids`` ("1,2,3"): a 400 for anything else (it was read as no ids,
    the whole pipeline)."""
    parts = [part.strip() for part in ids.split(",")]
    if not all(part.isdigit() for part in parts if part) or not any(parts):
        raise werkzeug.exceptions.BadRequest(_("Lead ids must be numbers separated by commas, not %r.") % ids)
    return [int(part) for part in parts if part]


class PipelineXlsxController(ReportController):
    """The pipeline's Excel export opened by URL (/report/xlsx/crm_leads.pipeline_xlsx/<ids>):
    the workbook holds the leads the user reads among these (as the CSV does), a 404 when
    none, a 400 for malformed ids (it was a server error)."""

    @http.route()
    def report_routes(self, reportname, docids=None, converter=None, **data):
        if reportname == "crm_leads.pipeline_xlsx" and docids:
            readable = request.env["crm.lead"].search([("id", "in", parse_lead_ids(docids))])
            if not readable:
                raise werkzeug.exceptions.NotFound(_("None of these leads exists or may be read by you: %s.")
                                                   % docids)
            docids = ",".join(str(lead_id) for lead_id in readable.ids)
        return super(PipelineXlsxController, self).report_routes(reportname, docids, converter, **data)
