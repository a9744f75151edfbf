"""Signed visitor ids: the anonymous id the tracking script keeps is handed out by the
server, for one company, with an HMAC of the database's secret. An event or a lead can
only name a visitor the server handed out to a website of the same company: made-up ids
(another visitor's guessed id, another company's id) are refused.

Format: ``v1.<nonce>.<company id>.<mac>``, at most 64 characters (the length the intake
pipeline keeps), the mac being 32 hex digits of HMAC-SHA256 over ``v1.<nonce>.<company id>``.
"""
import binascii
import hashlib
import hmac
import os
import re

PREFIX = "v1"
_TOKEN = re.compile(r"^v1\.([A-Za-z0-9_-]{1,24})\.([0-9]{1,9})\.([0-9a-f]{32})$")
_NONCE = re.compile(r"^[A-Za-z0-9_-]{1,24}$")


def _mac(secret, nonce, company_id):
    message = ("%s.%s.%d" % (PREFIX, nonce, company_id)).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()[:32]


def new_nonce():
    """16 random hex digits: a visitor id nobody can guess."""
    return binascii.hexlify(os.urandom(8)).decode("ascii")


def sign(secret, company_id, nonce=None):
    """A visitor id for ``company_id`` (a new random one without ``nonce``)."""
    if not secret:
        raise ValueError("no secret to sign visitor ids with")
    nonce = nonce or new_nonce()
    if not _NONCE.match(nonce):
        raise ValueError("a visitor nonce is 1 to 24 letters, digits, '-' or '_'")
    return "%s.%s.%d.%s" % (PREFIX, nonce, int(company_id), _mac(secret, nonce, int(company_id)))


def company_of(secret, visitor_id):
    """The company id a visitor id was signed for, or None when it is not one the server
    handed out (unsigned, altered, signed with another secret)."""
    if not secret or not isinstance(visitor_id, str):
        return None
    match = _TOKEN.match(visitor_id)
    if not match:
        return None
    nonce, company_id = match.group(1), int(match.group(2))
    if not hmac.compare_digest(_mac(secret, nonce, company_id), match.group(3)):
        return None
    return company_id


def is_valid(secret, visitor_id, company_id):
    """True when ``visitor_id`` was handed out by this server for ``company_id``."""
    return company_id is not None and company_of(secret, visitor_id) == int(company_id)
