"""Helpers of the web service that need no ORM: keys, tokens, rate limits."""
import hashlib
import hmac
import secrets
import threading
import time

KEY_PREFIX = "crm_"


def new_key():
    """A fresh API key: a public prefix of 8 characters and a secret."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(token):
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def same_hash(token, hashed):
    return hmac.compare_digest(hash_key(token), hashed or "")


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


class RateLimiter(object):
    """Sliding one-minute window per key, in the memory of one Odoo process.

    With several workers each process counts its own share, so a client gets at most
    ``limit`` per minute per worker: a cheap guard against floods, not billing.
    """

    def __init__(self, window=60.0, clock=time.monotonic):
        self.window = window
        self.clock = clock
        self._hits = {}
        self._lock = threading.Lock()

    def allow(self, key, limit, cost=1):
        """Count ``cost`` requests for ``key``; False (and nothing counted) when over."""
        if not limit or limit <= 0:
            return True
        now = self.clock()
        with self._lock:
            hits = [hit for hit in self._hits.get(key, []) if now - hit < self.window]
            if len(hits) + cost > limit:
                self._hits[key] = hits
                return False
            hits.extend([now] * cost)
            self._hits[key] = hits
            return True

    def retry_after(self, key):
        """Seconds until the oldest counted request leaves the window."""
        hits = self._hits.get(key) or []
        if not hits:
            return 0
        return max(1, int(self.window - (self.clock() - min(hits))) + 1)
