import datetime

import pytest

from .. import recurrence as rec
from ..recurrence import Period


def d(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").date()


def starts(periods):
    return [str(p.start) for p in periods]


def test_monthly_from_the_31st_clamps_without_drift():
    periods = list(rec.iter_periods(d("2027-01-31"), 1, "month", count=5))
    assert starts(periods) == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    assert periods[0].end == d("2027-02-27")
    assert periods[1].end == d("2027-03-30")


def test_monthly_from_the_31st_in_a_leap_year_uses_the_29th():
    periods = list(rec.iter_periods(d("2028-01-31"), 1, "month", count=3))
    assert starts(periods) == ["2028-01-31", "2028-02-29", "2028-03-31"]


def test_start_on_the_last_day_of_a_short_month_stays_on_month_end():
    periods = list(rec.iter_periods(d("2027-04-30"), 1, "month", count=4))
    assert starts(periods) == ["2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31"]
    assert periods[0].end == d("2027-05-30")


def test_february_28_in_a_leap_year_is_not_month_end():
    periods = list(rec.iter_periods(d("2028-02-28"), 1, "month", count=3))
    assert starts(periods) == ["2028-02-28", "2028-03-28", "2028-04-28"]


def test_yearly_from_february_29():
    periods = list(rec.iter_periods(d("2028-02-29"), 1, "year", count=5))
    assert starts(periods) == ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]
    assert periods[0].end == d("2029-02-27")


def test_every_two_weeks_and_every_ten_days():
    assert starts(rec.iter_periods(d("2027-12-27"), 2, "week", count=3)) == [
        "2027-12-27", "2028-01-10", "2028-01-24"]
    periods = list(rec.iter_periods(d("2027-02-20"), 10, "day", count=2))
    assert [(str(p.start), str(p.end)) for p in periods] == [
        ("2027-02-20", "2027-03-01"), ("2027-03-02", "2027-03-11")]


def test_quarterly_across_year_end():
    assert starts(rec.iter_periods(d("2027-11-30"), 3, "month", count=3)) == [
        "2027-11-30", "2028-02-29", "2028-05-31"]


def test_end_date_clips_the_last_period():
    periods = list(rec.iter_periods(d("2027-01-01"), 1, "month", date_end=d("2027-03-15")))
    assert len(periods) == 3
    last = periods[-1]
    assert (last.start, last.end, last.full_end) == (d("2027-03-01"), d("2027-03-15"), d("2027-03-31"))
    assert last.is_partial and last.days == 15 and last.full_days == 31


def test_anchor_on_the_first_makes_a_partial_first_period():
    periods = list(rec.iter_periods(d("2027-04-16"), 1, "month", anchor=d("2027-01-01"), count=2))
    assert periods[0] == Period(d("2027-04-16"), d("2027-04-30"), d("2027-04-01"), d("2027-04-30"))
    assert periods[0].days == 15 and periods[0].full_days == 30
    assert periods[1].start == d("2027-05-01") and not periods[1].is_partial


def test_end_before_start_and_zero_interval_are_refused():
    with pytest.raises(rec.RecurrenceError):
        list(rec.iter_periods(d("2027-03-01"), 1, "month", date_end=d("2027-02-01")))
    with pytest.raises(rec.RecurrenceError):
        list(rec.iter_periods(d("2027-03-01"), 0, "month"))
    with pytest.raises(rec.RecurrenceError):
        list(rec.iter_periods(d("2027-03-01"), 1, "fortnight"))


def test_period_index_matches_shift_for_awkward_days():
    anchor = d("2027-01-31")
    for index in range(-3, 30):
        start = rec.shift(anchor, index, 1, "month")
        assert rec.period_index(anchor, start, 1, "month") == index
        assert rec.period_index(anchor, start - rec.ONE_DAY, 1, "month") == index - 1


def test_invoice_dates_in_advance_and_in_arrears():
    period = Period(d("2027-02-01"), d("2027-02-28"))
    assert rec.invoice_date(period, "advance") == d("2027-02-01")
    assert rec.invoice_date(period, "arrears") == d("2027-03-01")


def test_a_contract_behind_catches_up_every_missed_period_once():
    due = rec.due_periods(d("2027-01-15"), 1, "month", "advance", today=d("2027-04-20"))
    assert starts(due) == ["2027-01-15", "2027-02-15", "2027-03-15", "2027-04-15"]
    invoiced = [p.start for p in due[:2]]
    again = rec.due_periods(d("2027-01-15"), 1, "month", "advance", today=d("2027-04-20"),
                            invoiced_starts=invoiced)
    assert starts(again) == ["2027-03-15", "2027-04-15"]


def test_arrears_waits_for_the_end_of_the_period():
    assert rec.due_periods(d("2027-01-01"), 1, "month", "arrears", today=d("2027-01-31")) == []
    assert starts(rec.due_periods(d("2027-01-01"), 1, "month", "arrears", today=d("2027-02-01"))) == [
        "2027-01-01"]


def test_days_ahead_invoices_the_next_period_early():
    due = rec.due_periods(d("2027-01-01"), 1, "month", "advance", today=d("2027-01-25"), days_ahead=7)
    assert starts(due) == ["2027-01-01", "2027-02-01"]


def test_instalments_stop_after_their_count():
    due = rec.due_periods(d("2027-01-01"), 1, "month", "advance", today=d("2028-01-01"), count=3)
    assert len(due) == 3
    assert rec.next_invoice_date(d("2027-01-01"), 1, "month", "advance", count=3,
                                 invoiced_starts=[p.start for p in due]) is None


def test_wholly_paused_periods_are_skipped_partly_paused_ones_are_due():
    # paused from 20 January to 10 April (both included): February and March are skipped,
    # April is due for its last 20 days
    paused = [(d("2027-01-20"), d("2027-04-10"))]
    due = rec.due_periods(d("2027-01-01"), 1, "month", "advance", today=d("2027-05-10"),
                          invoiced_starts=[d("2027-01-01")], paused=paused)
    assert starts(due) == ["2027-04-01", "2027-05-01"]
    assert rec.paused_days(d("2027-04-01"), d("2027-04-30"), paused) == 10
    assert rec.next_invoice_date(d("2027-01-01"), 1, "month", "advance", invoiced_starts=[d("2027-01-01")],
                                 paused=paused) == d("2027-04-01")


def test_a_pause_from_31_january_to_2_february_takes_2_days_of_february():
    paused = [(d("2027-01-31"), d("2027-02-02"))]
    assert rec.paused_days(d("2027-02-01"), d("2027-02-28"), paused) == 2
    assert rec.paused_days(d("2027-01-01"), d("2027-01-31"), paused) == 1
    # a pause still running takes the rest of the period
    assert rec.paused_days(d("2027-02-01"), d("2027-02-28"), [(d("2027-02-10"), None)]) == 19


def test_local_today_crosses_midnight_in_paris_and_in_honolulu():
    now = datetime.datetime(2027, 1, 31, 23, 30)
    assert rec.local_today("Europe/Paris", now) == d("2027-02-01")
    assert rec.local_today("UTC", now) == d("2027-01-31")
    assert rec.local_today("Pacific/Honolulu", datetime.datetime(2027, 3, 1, 5, 0)) == d("2027-02-28")
    assert rec.local_today("Not/AZone", now) == d("2027-01-31")


def test_months_per_period():
    assert rec.months_per_period(1, "year") == 12
    assert rec.months_per_period(3, "month") == 3
    assert abs(rec.months_per_period(1, "week") * 52 - 12) < 1e-9
