import logging
import random

from odoo import models
from odoo.http import request

from ..controllers.common import INTAKE_PREFIXES, busy_response, is_overload

_logger = logging.getLogger(__name__)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_exception(cls, exception):
        """A request of the lead web service or the website form that the database could
        not serve (still in conflict after Odoo's retries, no free connection) is answered
        ``503`` with ``Retry-After``: the client sends it again, nothing was created."""
        if request.httprequest.path.startswith(INTAKE_PREFIXES) and is_overload(exception):
            _logger.warning("%s %s answered 503 (server busy): %s", request.httprequest.method,
                            request.httprequest.path, exception)
            # nothing of this request may be committed
            request._failed = exception
            return busy_response(random.randint(1, 5))
        return super(IrHttp, cls)._handle_exception(exception)
