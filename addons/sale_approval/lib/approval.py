"""Plain-Python rules of the approval cycle: condition maths and tier order.

No ``odoo`` import: the models hand in plain numbers and tuples, so that the maths is
tested without a database (``lib/tests/test_approval.py``).
"""
import hashlib
import hmac

WAITING, PENDING, APPROVED, REFUSED, CANCELLED = "waiting", "pending", "approved", "refused", "cancelled"


def margin_percent(lines):
    """Margin of a quotation in % of its untaxed total.

    ``lines`` are ``(untaxed_subtotal, unit_cost, quantity)`` with the cost in the same
    currency and unit as the subtotal. An empty or zero-total quotation has no margin to
    fall below: ``None``.
    """
    revenue = sum(subtotal for subtotal, _cost, _quantity in lines)
    if not revenue:
        return None
    cost = sum(unit_cost * quantity for _subtotal, unit_cost, quantity in lines)
    return (revenue - cost) / revenue * 100.0


def max_discount(discounts):
    """The largest line discount in %, 0 for no lines."""
    return max([discount or 0.0 for discount in discounts] or [0.0])


def longest_term_days(due_dates, reference):
    """Days between ``reference`` and the last due date of a payment term (dates)."""
    return max([(due - reference).days for due in due_dates] or [0])


def tiers_to_open(requests):
    """Which tier may be decided now.

    ``requests`` are ``(tier, state)`` of one approval cycle. The lowest tier that still
    has a request waiting or pending is the one open; ``None`` when every request is
    decided. A tier opens only when every request of the tiers before it is approved.
    """
    for tier in sorted({tier for tier, _state in requests}):
        states = {state for request_tier, state in requests if request_tier == tier}
        if REFUSED in states:
            return None
        if states - {APPROVED, CANCELLED}:
            return tier
    return None


def within_limit(amount, limit):
    """An approver may approve ``amount`` when they have no limit (0) or it is within it."""
    return not limit or amount <= limit


def document_fingerprint(content):
    """SHA-256 of the exact bytes the customer was shown, in hexadecimal."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    return hashlib.sha256(content).hexdigest()


# ---------------------------------------------------------------- signed e-mail links

LINK_ACTIONS = ("approve", "refuse")


def _link_message(order_id, user_id, action, cycle, untaxed, total, expiry):
    return "sale_approval:%d:%d:%s:%d:%s:%s:%d" % (order_id, user_id, action, cycle, untaxed, total, expiry)


def link_token(secret, order_id, user_id, action, cycle, untaxed, total, expiry):
    """A token for one approver's ``action`` on one version of a quotation's amounts.

    ``untaxed`` and ``total`` are the amounts as strings (rounded to the currency), ``expiry``
    a Unix time. The token carries its claims in clear and an HMAC-SHA256 of them with the
    database secret: ``user:cycle:untaxed:total:expiry:signature``.
    """
    signature = hmac.new(secret.encode(), _link_message(
        order_id, user_id, action, cycle, untaxed, total, expiry).encode(), hashlib.sha256).hexdigest()
    return "%d:%d:%s:%s:%d:%s" % (user_id, cycle, untaxed, total, expiry, signature)


def check_link_token(secret, token, order_id, action, user_id, cycle, untaxed, total, now):
    """Why ``token`` may not be used now by ``user_id`` on the quotation as it is, or ``None``.

    The answer is one of ``"invalid"`` (malformed or forged), ``"user"`` (sent to another
    approver), ``"expired"``, ``"stale"`` (an earlier version of the amounts).
    """
    parts = (token or "").split(":")
    if len(parts) != 6 or action not in LINK_ACTIONS:
        return "invalid"
    try:
        token_user, token_cycle, expiry = int(parts[0]), int(parts[1]), int(parts[4])
    except ValueError:
        return "invalid"
    expected = link_token(secret, order_id, token_user, action, token_cycle, parts[2], parts[3], expiry)
    if not hmac.compare_digest(expected, token):
        return "invalid"
    if token_user != user_id:
        return "user"
    if expiry < now:
        return "expired"
    if (token_cycle, parts[2], parts[3]) != (cycle, untaxed, total):
        return "stale"
    return None
