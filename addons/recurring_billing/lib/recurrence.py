"""Recurrence calendar of a contract: its periods, their invoice dates, the periods due.

Plain Python on ``datetime.date``. Period ``k`` starts ``k * interval`` units after the
contract's anchor, always computed from the anchor (never from the previous period) so
that month-end clamping does not drift: a contract started on 31 January runs
31 Jan, 28/29 Feb, 31 Mar, 30 Apr, ... A contract started on the last day of a month
stays on the last day of each month (30 April, 31 May, 30 June, ...).
"""
import calendar
import datetime

import pytz

UNITS = ("day", "week", "month", "year")
ADVANCE = "advance"
ARREARS = "arrears"
ONE_DAY = datetime.timedelta(days=1)


class RecurrenceError(ValueError):
    """Raised for a recurrence that cannot produce periods (zero interval, bad unit)."""


class Period(tuple):
    """A billing period: ``start`` and ``end`` are both included; ``full_start`` and
    ``full_end`` are the boundaries of the whole period when this one is clipped by the
    contract's start or end (proration)."""

    __slots__ = ()

    def __new__(cls, start, end, full_start=None, full_end=None):
        return tuple.__new__(cls, (start, end, full_start or start, full_end or end))

    start = property(lambda self: self[0])
    end = property(lambda self: self[1])
    full_start = property(lambda self: self[2])
    full_end = property(lambda self: self[3])

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def full_days(self):
        return (self.full_end - self.full_start).days + 1

    @property
    def is_partial(self):
        return self.days != self.full_days

    def __repr__(self):
        return "Period(%s, %s)" % (self.start, self.end)


def last_day_of_month(year, month):
    return calendar.monthrange(year, month)[1]


def is_last_day_of_month(day):
    return day.day == last_day_of_month(day.year, day.month)


def check_recurrence(interval, unit):
    if unit not in UNITS:
        raise RecurrenceError("Unknown recurrence unit %r (expected one of %s)" % (unit, ", ".join(UNITS)))
    if not isinstance(interval, int) or interval <= 0:
        raise RecurrenceError("The recurrence interval must be a whole number above zero, not %r" % (interval,))


def add_months(day, months, anchor_day=None):
    """``day`` moved by ``months`` months, on ``anchor_day`` (default: its own day)
    clamped to the length of the target month; anchor_day 31 means month end."""
    anchor_day = anchor_day or day.day
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(anchor_day, last_day_of_month(year, month)))


def shift(anchor, count, interval, unit):
    """The start of period ``count`` of a recurrence anchored on ``anchor``."""
    check_recurrence(interval, unit)
    steps = count * interval
    if unit == "day":
        return anchor + datetime.timedelta(days=steps)
    if unit == "week":
        return anchor + datetime.timedelta(weeks=steps)
    months = steps * 12 if unit == "year" else steps
    anchor_day = 31 if is_last_day_of_month(anchor) and unit == "month" else anchor.day
    return add_months(anchor, months, anchor_day)


def period_index(anchor, day, interval, unit):
    """Index of the period of the recurrence anchored on ``anchor`` holding ``day``
    (negative before the anchor)."""
    check_recurrence(interval, unit)
    if unit in ("day", "week"):
        length = interval * (7 if unit == "week" else 1)
        return (day - anchor).days // length
    months = interval * (12 if unit == "year" else 1)
    guess = ((day.year - anchor.year) * 12 + day.month - anchor.month) // months
    # the clamped day of month can put ``day`` one period before the guess, never after
    while shift(anchor, guess, interval, unit) > day:
        guess -= 1
    while shift(anchor, guess + 1, interval, unit) <= day:
        guess += 1
    return guess


def full_period(anchor, index, interval, unit):
    start = shift(anchor, index, interval, unit)
    return Period(start, shift(anchor, index + 1, interval, unit) - ONE_DAY)


def period_of(anchor, day, interval, unit):
    """The full period holding ``day``."""
    return full_period(anchor, period_index(anchor, day, interval, unit), interval, unit)


def iter_periods(date_start, interval, unit, date_end=None, anchor=None, count=None):
    """Periods of a contract from ``date_start``, clipped to ``date_start`` and
    ``date_end`` (included). ``anchor`` aligns the periods on a calendar (for example
    the 1st of a month) and makes the first one partial; it defaults to ``date_start``.
    ``count`` stops after that many periods (instalments). Endless without an end."""
    check_recurrence(interval, unit)
    if date_end and date_end < date_start:
        raise RecurrenceError("The end date %s is before the start date %s" % (date_end, date_start))
    anchor = anchor or date_start
    index = period_index(anchor, date_start, interval, unit)
    produced = 0
    while count is None or produced < count:
        full = full_period(anchor, index, interval, unit)
        if date_end and full.start > date_end:
            return
        start = max(full.start, date_start)
        end = min(full.end, date_end) if date_end else full.end
        yield Period(start, end, full.start, full.end)
        produced += 1
        index += 1


def invoice_date(period, mode):
    """In advance: the first day of the period; in arrears: the day after it ends."""
    if mode == ADVANCE:
        return period.start
    if mode == ARREARS:
        return period.end + ONE_DAY
    raise RecurrenceError("Unknown invoicing mode %r" % (mode,))


def paused_days(start, end, paused):
    """How many days from ``start`` to ``end`` (included) fall in the ``paused`` ranges
    ((first paused day, last paused day or None while the pause lasts), not overlapping)."""
    days = 0
    for p_start, p_end in paused:
        first, last = max(start, p_start), min(end, p_end) if p_end else end
        if last >= first:
            days += (last - first).days + 1
    return min(days, (end - start).days + 1)


def is_fully_paused(period, paused):
    return paused_days(period.start, period.end, paused) >= period.days


def paused_for_good(period, paused):
    """Whether a pause without an end started on or before ``period``: no period from it on is billed."""
    return any(p_end is None and p_start <= period.start for p_start, p_end in paused)


def due_periods(date_start, interval, unit, mode, today, date_end=None, anchor=None, count=None,
                days_ahead=0, invoiced_starts=(), paused=()):
    """The periods to invoice on ``today`` (looking ``days_ahead`` days ahead), oldest
    first: every period whose invoice date has come and that is not in
    ``invoiced_starts``, so that a contract that fell behind catches up in one run.
    ``paused`` holds (first day, last day) ranges during which nothing is billed: a period
    wholly paused is skipped, a period partly paused is due (billed for the rest of it)."""
    horizon = today + datetime.timedelta(days=days_ahead)
    invoiced = set(invoiced_starts)
    result = []
    for period in iter_periods(date_start, interval, unit, date_end, anchor, count):
        if invoice_date(period, mode) > horizon:
            break
        if period.start in invoiced or is_fully_paused(period, paused):
            continue
        result.append(period)
    return result


def next_invoice_date(date_start, interval, unit, mode, date_end=None, anchor=None, count=None,
                      invoiced_starts=(), after=None, paused=()):
    """The invoice date of the first period not invoiced yet nor wholly paused (and
    starting on or after ``after`` when given), or None when all are invoiced."""
    invoiced = set(invoiced_starts)
    for period in iter_periods(date_start, interval, unit, date_end, anchor, count):
        if paused_for_good(period, paused):
            return None
        if period.start in invoiced or (after and period.start < after) or is_fully_paused(period, paused):
            continue
        return invoice_date(period, mode)
    return None


def local_today(tz_name, now=None):
    """Today's date in a time zone: a run at 23:30 UTC on 31 January is already
    1 February in Paris. ``now`` is a naive UTC datetime (default: the clock)."""
    now = now or datetime.datetime.utcnow()
    try:
        zone = pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        zone = pytz.utc
    return pytz.utc.localize(now).astimezone(zone).date()


def months_per_period(interval, unit):
    """How many months one period lasts (for MRR): 1 week = 12/52 month."""
    check_recurrence(interval, unit)
    return interval * {"day": 12.0 / 365, "week": 12.0 / 52, "month": 1.0, "year": 12.0}[unit]


class Terms(tuple):
    """Billing terms in force from ``date_from``: every ``interval`` ``unit``, invoiced
    in ``mode`` (advance or arrears), periods aligned on ``date_from`` ("start") or on the
    1st of its month ("calendar")."""

    __slots__ = ()

    def __new__(cls, date_from, interval, unit, mode=ADVANCE, alignment="start"):
        check_recurrence(interval, unit)
        if mode not in (ADVANCE, ARREARS):
            raise RecurrenceError("Unknown invoicing mode %r" % (mode,))
        return tuple.__new__(cls, (date_from, interval, unit, mode, alignment))

    date_from = property(lambda self: self[0])
    interval = property(lambda self: self[1])
    unit = property(lambda self: self[2])
    mode = property(lambda self: self[3])
    alignment = property(lambda self: self[4])

    @property
    def anchor(self):
        return self.date_from.replace(day=1) if self.alignment == "calendar" else self.date_from


class Calendar(object):
    """The periods of a contract whose billing terms changed over time: each ``Terms``
    holds from its ``date_from`` until the day before the next one's. The terms in force
    up to a change keep their periods; the last of them is clipped by the change date
    when the change falls within it (and prorated on its full length); the new terms
    start their own periods on the change date. No day is in two periods, none is left
    out. ``count`` stops after that many periods in all (instalments)."""

    def __init__(self, date_start, terms, date_end=None, count=None):
        terms = sorted(terms, key=lambda item: item.date_from)
        if not terms or terms[0].date_from != date_start:
            raise RecurrenceError("The first billing terms must start on the contract's start date %s" % date_start)
        if len({item.date_from for item in terms}) != len(terms):
            raise RecurrenceError("Two billing terms cannot start on the same day")
        if date_end and date_end < date_start:
            raise RecurrenceError("The end date %s is before the start date %s" % (date_end, date_start))
        self.date_start, self.terms, self.date_end, self.count = date_start, terms, date_end, count

    def terms_at(self, day):
        """The terms in force on ``day`` (the first ones before the start)."""
        current = self.terms[0]
        for item in self.terms[1:]:
            if item.date_from > day:
                break
            current = item
        return current

    def _until(self, index):
        """Last day of the terms at ``index`` (None: endless)."""
        ends = [self.date_end] if self.date_end else []
        if index + 1 < len(self.terms):
            ends.append(self.terms[index + 1].date_from - ONE_DAY)
        return min(ends) if ends else None

    def iter_periods(self):
        """(period, terms) pairs, oldest first; endless without an end date nor a count."""
        produced = 0
        for index, item in enumerate(self.terms):
            until = self._until(index)
            if until is not None and until < item.date_from:
                if self.date_end and self.date_end < item.date_from:
                    return
                continue
            remaining = None if self.count is None else self.count - produced
            if remaining is not None and remaining <= 0:
                return
            for period in iter_periods(item.date_from, item.interval, item.unit, until, item.anchor, remaining):
                produced += 1
                yield period, item

    def period_of(self, day):
        """The period holding ``day``, clipped by the terms around it and by the contract's
        start and end, with the full period of its terms as ``full_start``/``full_end``."""
        index = max(i for i, item in enumerate(self.terms) if item.date_from <= day) \
            if day >= self.date_start else 0
        item = self.terms[index]
        full = period_of(item.anchor, day, item.interval, item.unit)
        until = self._until(index)
        start = max(full.start, item.date_from)
        end = min(full.end, until) if until else full.end
        return Period(start, max(end, start), full.start, full.end)

    def due_periods(self, today, days_ahead=0, invoiced_starts=(), paused=()):
        """The (period, terms) to invoice on ``today``, as ``due_periods`` does for one set of terms."""
        horizon = today + datetime.timedelta(days=days_ahead)
        invoiced = set(invoiced_starts)
        result = []
        for period, item in self.iter_periods():
            if invoice_date(period, item.mode) > horizon:
                break
            if period.start in invoiced or is_fully_paused(period, paused):
                continue
            result.append((period, item))
        return result

    def next_invoice_date(self, invoiced_starts=(), after=None, paused=()):
        """The invoice date of the first period neither invoiced nor wholly paused."""
        invoiced = set(invoiced_starts)
        for period, item in self.iter_periods():
            if paused_for_good(period, paused):
                return None
            if period.start in invoiced or (after and period.start < after) or is_fully_paused(period, paused):
                continue
            return invoice_date(period, item.mode)
        return None
