"""POST /api/crm/v1/events: behaviour events from websites, mailings and other tools.

Body (JSON)::

    {"events": [{"type": "page_view", "url": "...", "visitor_id": "...",
                 "lead_id": 12, "timestamp": "2026-01-31 10:00:00"}]}

The crm_leads API key goes in an ``Authorization: Bearer`` or ``X-Api-Key`` header, or,
for the tracking script (which posts ``text/plain`` so that browsers need no CORS
preflight and cannot set headers), in a ``key`` member of the body. Errors answer
``{"error": {"code", "message", "field"}}`` like the other crm_leads endpoints.
"""
import json

from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import AccessError, ValidationError
from odoo.http import request

from odoo.addons.crm_leads.controllers.common import (
    ApiError, api_key_from_request, check_rate_limit, error_body, read_json_body)

MAX_EVENTS = 500
EVENTS_PER_MINUTE = 600


def _response(payload, status):
    # Odoo 11's make_response takes no status: set it on the response
    response = request.make_response(json.dumps(payload), headers=[
        ("Content-Type", "application/json; charset=utf-8"),
        ("Access-Control-Allow-Origin", "*"),
    ])
    response.status_code = status
    return response


class LeadEventController(http.Controller):

    @http.route("/api/crm/v1/events", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False)
    def record_events(self, **_kwargs):
        if request.httprequest.method == "OPTIONS":
            response = _response({}, 204)
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-Api-Key"
            response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            return response
        try:
            body = read_json_body()
            token = body.get("key") if isinstance(body, dict) else None
            key = api_key_from_request(token if token and isinstance(token, str) else None)
            check_rate_limit("events:%s" % key.id, EVENTS_PER_MINUTE)
            events = self._events(body)
            user_id = key.user_id.id if "user_id" in key._fields and key.user_id else SUPERUSER_ID
            env = request.env(user=user_id)
            try:
                recorded = env["crm.lead.event"].sudo().record_events(events)
            except (ValidationError, AccessError) as error:
                request.env.cr.rollback()
                raise ApiError(400, "invalid_event", error.name, "events")
        except ApiError as error:
            response = _response(error_body(error.code, error.message, error.field), error.status)
            for name, value in error.headers:
                response.headers[name] = value
            return response
        return _response({"recorded": len(recorded), "ids": recorded.ids}, 201)

    def _events(self, body):
        events = body.get("events") if isinstance(body, dict) else body
        if events is None and isinstance(body, dict) and body.get("type"):
            events = [body]
        if isinstance(events, dict):
            events = [events]
        if not isinstance(events, list) or not events:
            raise ApiError(400, "no_events", _("Send one event or a list of events."), "events")
        if len(events) > MAX_EVENTS:
            raise ApiError(413, "too_many_events", _("At most %d events per call.") % MAX_EVENTS, "events")
        return events
