"""Helpers of the web service that need no ORM: keys, tokens, rate-limit windows."""
import hashlib
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
