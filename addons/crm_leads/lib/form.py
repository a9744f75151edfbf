"""The embeddable website form without the ORM: signed timestamps, spam checks and the
mapping of the posted fields to a lead payload.

The form carries a hidden ``ts`` token, ``<unix time>.<HMAC-SHA256 of form id and time>``
signed with the database secret: a bot that posts without loading the form, or faster
than a person can type, or with the hidden ``HONEYPOT`` field filled in, is spam.
"""
import hashlib
import hmac
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
