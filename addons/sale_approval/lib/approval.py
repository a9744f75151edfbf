"""Plain-Python rules of the approval cycle: condition maths and tier order.

No ``odoo`` import: the models hand in plain numbers and tuples, so that the maths is
tested without a database (``lib/tests/test_approval.py``).
"""
import hashlib

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
