"""JSON helpers shared by the web service endpoints of crm_leads and the addons built on it.

Import them as ``from odoo.addons.crm_leads.controllers.common import ...``:

- ``json_response(payload, status)`` and ``error_response(status, code, message, field)``
  answer with ``{"error": {"code": ..., "message": ..., "field": ...}}`` on failure;
- ``read_json_body(limit)`` reads the body or raises ``ApiError`` (400, 413);
- ``api_key_from_request()`` authenticates ``Authorization: Bearer <key>`` or
  ``X-Api-Key`` against ``crm.lead.api.key`` or raises ``ApiError`` (401);
- ``check_rate_limit(bucket, limit)`` raises ``ApiError`` (429) past ``limit`` per minute.
"""
import json

from odoo import http
from odoo.http import request

from ..lib import api as api_lib

MAX_BODY_BYTES = 1024 * 1024
RATE_LIMITER = api_lib.RateLimiter()
API_PREFIX = "/api/crm/"


def _patch_json_dispatch():
    """Let ``type='http'`` routes under /api/crm/ receive ``Content-Type: application/json``.

    Odoo 11 turns every JSON request into a JSON-RPC one (and refuses it on an http
    route); a REST client sends plain JSON, so under our prefix the request stays plain.
    """
    original = http.Root.get_request
    if getattr(original, "_crm_leads_patched", False):
        return

    def get_request(self, httprequest):
        if httprequest.path.startswith(API_PREFIX):
            return http.HttpRequest(httprequest)
        return original(self, httprequest)

    get_request._crm_leads_patched = True
    http.Root.get_request = get_request


_patch_json_dispatch()


class ApiError(Exception):
    """An error the client must see as JSON with an HTTP status."""

    def __init__(self, status, code, message, field=None, headers=None):
        super(ApiError, self).__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or []

    def response(self):
        return error_response(self.status, self.code, self.message, self.field, self.headers)


def json_response(payload, status=200, headers=None):
    """A JSON answer with ``status``."""
    response = request.make_response(
        json.dumps(payload, default=str) if status != 204 else "",
        headers=[("Content-Type", "application/json; charset=utf-8")] + list(headers or []))
    response.status_code = status
    return response


def error_body(code, message, field=None):
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(status, code, message, field=None, headers=None):
    """``{"error": {"code", "message", "field"}}`` with ``status``."""
    return json_response(error_body(code, message, field), status, headers)


def read_json_body(limit=MAX_BODY_BYTES):
    """The decoded JSON body; ApiError 413 past ``limit`` bytes, 400 when not JSON."""
    httprequest = request.httprequest
    length = httprequest.content_length
    if length is not None and length > limit:
        raise ApiError(413, "body_too_large", "The body is larger than %d bytes." % limit)
    data = httprequest.stream.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "body_too_large", "The body is larger than %d bytes." % limit)
    try:
        return json.loads(data.decode("utf-8") or "null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "The body is not valid JSON.")


def api_key_from_request(token=None):
    """The active ``crm.lead.api.key`` (sudo) of the request; ApiError 401 otherwise."""
    token = token or api_lib.token_from_headers(request.httprequest.headers)
    if not token:
        raise ApiError(401, "missing_key", "Send the API key in 'Authorization: Bearer <key>' or 'X-Api-Key'.")
    key = request.env["crm.lead.api.key"].sudo()._authenticate(token)
    if not key:
        raise ApiError(401, "invalid_key", "Unknown or revoked API key.")
    return key


def check_rate_limit(bucket, limit, cost=1):
    """ApiError 429 (with Retry-After) when ``bucket`` went past ``limit`` requests a minute."""
    if not RATE_LIMITER.allow(bucket, limit, cost):
        raise ApiError(429, "rate_limited", "Too many requests: at most %d per minute." % limit,
                       headers=[("Retry-After", str(RATE_LIMITER.retry_after(bucket)))])


def client_ip():
    """The client's address (Odoo's proxy mode resolves X-Forwarded-For into it)."""
    return request.httprequest.remote_addr or "unknown"
