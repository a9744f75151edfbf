"""POST /api/crm/v1/leads: create one lead or a batch of up to 500.

Headers: ``Authorization: Bearer <key>`` (or ``X-Api-Key``), optional
``Idempotency-Key: <any unique string>``. Body: one lead object, a list of them, or
``{"leads": [...]}``. Lead fields: name, contact_name, company_name, email, phone, mobile,
street, city, zip, country (ISO code), language (the code of an installed language: fr_FR;
another one is refused with ``invalid_value``), website, function, description,
expected_revenue, tags, need, budget, timing, decision_maker, utm_source, utm_medium,
utm_campaign, visitor_id (the anonymous id of the website's tracking script).

Answers: 201 ``{"id": 12, "status": "created"}`` for one lead; 200
``{"created": n, "rejected": m, "results": [{"index": 0, "status": "created", "id": 12}, ...]}``
for a batch; errors ``{"error": {"code", "message", "field"}}`` with 400, 401, 403 (a
publishable key), 413, 429 (with Retry-After); 503 with Retry-After when the server is
busy: send the same request again (with the same Idempotency-Key) after that many seconds.
The same Idempotency-Key with another body (compared by a hash of the canonical JSON) is
refused with 422 ``idempotency_key_reused``; a key longer than 255 characters with 400
``invalid_idempotency_key`` (never cut: two long keys would clash); a body larger than 2 MB gets a JSON 413
``body_too_large``; a lead with more than 20 tags, or a tag name longer than 50 characters,
is rejected with ``invalid_value`` naming ``tags``.
The body is read once and kept, so Odoo's retries after a serialization failure get it.
"""
import logging

from odoo import http
from odoo.http import request

from ..lib import api as api_lib
from ..lib.intake import clean_payload, limit_error as intake_limit_error
from .common import (ApiError, api_key_from_request, check_rate_limit, error_body, error_response, json_response,
                     read_json_body)

_logger = logging.getLogger(__name__)

MAX_BATCH = 500
MAX_BODY_BYTES = 2 * 1024 * 1024
#: the longest Idempotency-Key kept (the column's size): a longer one is refused, never cut
MAX_IDEMPOTENCY_KEY = 255


class LeadApiController(http.Controller):

    @http.route("/api/crm/v1/leads", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False)
    def create_leads(self, **_kwargs):
        origin = request.httprequest.headers.get("Origin")
        if request.httprequest.method == "OPTIONS":
            return json_response({}, 204, self._cors_preflight_headers(origin))
        try:
            key = api_key_from_request()
            if not key.can_create_leads():
                raise ApiError(403, "secret_key_required",
                               "A publishable key only sends events and website forms: create leads with a "
                               "secret key, from your server.")
            cors = self._cors_headers(origin, key)
            idempotency_key = self._idempotency_key()
            body = read_json_body(MAX_BODY_BYTES)
            request_hash = api_lib.body_hash(body)
            if idempotency_key:
                # a retry gets its stored answer before the rate limit counts it: it creates
                # nothing
                replay = self._replay(key, idempotency_key, request_hash)
                if replay:
                    return replay
            check_rate_limit("key:%d" % key.id, key.rate_limit)
            batch, payloads = self._payloads(body)
            if idempotency_key:
                self._reserve(key, idempotency_key, request_hash)
            status, answer = self._process(key, batch, payloads)
            if idempotency_key:
                request.env["crm.lead.api.request"].sudo()._store_answer(key, idempotency_key, status, answer)
            return json_response(answer, status, cors)
        except ApiError as error:
            return error.response()

    @http.route("/api/crm/v1/leads", type="http", auth="none", methods=["GET", "PUT", "PATCH", "DELETE"],
                csrf=False)
    def leads_other_methods(self, **_kwargs):
        """A JSON 405 for the methods the web service does not answer (it was Odoo's HTML
        page): clients read every error as JSON."""
        return error_response(405, "method_not_allowed",
                              "%s is not answered here: POST the leads to create (OPTIONS for CORS)."
                              % request.httprequest.method, None, [("Allow", "POST, OPTIONS")])

    # ------------------------------------------------------------------ steps

    def _payloads(self, body):
        """``(is_batch, list of lead payloads)``; ApiError on a body of the wrong shape."""
        if isinstance(body, dict) and "leads" in body:
            body = body["leads"]
            if not isinstance(body, list):
                raise ApiError(400, "invalid_body", "'leads' must be a list of lead objects.", "leads")
        if isinstance(body, list):
            if not body:
                raise ApiError(400, "invalid_body", "The list of leads is empty.", "leads")
            if len(body) > MAX_BATCH:
                raise ApiError(413, "batch_too_large", "At most %d leads per request." % MAX_BATCH, "leads")
            return True, body
        if isinstance(body, dict):
            return False, [body]
        raise ApiError(400, "invalid_body", "Send a lead object, a list of leads or {\"leads\": [...]}.")

    def _process(self, key, batch, payloads):
        """Check each payload, then run the good ones through the intake pipeline together
        (``crm.lead.intake_create_batch``): a lead the pipeline refuses is rejected alone."""
        Lead = request.env["crm.lead"].sudo().with_context(
            force_company=key.company_id.id)
        results, items, positions = [None] * len(payloads), [], []
        for index, payload in enumerate(payloads):
            limit_error = intake_limit_error(payload)
            if limit_error:
                # past a bound of the service (tags): the value, not its form, is refused
                results[index] = {"status": "rejected", "index": index,
                                  "error": error_body("invalid_value", limit_error[1], limit_error[0])["error"]}
                continue
            values, extra, errors = clean_payload(payload)
            if errors:
                field, message = errors[0]
                results[index] = {"status": "rejected",
                                  "error": error_body("invalid_field", message, field or None)["error"], "index": index}
                continue
            if extra.get("lang"):
                # a language this database does not have is refused, not stored as sent
                code = Lead._intake_lang_code(extra["lang"])
                if not code:
                    field = "language" if payload.get("language") not in (None, "") else "lang"
                    message = "Unknown language '%s': send the code of an installed language, such as 'fr_FR'." \
                        % str(payload.get(field)).strip()
                    results[index] = {"status": "rejected", "index": index,
                                      "error": error_body("invalid_value", message, field)["error"]}
                    continue
                extra["lang"] = code
            for name in ("country_code", "lang", "tags"):
                if extra.get(name):
                    values[name] = extra[name]
            items.append((values, self._intake_options(key, extra)))
            positions.append(index)
        if items:
            for index, outcome in zip(positions, Lead.intake_create_batch(items, "api")):
                if isinstance(outcome, Exception):
                    results[index] = {"status": "rejected",
                                      "error": error_body("invalid_lead", outcome.name,
                                                          getattr(outcome, "field", None))["error"], "index": index}
                else:
                    results[index] = {"status": "created", "id": outcome.id, "index": index}
        if not batch:
            result = results[0]
            if result["status"] == "created":
                return 201, {"id": result["id"], "status": "created"}
            return 400, {"error": result["error"]}
        created = sum(1 for result in results if result["status"] == "created")
        return 200, {"created": created, "rejected": len(results) - created, "results": results}

    def _intake_options(self, key, extra):
        """The options of the intake pipeline for one lead: the key, the UTM names, the
        anonymous visitor id of the website's tracking script (lead_scoring joins the
        visitor's past events to the lead), and the assignee's alert given by a queue job
        once the lead is committed (``crm.lead._intake_notify``)."""
        # the salesperson's alert follows the answer (a queue job), not before it
        options = {"api_key": key, "utm": extra["utm"], "notify_later": True}
        if extra.get("visitor_id"):
            options["visitor_id"] = extra["visitor_id"]
        return options

    # ------------------------------------------------------------ idempotency

    def _idempotency_key(self):
        """The request's ``Idempotency-Key`` (stripped), or ''. ApiError 400 when it cannot be
        kept as sent: longer than ``MAX_IDEMPOTENCY_KEY`` characters (cut, two different keys
        would be taken for one and the second request answered with the first one's answer),
        or holding control characters."""
        value = (request.httprequest.headers.get("Idempotency-Key") or "").strip()
        if len(value) > MAX_IDEMPOTENCY_KEY:
            raise ApiError(400, "invalid_idempotency_key",
                           "The Idempotency-Key has %d characters: at most %d are accepted."
                           % (len(value), MAX_IDEMPOTENCY_KEY), "Idempotency-Key")
        try:
            api_lib.check_header_value(value, "Idempotency-Key")
        except api_lib.UnstorableValue as error:
            raise ApiError(400, "invalid_header", str(error), "Idempotency-Key")
        return value

    def _replay(self, key, idempotency_key, request_hash):
        """The stored answer to this Idempotency-Key, or None. ApiError 422 when the key was
        used with another body (the first answer would be about another request), 409 while
        the first request with it still runs."""
        stored = request.env["crm.lead.api.request"].sudo()._stored_answer(key, idempotency_key)
        if not stored:
            return None
        status, answer, stored_hash = stored
        if stored_hash and stored_hash != request_hash:
            raise ApiError(422, "idempotency_key_reused",
                           "This Idempotency-Key was already used with another body: use a new key for "
                           "a new request, or send the same body again to get the first answer.")
        if not status:
            raise ApiError(409, "request_in_progress", "A request with this Idempotency-Key is still running.")
        return json_response(answer, status, [("Idempotent-Replayed", "true")])

    def _reserve(self, key, idempotency_key, request_hash):
        """Claim the Idempotency-Key; a concurrent request with the same key waits here and
        then gets the first answer (or 422 when its body differs)."""
        if not request.env["crm.lead.api.request"].sudo()._claim(key, idempotency_key, request_hash):
            replay = self._replay(key, idempotency_key, request_hash)
            raise ApiError(409, "request_in_progress", "A request with this Idempotency-Key is still running.") \
                if replay is None else _Replayed(replay)

    # ------------------------------------------------------------------- CORS

    def _cors_headers(self, origin, key):
        if origin and api_lib.origin_allowed(origin, key.allowed_origins):
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return []

    def _cors_preflight_headers(self, origin):
        return [("Access-Control-Allow-Origin", origin or "*"),
                ("Access-Control-Allow-Methods", "POST, OPTIONS"),
                ("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Api-Key, Idempotency-Key"),
                ("Access-Control-Max-Age", "600")]


class _Replayed(ApiError):
    """The stored answer of a concurrent request with the same Idempotency-Key."""

    def __init__(self, response):
        super(_Replayed, self).__init__(200, "replayed", "")
        self._response = response

    def response(self):
        return self._response
