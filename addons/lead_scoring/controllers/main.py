"""POST /api/crm/v1/events: behaviour events from websites, mailings and other tools.

Body (JSON; sent as text/plain by the tracking script so that browsers need no CORS
preflight)::

    {"key": "<API key>", "events": [{"type": "page_view", "url": "...", "visitor_id": "...",
                                     "lead_id": 12, "timestamp": "2026-01-31 10:00:00"}]}

The API key may also come in an ``Authorization: Bearer`` or ``X-Api-Key`` header.
The keys are crm_leads' ``crm.lead.api.key``.
"""
import json
import logging

from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import AccessError, ValidationError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_EVENTS = 500


def _response(payload, status):
    response = request.make_response(json.dumps(payload), headers=[
        ("Content-Type", "application/json"),
        ("Access-Control-Allow-Origin", "*"),
    ])
    response.status_code = status
    return response


class LeadEventController(http.Controller):

    def _token(self, body):
        headers = request.httprequest.headers
        authorization = headers.get("Authorization") or ""
        if authorization.lower().startswith("bearer "):
            return authorization[7:].strip()
        return headers.get("X-Api-Key") or (body.get("key") if isinstance(body, dict) else None)

    def _authenticate(self, token):
        """The crm_leads API key record of this token (empty when unknown)."""
        if not token or "crm.lead.api.key" not in request.env:
            return None
        key = request.env["crm.lead.api.key"].sudo()._authenticate(token)
        return key or None

    @http.route("/api/crm/v1/events", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False)
    def record_events(self, **_kwargs):
        if request.httprequest.method == "OPTIONS":
            response = _response({}, 204)
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-Api-Key"
            response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            return response
        try:
            body = json.loads(request.httprequest.get_data(as_text=True) or "{}")
        except ValueError:
            return _response({"error": _("The body is not JSON.")}, 400)
        key = self._authenticate(self._token(body))
        if not key:
            return _response({"error": _("Unknown or missing API key.")}, 401)
        events = body.get("events") if isinstance(body, dict) else body
        if isinstance(events, dict):
            events = [events]
        if events is None and isinstance(body, dict) and body.get("type"):
            events = [body]
        if not isinstance(events, list) or not events:
            return _response({"error": _("Send one event or a list of events.")}, 400)
        if len(events) > MAX_EVENTS:
            return _response({"error": _("At most %d events per call.") % MAX_EVENTS}, 413)
        user_id = key.user_id.id if "user_id" in key._fields and key.user_id else SUPERUSER_ID
        env = request.env(user=user_id)
        try:
            recorded = env["crm.lead.event"].sudo().record_events(events)
        except (ValidationError, AccessError) as error:
            request.env.cr.rollback()
            return _response({"error": error.name}, 400)
        return _response({"recorded": len(recorded), "ids": recorded.ids}, 201)
