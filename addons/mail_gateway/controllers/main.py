"""HTTP inbound hook: POST a raw MIME message, with the shared secret.

Store first, then process: the raw message is committed in its own transaction
before its body is parsed; the answer is 200 as soon as it is stored, whatever
processing does next (a failure goes to the failure queue, a killed worker leaves
the message to the background job).
"""
import hmac
import json
import logging

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from ..models.mail_gateway_message import PARAM_PREFIX

_logger = logging.getLogger(__name__)


INBOUND_PATH = "/mail_gateway/inbound"


def _get_request(root, httprequest):
    """The hook's body is the raw message whatever its Content-Type: read it before werkzeug
    parses it as a form (curl --data-binary sends application/x-www-form-urlencoded) and
    never take it for JSON-RPC."""
    if httprequest.method == "POST" and httprequest.path == INBOUND_PATH:
        httprequest.get_data(cache=True, parse_form_data=False)
        return http.HttpRequest(httprequest)
    return _get_request.origin(root, httprequest)


if not hasattr(http.Root.get_request, "origin"):
    _get_request.origin = http.Root.get_request
    http.Root.get_request = _get_request


def _reply(status, **payload):
    return http.Response(json.dumps(payload), status=status, content_type="application/json")


class MailGatewayController(http.Controller):

    @http.route(INBOUND_PATH, type="http", auth="none", methods=["POST"], csrf=False)
    def inbound(self, db=None, **kwargs):
        """200 stored (or already known), 403 bad or missing secret, 413 too large, 400 empty,
        503 retry later."""
        db = db or request.db or http.db_monodb()
        if not db or not http.db_filter([db]):
            return _reply(404, error="unknown database")
        secret = request.httprequest.headers.get("X-Mail-Gateway-Secret", "")
        channel = "mta" if request.httprequest.headers.get("X-Mail-Gateway-Channel") == "mta" else "http"
        try:
            registry = odoo.registry(db)
        except Exception:  # pylint: disable=broad-except
            return _reply(503, error="database unavailable")
        stored = None
        for attempt in range(5):
            try:
                stored = self._store(registry, secret, channel)
                break
            except psycopg2.extensions.TransactionRollbackError:
                # only the INSERT is run again, on the body already read
                _logger.info("Concurrent delivery, attempt %d", attempt + 1)
        if stored is None:
            return _reply(503, error="busy, retry later")
        if isinstance(stored, http.Response):
            return stored
        record_id, created, state, inline = stored
        if state == "received" and inline:
            state = self._process(registry, record_id) or state
        payload = {"id": record_id, "state": state if created else "duplicate"}
        if created:
            with registry.cursor() as cr:
                record = api.Environment(cr, SUPERUSER_ID, {})["mail.gateway.message"].browse(record_id)
                payload.update(state=record.state, result=record.result or "", reason=record.ignore_reason or "",
                               message_id_reused=record.message_id_reused)
        return _reply(200, **payload)

    def _store(self, registry, secret, channel):
        """Check the secret and size, store the raw message and commit.
        Returns ``(id, created, state, inline)`` or an error response."""
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Gateway = env["mail.gateway.message"]
            expected = env["ir.config_parameter"].get_param(PARAM_PREFIX + "http_secret") or ""
            if not expected or not hmac.compare_digest(expected.encode(), secret.encode()):
                # a configuration error: the MTA pipe turns it into a temporary failure
                _logger.warning("Mail gateway: inbound message refused, %s secret (check the MTA's "
                                "--secret-file and the setting Inbound hook secret)",
                                "no" if not expected else "wrong")
                return _reply(403, error="bad secret")
            settings = Gateway._settings()
            length = request.httprequest.content_length or 0
            if length > settings["max_size"]:
                return _reply(413, error="message too large", max_size=settings["max_size"])
            raw = request.httprequest.get_data(cache=True)
            if len(raw) > settings["max_size"]:
                return _reply(413, error="message too large", max_size=settings["max_size"])
            if not raw:
                return _reply(400, error="empty message")
            # a large message gets its queue job in the transaction that stores it
            record, created, inline = Gateway._store_and_schedule(raw, channel)
            cr.commit()  # pylint: disable=invalid-commit
            return record.id, created, record.state, inline

    def _process(self, registry, record_id):
        """Process a stored small message now; on any database trouble leave it to the cron."""
        try:
            with registry.cursor() as cr:
                record = api.Environment(cr, SUPERUSER_ID, {})["mail.gateway.message"].browse(record_id)
                record._process()
                return record.state
        except psycopg2.Error as exc:
            _logger.warning("Inbound message %s stored; processing postponed to the background job (%s)",
                            record_id, exc)
            return None
