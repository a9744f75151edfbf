"""Helpers of the web service that need no ORM: keys, tokens, rate-limit windows."""
import hashlib
import json
import math
import secrets

KEY_PREFIX = "crm_"
#: what a key starts with, by kind (keys made before kinds existed start with KEY_PREFIX only)
KIND_PREFIXES = {"secret": "crm_sk_", "publishable": "crm_pk_"}


def new_key(kind="secret"):
    """A fresh API key: a public prefix that says its kind, and a secret."""
    return KIND_PREFIXES.get(kind, KEY_PREFIX) + secrets.token_urlsafe(32)


def hash_key(token):
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def token_from_headers(headers):
    """The API key of ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``."""
    authorization = (headers.get("Authorization") or "").strip()
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return (headers.get("X-Api-Key") or "").strip() or None


def origin_allowed(origin, allowed):
    """True when ``origin`` (scheme://host[:port]) is in the newline or comma separated
    ``allowed`` list; ``*`` allows any origin."""
    entries = [entry.strip().rstrip("/").lower() for entry in (allowed or "").replace(",", "\n").splitlines()]
    entries = [entry for entry in entries if entry]
    if "*" in entries:
        return True
    return bool(origin) and origin.strip().rstrip("/").lower() in entries


def rate_decision(counted, now, limit, cost=1, window=60):
    """Sliding-window rate limit: ``(allowed, retry_after)``.

    :param counted: ``[(second, hits)]`` already counted in the last ``window`` seconds
        (epoch seconds), oldest first
    :param now: the time of this request (epoch seconds)
    ``retry_after`` (whole seconds, at least 1) is how long until enough of the counted
    requests leave the window for this one to pass; 0 when allowed."""
    recent = [(second, hits) for second, hits in counted if second > now - window]
    total = sum(hits for _second, hits in recent)
    if total + cost <= limit:
        return True, 0
    if cost > limit:
        return False, int(window)
    for second, hits in recent:
        total -= hits
        if total + cost <= limit:
            return False, max(1, int(second + window - now + 0.999))
    return False, int(window)


#: how deep a JSON body may nest (a lead is an object in a list at most; events the same)
MAX_JSON_DEPTH = 20
#: the largest integer a number field may carry (beyond, PostgreSQL's numeric columns and
#: Python's float conversion overflow)
MAX_JSON_INT = 10 ** 15


class UnstorableValue(ValueError):
    """A JSON value that is valid JSON but cannot be stored as is: the client gets a 400 that
    names it, instead of a server error."""


def _no_constant(name):
    # NaN, Infinity and -Infinity are not JSON (RFC 8259), though Python's parser takes them
    raise ValueError("%s is not a JSON number" % name)


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_JSON_INT:
        raise UnstorableValue("The number %s is out of range." % text[:40])
    return value


def _bounded_int(text):
    value = int(text)
    if abs(value) > MAX_JSON_INT:
        raise UnstorableValue("The number %s... is out of range." % text[:20])
    return value


def check_storable(value, path="body", depth=0):
    if depth > MAX_JSON_DEPTH:
        raise UnstorableValue("The body nests deeper than %d levels." % MAX_JSON_DEPTH)
    if isinstance(value, str):
        if "\x00" in value:
            raise UnstorableValue("%s holds a NUL character (\\u0000), which cannot be stored." % path)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UnstorableValue("%s holds an unpaired surrogate (\\ud800-\\udfff), which is not text." % path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_storable(key, path, depth + 1)
            check_storable(item, "%s.%s" % (path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_storable(item, "%s[%d]" % (path, index), depth + 1)


def parse_json(data):
    """The JSON document in ``data`` (bytes), or ``None`` when empty.

    ValueError (or UnicodeDecodeError, RecursionError) when it is not JSON: NaN and Infinity
    included. UnstorableValue when it is JSON that PostgreSQL or the ORM cannot hold: a NUL
    character or an unpaired surrogate in a string, a number beyond 10**15 or not finite, a
    nesting deeper than MAX_JSON_DEPTH.
    """
    text = data.decode("utf-8")
    if not text.strip():
        return None
    value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_bounded_int)
    check_storable(value)
    return value


def body_hash(body):
    """SHA-256 of the canonical JSON of a parsed body (keys sorted, no spaces): two bodies
    that differ only in key order or spacing have the same hash."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_header_value(value, name):
    """``value`` of header ``name`` if it can be stored; UnstorableValue otherwise."""
    if value and ("\x00" in value or any(ord(char) < 32 for char in value)):
        raise UnstorableValue("The %s header holds control characters." % name)
    return value
