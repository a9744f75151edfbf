import werkzeug.exceptions

from odoo import _
from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.report_xlsx.controllers.main import ReportController

CONTRACT_REPORTS = ("recurring_billing.contract_mrr_xlsx",)


class RecurringReportController(ReportController):
    """The Excel export of contracts opened by URL (/report/xlsx/...): a contract the user may
    not read, or that no longer exists, answers a 403 or 404 page (it was a server error),
    and the workbook is made only of contracts the user reads."""

    @route()
    def report_routes(self, reportname, docids=None, converter=None, **data):
        if reportname in CONTRACT_REPORTS and not request.env.user.has_group("base.group_user"):
            # a customer (portal user) reads their contracts on their portal page: the export, with
            # the team's figures, is the company's
            raise werkzeug.exceptions.Forbidden(_("The Excel export of contracts is for the company's users: "
                                                  "your contracts are on your portal page."))
        if reportname in CONTRACT_REPORTS and docids:
            try:
                ids = [int(i) for i in docids.split(",")]
            except ValueError:
                raise werkzeug.exceptions.NotFound(_("No such contract: %s.") % docids)
            contracts = request.env["recurring.contract"].browse(ids)
            try:
                contracts.check_access_rights("read")
                missing = contracts - contracts.exists()
                if missing:
                    raise MissingError(str(missing.ids))
                contracts.check_access_rule("read")
            except MissingError:
                raise werkzeug.exceptions.NotFound(_("These contracts do not exist (any longer): %s.")
                                                   % docids)
            except AccessError:
                raise werkzeug.exceptions.Forbidden(_("You may not read these contracts: %s. Ask their "
                                                      "salesperson or a sales manager.") % docids)
        return super(RecurringReportController, self).report_routes(reportname, docids, converter, **data)
