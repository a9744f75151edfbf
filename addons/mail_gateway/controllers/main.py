"""HTTP inbound hook: POST a raw MIME message, with the shared secret."""
import hmac
import json
import logging

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from ..models.mail_gateway_message import DEFAULTS, PARAM_PREFIX

_logger = logging.getLogger(__name__)


def _reply(status, **payload):
    return http.Response(json.dumps(payload), status=status, content_type="application/json")


class MailGatewayController(http.Controller):

    @http.route("/mail_gateway/inbound", type="http", auth="none", methods=["POST"], csrf=False)
    def inbound(self, db=None, **kwargs):
        """200 stored (or already known), 403 bad secret, 413 too large, 503 retry later."""
        db = db or request.db or http.db_monodb()
        if not db or not http.db_filter([db]):
            return _reply(404, error="unknown database")
        secret = request.httprequest.headers.get("X-Mail-Gateway-Secret", "")
        channel = "mta" if request.httprequest.headers.get("X-Mail-Gateway-Channel") == "mta" else "http"
        try:
            registry = odoo.registry(db)
        except Exception:  # pylint: disable=broad-except
            return _reply(503, error="database unavailable")
        for attempt in range(5):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    params = env["ir.config_parameter"]
                    expected = params.get_param(PARAM_PREFIX + "http_secret") or ""
                    if not expected or not hmac.compare_digest(expected.encode(), secret.encode()):
                        return _reply(403, error="bad secret")
                    max_size = int(params.get_param(PARAM_PREFIX + "max_size") or DEFAULTS["max_size"])
                    length = request.httprequest.content_length or 0
                    if length > max_size:
                        return _reply(413, error="message too large", max_size=max_size)
                    raw = request.httprequest.get_data(cache=True)
                    if not raw.strip() or len(raw) > max_size:
                        return _reply(413 if raw.strip() else 400, error="empty or too large message")
                    record = env["mail.gateway.message"].receive(raw, channel)
                    if not record:
                        return _reply(200, state="duplicate")
                    return _reply(200, state=record.state, id=record.id, result=record.result or "",
                                  reason=record.ignore_reason or "")
            except psycopg2.extensions.TransactionRollbackError:
                _logger.info("Concurrent delivery, attempt %d", attempt + 1)
                continue
        return _reply(503, error="busy, retry later")
