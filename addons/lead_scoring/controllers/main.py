"""POST /api/crm/v1/events: behaviour events from websites, mailings and other tools.

Body (JSON)::

    {"events": [{"type": "page_view", "url": "...", "visitor_id": "...",
                 "lead_id": 12, "timestamp": "2026-01-31 10:00:00"}]}

The crm_leads API key (a publishable one is enough) goes in an ``Authorization: Bearer``
or ``X-Api-Key`` header, or, for the tracking script (which posts ``text/plain`` so that
browsers need no CORS preflight and cannot set headers), in the address
(``/api/crm/v1/events?key=...``); it is checked, and its rate limit counted in
PostgreSQL, before the body is read. A ``key`` member of the body is still accepted for
small bodies. An event names a lead of the key's company only (else the whole call is
refused); with a publishable key (public in the page source) it names a lead only together
with the signed visitor id the lead was created with, the same refusal whether the lead
exists or not; an anonymous visitor's events join only the leads of the key's company, and
its ``visitor_id`` must be one this server handed out for that company
(``/api/crm/v1/visitor``, signed with the database's secret): a made-up, altered or
another company's id refuses the whole call with ``403 invalid_visitor``. Errors
answer ``{"error": {"code", "message", "field"}}`` like the other crm_leads endpoints; 429
and 503 with Retry-After.
"""
import hashlib
import os

from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import AccessError, ValidationError
from odoo.http import request

from odoo.addons.crm_leads.controllers.common import (
    ApiError, api_key_from_request, check_rate_limit, error_response, json_response, read_json_body)
from odoo.addons.crm_leads.lib import api as api_lib

from ..models.crm_lead_event import InvalidVisitor

MAX_EVENTS = 500
KEY_IN_BODY_BYTES = 16 * 1024
EVENTS_PER_MINUTE = 600
# the tracking script posts from any website
CORS = [("Access-Control-Allow-Origin", "*")]
TRACKER_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "static", "src", "js", "lead_scoring_tracker.js")
#: how long browsers and proxies keep the tracking script: a fix reaches visitors within the
#: hour (Odoo's static files are kept a week), and the ETag makes the check after it cheap
TRACKER_MAX_AGE = 3600
_tracker_cache = {}


def tracker_script():
    """``(content, ETag)`` of the tracking script, read once per version of the file."""
    stamp = os.stat(TRACKER_PATH).st_mtime
    if _tracker_cache.get("stamp") != stamp:
        with open(TRACKER_PATH, "rb") as handle:
            content = handle.read()
        etag = '"%s"' % hashlib.sha256(content).hexdigest()[:32]
        _tracker_cache.update(stamp=stamp, content=content, etag=etag)
    return _tracker_cache["content"], _tracker_cache["etag"]


class LeadEventController(http.Controller):

    @http.route("/api/crm/v1/events", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False)
    def record_events(self, **_kwargs):
        if request.httprequest.method == "OPTIONS":
            return json_response(None, 204, CORS + [
                ("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Api-Key"),
                ("Access-Control-Allow-Methods", "POST, OPTIONS")])
        try:
            key, body = self._key_then_body()
            events = self._events(body)
            self._charge_events(key, events)
            user_id = key.user_id.id if "user_id" in key._fields and key.user_id else SUPERUSER_ID
            env = request.env(user=user_id)
            try:
                recorded = env["crm.lead.event"].sudo().record_events(
                    events, company_id=key.company_id.id, signed_visitors=True,
                    publishable=key.key_kind == "publishable")
            except InvalidVisitor as error:
                request.env.cr.rollback()
                raise ApiError(403, "invalid_visitor", error.name, "visitor_id")
            except (ValidationError, AccessError) as error:
                request.env.cr.rollback()
                raise ApiError(400, "invalid_event", error.name, getattr(error, "field", None) or "events")
        except ApiError as error:
            return error_response(error.status, error.code, error.message, error.field, CORS + error.headers)
        return json_response({"recorded": len(recorded), "ids": recorded.ids}, 201, CORS)

    @http.route("/api/crm/v1/tracker.js", type="http", auth="none", methods=["GET"], csrf=False)
    def tracker(self, **_kwargs):
        """The tracking script, kept by browsers for an hour only (``TRACKER_MAX_AGE``), with
        an ETag: after the hour, an unchanged script costs a 304 without body."""
        content, etag = tracker_script()
        headers = [("Cache-Control", "public, max-age=%d" % TRACKER_MAX_AGE), ("ETag", etag)]
        if etag in [tag.strip() for tag in (request.httprequest.headers.get("If-None-Match") or "").split(",")]:
            response = request.make_response(b"", headers)
            response.status_code = 304
            return response
        return request.make_response(content, headers + [("Content-Type", "application/javascript; charset=utf-8")])

    @http.route("/api/crm/v1/visitor", type="http", auth="none", methods=["GET", "POST"], csrf=False)
    def new_visitor(self, **_kwargs):
        """A new visitor id for the key's company, signed by this database: the tracking
        script asks once per browser and keeps it (a simple GET: no CORS preflight)."""
        try:
            token = request.httprequest.args.get("key")
            key = api_key_from_request(token if isinstance(token, str) else None)
            check_rate_limit("events:%s" % key.id, EVENTS_PER_MINUTE)
            visitor_id = request.env["crm.lead.event"].sudo()._visitor_new(key.company_id.id)
        except ApiError as error:
            return error_response(error.status, error.code, error.message, error.field, CORS + error.headers)
        return json_response({"visitor_id": visitor_id}, 201, CORS)

    def _key_then_body(self):
        """``(key, body)``: a key sent in a header or in the address (``?key=``, the tracking
        script) is checked, and the call counted as one event of its rate limit, before the
        body is read; a key sent only in the body (tracking scripts of earlier versions, one
        event per call) lets the body be read first, up to ``KEY_IN_BODY_BYTES``: without a
        key anywhere, the answer is 401 ``missing_key`` whatever the body holds (never a
        parse error, which would tell a keyless caller how its body is read)."""
        token = request.httprequest.args.get("key")
        if not (token or api_lib.token_from_headers(request.httprequest.headers)):
            try:
                body = read_json_body(KEY_IN_BODY_BYTES)
            except ApiError:
                body = None
            token = body.get("key") if isinstance(body, dict) else None
            key = api_key_from_request(token if token and isinstance(token, str) else None)
            check_rate_limit("events:%s" % key.id, EVENTS_PER_MINUTE)
            return key, body
        key = api_key_from_request(token if isinstance(token, str) else None)
        if token and key.key_kind != "publishable":
            # an address is logged by proxies and kept in browser histories: a secret key
            # there is exposed (and the endpoint answers any origin)
            raise ApiError(403, "secret_key_in_address",
                           _("A secret key is never accepted in the address (?key=): send it in the "
                             "'Authorization: Bearer <key>' header. Website pages use a publishable key."),
                           "key")
        check_rate_limit("events:%s" % key.id, EVENTS_PER_MINUTE)
        return key, read_json_body()

    def _charge_events(self, key, events):
        """Count the call's other events in the key's limit (the call itself counted one
        before its body was read): a call that would pass the limit is refused whole (429,
        Retry-After) and records nothing."""
        if len(events) > 1:
            check_rate_limit("events:%s" % key.id, EVENTS_PER_MINUTE, cost=len(events) - 1,
                             message=_("Too many events: at most %d a minute per key.") % EVENTS_PER_MINUTE)

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
