import datetime
from decimal import Decimal

import pytest

from .. import proration
from ..recurrence import Period


def d(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").date()


APRIL = Period(d("2027-04-01"), d("2027-04-30"))


def test_ten_to_twenty_at_mid_period_adds_five_when_prepaid():
    assert proration.change_adjustment(10, 20, APRIL, d("2027-04-16"), True) == Decimal("5.00")


def test_ten_to_twenty_at_mid_period_in_arrears_takes_five_off():
    # the period will be invoiced 20 in arrears; the first half was worth 10 only
    assert proration.change_adjustment(10, 20, APRIL, d("2027-04-16"), False) == Decimal("-5.00")


def test_reduction_of_a_prepaid_line_credits_unused_days():
    assert proration.change_adjustment(30, 12, APRIL, d("2027-04-21"), True) == Decimal("-6.00")


def test_stop_of_a_prepaid_line_credits_the_rest_of_the_period():
    assert proration.unused_credit(Decimal("62"), Period(d("2027-03-01"), d("2027-03-31")), d("2027-03-17")) \
        == Decimal("-30.00")
    assert proration.unused_credit(100, APRIL, d("2027-05-01")) == Decimal("0.00")
    assert proration.unused_credit(100, APRIL, d("2027-04-01")) == Decimal("-100.00")


def test_change_in_february_of_a_leap_year_counts_29_days():
    february = Period(d("2028-02-01"), d("2028-02-29"))
    assert proration.change_adjustment(0, 29, february, d("2028-02-29"), True) == Decimal("1.00")


def test_change_outside_the_period_is_refused():
    with pytest.raises(proration.ProrationError):
        proration.change_adjustment(10, 20, APRIL, d("2027-05-02"), True)


def test_partial_first_period_is_prorated_by_days():
    period = Period(d("2027-04-16"), d("2027-04-30"), d("2027-04-01"), d("2027-04-30"))
    assert proration.prorate(30, period) == Decimal("15.00")
    assert proration.prorate(100, period) == Decimal("50.00")
    assert proration.prorate(100, Period(d("2027-02-01"), d("2027-02-01"), d("2027-02-01"), d("2027-02-28"))) \
        == Decimal("3.57")


def test_instalments_add_up_to_the_total():
    parts = proration.instalments(100, 3)
    assert parts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(parts) == Decimal("100")
    with pytest.raises(proration.ProrationError):
        proration.instalments(100, 0)


def test_rounding_is_half_up():
    assert proration.round_amount("2.675") == Decimal("2.68")
    assert proration.round_amount("0.125", 2) == Decimal("0.13")
