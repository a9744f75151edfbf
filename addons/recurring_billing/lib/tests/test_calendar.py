"""Calendars whose billing terms change at a date: no day billed twice or left out."""
import datetime
import random

import pytest

from .. import proration
from .. import recurrence as rec
from ..recurrence import Calendar, Period, Terms


def d(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").date()


def spans(pairs):
    return [(str(period.start), str(period.end)) for period, _terms in pairs]


def test_monthly_from_the_31st_becomes_quarterly_at_a_month_end_boundary():
    # given monthly periods from 31 January (31 Jan, 28 Feb, 31 Mar, 30 Apr, ...)
    # when the customer goes quarterly from the period starting 30 April
    calendar = Calendar(d("2027-01-31"), [Terms(d("2027-01-31"), 1, "month"), Terms(d("2027-04-30"), 3, "month")])
    periods = list(zip(range(6), calendar.iter_periods()))
    # then the three monthly periods before are unchanged, the quarters follow month ends
    assert spans(pair for _index, pair in periods) == [
        ("2027-01-31", "2027-02-27"), ("2027-02-28", "2027-03-30"), ("2027-03-31", "2027-04-29"),
        ("2027-04-30", "2027-07-30"), ("2027-07-31", "2027-10-30"), ("2027-10-31", "2028-01-30")]
    assert all(not period.is_partial for _index, (period, _terms) in periods)


def test_change_within_a_period_clips_it_and_starts_the_new_terms_that_day():
    # given 1-month periods in advance from 1 January, changed on 15 February to yearly in
    # arrears aligned on the 1st of the month
    calendar = Calendar(d("2027-01-01"), [Terms(d("2027-01-01"), 1, "month"),
                                          Terms(d("2027-02-15"), 1, "year", rec.ARREARS, "calendar")])
    pairs = [pair for _index, pair in zip(range(4), calendar.iter_periods())]
    assert spans(pairs) == [("2027-01-01", "2027-01-31"), ("2027-02-01", "2027-02-14"),
                            ("2027-02-15", "2028-01-31"), ("2028-02-01", "2029-01-31")]
    # the clipped February is billed 14 days of 28, the first year 351 of 365
    assert proration.prorate(280, pairs[1][0]) == proration.round_amount(140)
    assert (pairs[2][0].days, pairs[2][0].full_days) == (351, 365)
    # each period is invoiced with the mode of its terms
    assert [rec.invoice_date(period, terms.mode) for period, terms in pairs] == [
        d("2027-01-01"), d("2027-02-01"), d("2028-02-01"), d("2029-02-01")]
    assert spans(calendar.due_periods(d("2027-02-01"))) == [("2027-01-01", "2027-01-31"),
                                                            ("2027-02-01", "2027-02-14")]
    assert calendar.next_invoice_date(invoiced_starts=[d("2027-01-01"), d("2027-02-01")]) == d("2028-02-01")
    assert calendar.period_of(d("2027-02-10")) == Period(d("2027-02-01"), d("2027-02-14"),
                                                         d("2027-02-01"), d("2027-02-28"))
    assert calendar.terms_at(d("2027-02-14")).unit == "month"
    assert calendar.terms_at(d("2027-02-15")).unit == "year"


def test_arrears_to_advance_on_a_boundary_bills_each_period_once_on_the_same_day():
    calendar = Calendar(d("2027-01-01"), [Terms(d("2027-01-01"), 1, "month", rec.ARREARS),
                                          Terms(d("2027-03-01"), 1, "month", rec.ADVANCE)])
    due = calendar.due_periods(d("2027-03-01"))
    assert spans(due) == [("2027-01-01", "2027-01-31"), ("2027-02-01", "2027-02-28"), ("2027-03-01", "2027-03-31")]


def test_the_end_date_and_the_instalments_hold_across_changes():
    calendar = Calendar(d("2027-01-01"), [Terms(d("2027-01-01"), 1, "month"), Terms(d("2027-03-01"), 1, "week")],
                        date_end=d("2027-03-10"))
    assert spans(calendar.iter_periods())[-2:] == [("2027-03-01", "2027-03-07"), ("2027-03-08", "2027-03-10")]
    counted = Calendar(d("2027-01-01"), [Terms(d("2027-01-01"), 1, "month"), Terms(d("2027-03-01"), 1, "week")],
                       count=4)
    assert len(list(counted.iter_periods())) == 4


def test_bad_calendars_are_refused():
    with pytest.raises(rec.RecurrenceError):
        Calendar(d("2027-01-01"), [Terms(d("2027-01-02"), 1, "month")])
    with pytest.raises(rec.RecurrenceError):
        Calendar(d("2027-01-01"), [Terms(d("2027-01-01"), 1, "month"), Terms(d("2027-01-01"), 2, "month")])
    with pytest.raises(rec.RecurrenceError):
        Terms(d("2027-01-01"), 0, "month")


def test_random_changes_cover_every_day_once():
    # any sequence of changes, dated at month ends or anywhere: the periods are contiguous,
    # every day of the contract is in exactly one, and a full period of the new terms
    # never starts before its change
    generator = random.Random(20)
    for _case in range(300):
        start = d("2027-01-01") + datetime.timedelta(days=generator.randrange(0, 400))
        terms = [Terms(start, generator.randint(1, 3), generator.choice(rec.UNITS),
                       generator.choice((rec.ADVANCE, rec.ARREARS)), generator.choice(("start", "calendar")))]
        day = start
        for _change in range(generator.randint(1, 4)):
            day += datetime.timedelta(days=generator.choice((1, 27, 28, 29, 30, 31, 45, 90, 365)))
            terms.append(Terms(day, generator.randint(1, 3), generator.choice(rec.UNITS),
                               generator.choice((rec.ADVANCE, rec.ARREARS)), generator.choice(("start", "calendar"))))
        end = day + datetime.timedelta(days=generator.randrange(0, 800))
        calendar = Calendar(start, terms, date_end=end)
        expected = start
        for period, item in calendar.iter_periods():
            assert period.start == expected, (terms, period)
            assert period.start >= item.date_from and period.end >= period.start
            assert period.full_start <= period.start and period.end <= period.full_end
            assert calendar.terms_at(period.start) == item == calendar.terms_at(period.end)
            assert calendar.period_of(period.end) == period
            expected = period.end + rec.ONE_DAY
        assert expected == end + rec.ONE_DAY
