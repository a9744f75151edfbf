"""Proration by days: partial periods, mid-period changes, credit for unused days,
instalments. Amounts are ``Decimal`` rounded half-up to the currency's decimals."""
from decimal import ROUND_HALF_UP, Decimal

from .recurrence import ONE_DAY, paused_days


class ProrationError(ValueError):
    """Raised for an impossible proration (change date outside the period)."""


def to_decimal(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_amount(value, digits=2):
    return to_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def ratio(period):
    """Share of the full period that a (possibly clipped) period covers."""
    return Decimal(period.days) / Decimal(period.full_days)


def prorate(amount, period, digits=2):
    """The amount for a clipped period: full amount x days covered / days of the full period."""
    return round_amount(to_decimal(amount) * ratio(period), digits)


def change_adjustment(old_amount, new_amount, period, change_date, period_invoiced, digits=2, paused=()):
    """The adjustment a line change on ``change_date`` (first day of the new amount)
    within ``period`` needs, so that the period costs the old amount before and the new
    amount from the change on.

    When the period was already invoiced (in advance) with the old amount, the
    remaining days are charged the difference: 10 -> 20 a month at mid-period adds 5;
    a reduction or a stop gives a credit for the unused days (negative). When the period
    is not invoiced yet (in arrears), it will be invoiced with the new amount for all
    its days, so the days before the change get the difference the other way.

    The days of the ``paused`` ranges ((first day, last day or None), as for
    ``recurrence.paused_days``) are left out: days never billed, or credited already.
    """
    if not period.full_start <= change_date <= period.full_end + ONE_DAY:
        raise ProrationError("The change date %s is outside the period %s - %s"
                             % (change_date, period.full_start, period.full_end))
    old_amount, new_amount = to_decimal(old_amount), to_decimal(new_amount)
    full = Decimal(period.full_days)
    if period_invoiced:
        first, last = max(change_date, period.start), period.end
        sign = new_amount - old_amount
    else:
        first, last = period.start, min(change_date - ONE_DAY, period.end)
        sign = old_amount - new_amount
    days = max((last - first).days + 1, 0)
    if days and paused:
        days -= paused_days(first, last, paused)
    return round_amount(sign * days / full, digits)


def unused_credit(amount, period, stop_date, digits=2):
    """The credit (negative) for the days from ``stop_date`` to the end of a prepaid period."""
    return change_adjustment(amount, 0, period, stop_date, True, digits)


def instalments(total, count, digits=2):
    """``total`` split in ``count`` instalments that add up exactly; the last one takes
    the rounding difference."""
    if count <= 0:
        raise ProrationError("The number of instalments must be above zero")
    total = to_decimal(total)
    share = round_amount(total / count, digits)
    return [share] * (count - 1) + [round_amount(total - share * (count - 1), digits)]
