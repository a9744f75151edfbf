"""The embeddable website form without the ORM: signed timestamps, spam checks and the
mapping of the posted fields to a lead payload.

The form carries a hidden ``ts`` token, ``<unix time>.<HMAC-SHA256 of form id and time>``
signed with the database secret: a bot that posts without loading the form, or faster
than a person can type, or with the hidden ``HONEYPOT`` field filled in, is spam.

Each rendered form also carries a one-time ``submission_id`` (``<random>.<HMAC>``): the
posts of one filled form (a double click, a browser posting again) make one lead, the
later ones get the first answer, like the web service's Idempotency-Key. Forms rendered
before it existed post none and are taken as before.
"""
import hashlib
import hmac
import secrets
import time

HONEYPOT = "website_url"
TOKEN_MAX_AGE = 24 * 3600

#: posted field -> lead payload key (lib.intake.clean_payload)
FORM_FIELDS = {
    "name": "name",
    "contact_name": "contact_name",
    "company_name": "company_name",
    "email": "email",
    "phone": "phone",
    "city": "city",
    "zip": "zip",
    "country": "country",
    "message": "description",
    "utm_source": "utm_source",
    "utm_medium": "utm_medium",
    "utm_campaign": "utm_campaign",
    # the language of the page that showed the form: the prospect's
    "lang": "language",
}

OK, SPAM, EXPIRED = "ok", "spam", "expired"


def _signature(secret, form_id, timestamp):
    message = ("%s:%d" % (form_id, timestamp)).encode("utf-8")
    return hmac.new((secret or "").encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign_timestamp(secret, form_id, now=None):
    """The hidden ``ts`` value of a form rendered now for ``form_id``."""
    timestamp = int(now if now is not None else time.time())
    return "%d.%s" % (timestamp, _signature(secret, form_id, timestamp))


def check_timestamp(secret, form_id, token, min_seconds, now=None, max_age=TOKEN_MAX_AGE):
    """``OK``, ``SPAM`` (missing, forged, or sent less than ``min_seconds`` after the form was
    rendered) or ``EXPIRED`` (rendered more than ``max_age`` seconds ago: a person who left
    the page open; not spam)."""
    now = int(now if now is not None else time.time())
    if not isinstance(token, str) or "." not in token:
        return SPAM
    stamp, signature = token.split(".", 1)
    try:
        timestamp = int(stamp)
    except ValueError:
        return SPAM
    if not hmac.compare_digest(_signature(secret, form_id, timestamp), signature):
        return SPAM
    age = now - timestamp
    if age < (min_seconds or 0) or age < -5:
        return SPAM
    if age > max_age:
        return EXPIRED
    return OK


def _submission_signature(secret, form_id, nonce):
    message = ("submission:%s:%s" % (form_id, nonce)).encode("utf-8")
    return hmac.new((secret or "").encode("utf-8"), message, hashlib.sha256).hexdigest()


def new_submission_id(secret, form_id):
    """The hidden ``submission_id`` of a form rendered now: new at each page load."""
    nonce = secrets.token_urlsafe(16)
    return "%s.%s" % (nonce, _submission_signature(secret, form_id, nonce))


def check_submission_id(secret, form_id, value):
    """``(present, valid id or None)``: ``(False, None)`` when the form sent none (rendered
    before submission ids), ``(True, None)`` when it is forged, else ``(True, value)``."""
    if value is None or value == "":
        return False, None
    if not isinstance(value, str) or len(value) > 128 or value.count(".") != 1:
        return True, None
    nonce, signature = value.split(".")
    if not nonce or not hmac.compare_digest(_submission_signature(secret, form_id, nonce), signature):
        return True, None
    return True, value


def is_honeypot_filled(posted):
    """True when the field hidden from people was filled in (by a bot)."""
    return bool((posted.get(HONEYPOT) or "").strip())


def form_payload(posted):
    """``(payload, visitor_id)``: the lead payload of the posted form fields (empty ones
    dropped, unknown ones ignored) and the website visitor id when one was sent."""
    payload = {}
    for field, key in FORM_FIELDS.items():
        value = posted.get(field)
        if isinstance(value, str) and value.strip():
            payload[key] = value.strip()
    visitor_id = (posted.get("visitor_id") or "").strip()[:64] or None
    return payload, visitor_id
