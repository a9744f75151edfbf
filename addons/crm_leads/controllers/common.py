"""JSON helpers shared by the web service endpoints of crm_leads and the addons built on it.

Import them as ``from odoo.addons.crm_leads.controllers.common import ...``:

- ``json_response(payload, status)`` and ``error_response(status, code, message, field)``
  answer with ``{"error": {"code": ..., "message": ..., "field": ...}}`` on failure;
- ``read_json_body(limit)`` reads the body (once: Odoo's retries get it again) or raises
  ``ApiError`` (400, 413: a body past the limit is refused from its Content-Length and
  read away unparsed, so that the client reads the 413 instead of a connection reset);
- ``busy_response(seconds)``: 503 with ``Retry-After`` (``ir.http`` answers it when the
  database cannot serve a request of these endpoints);
- ``api_key_from_request()`` authenticates ``Authorization: Bearer <key>`` or
  ``X-Api-Key`` against ``crm.lead.api.key`` or raises ``ApiError`` (401);
- ``check_rate_limit(bucket, limit)`` raises ``ApiError`` (429, Retry-After) past ``limit``
  per minute, counted in PostgreSQL for all workers.
"""
import json
import logging
import random

import psycopg2
import werkzeug.exceptions
import werkzeug.wrappers

import odoo
from odoo import http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.sql_db import PoolError

from ..lib import api as api_lib

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
#: a body refused as too large is still read (and dropped) up to this size: a server that
#: answers before the client has sent it all closes a socket with unread data, which resets the
#: connection, and the client never sees the 413. Beyond it, reading would cost more than a reset.
MAX_DRAIN_BYTES = 64 * 1024 * 1024
#: the website form's posted fields are parsed by Odoo before the route runs: past this size
#: they are not parsed at all (the route answers 413)
FORM_SUBMIT_PATH = "/crm/form/"
API_PREFIX = "/api/crm/"
#: the public entry points of leads: a client must never take a busy server for its own fault
INTAKE_PREFIXES = (API_PREFIX, "/crm/form/")
BODY_ENVIRON_KEY = "crm_leads.body"
DB_ENVIRON_KEY = "crm_leads.db"
BUSY_ENVIRON_KEY = "crm_leads.busy"
TOO_LARGE_ENVIRON_KEY = "crm_leads.too_large"


def is_overload(exception):
    """True when ``exception`` says the database cannot serve the request now: a conflict
    Odoo gave up retrying, no free connection in the pool, or PostgreSQL refusing clients."""
    if isinstance(exception, PoolError):
        return True
    if isinstance(exception, psycopg2.OperationalError):
        return exception.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY or exception.pgcode in (None, "53300")
    return False


class IntakeHttpRequest(http.HttpRequest):
    """A request of the lead endpoints (web service, website form).

    When Odoo could not reach the database for it, Odoo falls back to the routes that need
    no database, where ours are unknown: the answer is then 503 with Retry-After, never a
    404 that a client would take for its own fault."""

    def _handle_exception(self, exception):
        environ = self.httprequest.environ
        if isinstance(exception, werkzeug.exceptions.NotFound) and (
                environ.get(BUSY_ENVIRON_KEY) or (environ.get(DB_ENVIRON_KEY) and not self.session.db)):
            _logger.warning("%s %s answered 503: the database could not be reached",
                            self.httprequest.method, self.httprequest.path)
            return busy_response(random.randint(1, 5), environ)
        return super(IntakeHttpRequest, self)._handle_exception(exception)


def _patch_dispatch():
    """Odoo's dispatch, adapted for our endpoints (``INTAKE_PREFIXES``):

    - ``type='http'`` routes under /api/crm/ receive ``Content-Type: application/json``:
      Odoo 11 turns every JSON request into a JSON-RPC one (and refuses it on an http
      route); a REST client sends plain JSON, so under our prefix the request stays plain;
    - a database that cannot be reached while Odoo picks it for the request (no free
      connection, too many clients) gives 503 with Retry-After (``IntakeHttpRequest``),
      not the error page of a missing route;
    - no session is saved nor session cookie set for them: these requests are stateless
      (a key, a form, a visitor id), and Odoo would otherwise write a new session file
      for each call of a program or a page without Odoo's cookie (see ``get_response``).
    """
    original_get_request = http.Root.get_request
    if getattr(original_get_request, "_crm_leads_patched", False):
        return
    original_setup_db = http.Root.setup_db
    original_get_response = http.Root.get_response

    def get_request(self, httprequest):
        if httprequest.path.startswith(INTAKE_PREFIXES):
            if httprequest.path.startswith(FORM_SUBMIT_PATH) and (httprequest.content_length or 0) > MAX_BODY_BYTES:
                # Odoo parses the posted fields when it builds the request: drop them unread
                drain_body(httprequest)
                httprequest.environ[TOO_LARGE_ENVIRON_KEY] = True
            return IntakeHttpRequest(httprequest)
        return original_get_request(self, httprequest)

    def setup_db(self, httprequest):
        if not httprequest.path.startswith(INTAKE_PREFIXES):
            return original_setup_db(self, httprequest)
        try:
            original_setup_db(self, httprequest)
            if httprequest.session.db:
                # the registry's check needs a connection: make sure one is there
                odoo.sql_db.db_connect(httprequest.session.db).cursor().close()
        except Exception as error:  # pylint: disable=broad-except
            if not is_overload(error):
                raise
            httprequest.environ[BUSY_ENVIRON_KEY] = True
            httprequest.session.db = None
        httprequest.environ[DB_ENVIRON_KEY] = httprequest.session.db

    def get_response(self, httprequest, result, explicit_session):
        if httprequest.path.startswith(INTAKE_PREFIXES) and getattr(httprequest, "session", None) is not None:
            # Odoo saves the session when it changed (picking the database changes it) and
            # sends its cookie: neither for these endpoints
            httprequest.session.modified = False
            httprequest.session.rotate = False
            explicit_session = True
        return original_get_response(self, httprequest, result, explicit_session)

    get_request._crm_leads_patched = True
    http.Root.get_request = get_request
    http.Root.setup_db = setup_db
    http.Root.get_response = get_response


_patch_dispatch()


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


def busy_response(retry_after, environ=None):
    """503 with ``Retry-After``: the server could not take the request now, the client sends
    the same request again (with the same Idempotency-Key) after ``retry_after`` seconds.
    Needs no database; readable by any page (it says nothing of the key or the leads)."""
    origin = (environ or request.httprequest.environ).get("HTTP_ORIGIN")
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Retry-After", str(retry_after))]
    if origin:
        headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    body = error_body("busy", "The server is busy: send the same request again in %d seconds." % retry_after)
    return werkzeug.wrappers.Response(json.dumps(body), status=503, headers=headers)


def drain_body(httprequest, most=MAX_DRAIN_BYTES):
    """Read and drop the body of a request that will be refused (up to ``most`` bytes), so
    that the client has sent it all when the answer comes: closing a socket with unread data
    resets the connection, and the client would lose the answer. True when drained."""
    if (httprequest.content_length or 0) > most:
        return False
    try:
        stream = httprequest.stream
        while stream.read(64 * 1024):
            pass
    except Exception:  # pylint: disable=broad-except
        # the client went away: nothing left to answer
        return False
    return True


def body_too_large(limit):
    """ApiError 413 for a body larger than ``limit`` bytes."""
    return ApiError(413, "body_too_large", "The body is larger than %d bytes." % limit)


def read_body(limit=MAX_BODY_BYTES):
    """The raw body, read from the stream once and kept on the request: when Odoo runs the
    request again after a serialization failure, the stream is empty but the body is the
    same. ApiError 413 past ``limit`` bytes: refused from the Content-Length, the body
    read away unparsed (``drain_body``)."""
    httprequest = request.httprequest
    length = httprequest.content_length
    if length is not None and length > limit:
        if httprequest.environ.get(BODY_ENVIRON_KEY) is None:
            drain_body(httprequest)
            httprequest.environ[BODY_ENVIRON_KEY] = b""
        raise body_too_large(limit)
    data = httprequest.environ.get(BODY_ENVIRON_KEY)
    if data is None:
        data = httprequest.stream.read(limit + 1)
        httprequest.environ[BODY_ENVIRON_KEY] = data
    if len(data) > limit:
        drain_body(httprequest)
        raise body_too_large(limit)
    return data


def read_json_body(limit=MAX_BODY_BYTES):
    """The decoded JSON body (read once, see ``read_body``); ApiError 413 past ``limit``
    bytes, 400 when not JSON or when it holds a value PostgreSQL cannot store (see
    ``api_lib.parse_json``)."""
    data = read_body(limit)
    try:
        return api_lib.parse_json(data)
    except api_lib.UnstorableValue as error:
        raise ApiError(400, "invalid_value", str(error))
    except (ValueError, UnicodeDecodeError, RecursionError):
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


def check_rate_limit(bucket, limit, cost=1, message=None, headers=None):
    """ApiError 429 (with Retry-After) when ``bucket`` went past ``limit`` requests a minute.

    Counted in PostgreSQL (``crm.lead.api.request._rate_limit_hit``), so that every worker
    process and every server of the database shares the same count."""
    allowed, retry_after = request.env["crm.lead.api.request"].sudo()._rate_limit_hit(bucket, limit, cost)
    if not allowed:
        raise ApiError(429, "rate_limited", message or "Too many requests: at most %d per minute." % limit,
                       headers=list(headers or []) + [("Retry-After", str(retry_after))])


def client_ip():
    """The client's address (Odoo's proxy mode resolves X-Forwarded-For into it)."""
    return request.httprequest.remote_addr or "unknown"
