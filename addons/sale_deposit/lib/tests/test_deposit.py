import datetime
from decimal import Decimal

import pytest

from .. import deposit as dep


def test_consumer_sale_with_no_kind_stated_is_presumed_arrhes():
    assert dep.effective_kind(False, consumer=True) == dep.ARRHES
    assert dep.effective_kind(False, consumer=False) == dep.ACOMPTE
    assert dep.effective_kind(dep.ACOMPTE, consumer=True) == dep.ACOMPTE


def test_thirty_percent_of_the_untaxed_total_adds_the_vat_on_top():
    # 1000 HT, 1200 TTC: 30% of 1000 HT = 300 HT = 360 TTC
    assert dep.deposit_amount(dep.PERCENT_UNTAXED, 30, 1000, 1200) == Decimal("360.00")


def test_thirty_percent_of_the_taxed_total():
    assert dep.deposit_amount(dep.PERCENT_TAXED, 30, 1000, 1200) == Decimal("360.00")


def test_fixed_deposit_is_taken_as_is():
    assert dep.deposit_amount(dep.FIXED, 250, 1000, 1200) == Decimal("250.00")


@pytest.mark.parametrize("method, value", [
    (dep.PERCENT_UNTAXED, -10), (dep.PERCENT_TAXED, 0), (dep.FIXED, -1), (dep.PERCENT_TAXED, 120),
])
def test_bad_values_are_refused(method, value):
    with pytest.raises(dep.DepositError):
        dep.deposit_amount(method, value, 1000, 1200)


def test_deposit_above_the_order_total_is_refused():
    with pytest.raises(dep.DepositError):
        dep.deposit_amount(dep.FIXED, 1200.01, 1000, 1200)


def test_second_deposit_may_not_take_the_deposits_beyond_the_total():
    assert dep.deposit_amount(dep.FIXED, 600, 1000, 1200, already_deposited=600) == Decimal("600.00")
    with pytest.raises(dep.DepositError):
        dep.deposit_amount(dep.FIXED, 600.01, 1000, 1200, already_deposited=600)


def test_split_over_two_vat_rates_adds_up_to_the_cent():
    # 100 HT at 20% (120) and 100 HT at 5.5% (105.50): total 225.50
    shares = dep.split_over_tax_groups(100, [("20", 100, 120), ("5.5", 100, 105.5)])
    assert sum(s[2] for s in shares) == Decimal("100.00")
    assert shares[0] == ("20", Decimal("44.35"), Decimal("53.22"))
    assert shares[1][2] == Decimal("46.78")


def test_single_invoice_takes_the_whole_deposit():
    assert dep.deduction(360, 1200, 1200) == Decimal("360.00")


def test_partial_invoices_share_the_deposit_and_the_last_takes_the_rest():
    first = dep.deduction(360, 400, 1200)
    assert first == Decimal("120.00")
    second = dep.deduction(360 - first, 800, 800)
    assert first + second == Decimal("360.00")


def test_deduction_never_makes_an_invoice_negative():
    assert dep.deduction(1000, 300, 300) == Decimal("300.00")
    assert dep.deduction(0, 300, 300) == Decimal("0")


def test_balance_refuses_deductions_beyond_the_paid_deposit():
    assert dep.deposit_balance(360, 360, 0, 120)["remaining"] == Decimal("240.00")
    with pytest.raises(dep.DepositError):
        dep.deposit_balance(360, 360, 100, 300)


def test_arrhes_forfeit_cancels_the_deposit_and_keeps_the_money_received():
    # 360 invoiced, 180 received: the avoir cancels 360 (price and VAT), 180 are kept outside VAT
    assert dep.arrhes_forfeit(360, 180) == {"credit_note": Decimal("360.00"), "indemnity": Decimal("180.00")}
    assert dep.arrhes_forfeit("119.99", "119.99") == {"credit_note": Decimal("119.99"),
                                                      "indemnity": Decimal("119.99")}


def test_arrhes_forfeit_needs_money_received_within_the_deposit():
    with pytest.raises(dep.DepositError):
        dep.arrhes_forfeit(360, 0)
    with pytest.raises(dep.DepositError):
        dep.arrhes_forfeit(100, 120)


def test_seller_failing_owes_twice_the_arrhes_received():
    amounts = dep.arrhes_double_refund(360, 120)
    assert amounts == {"credit_note": Decimal("360.00"), "penalty": Decimal("120.00")}
    # the customer is owed what was received plus the penalty: twice the money received
    received = Decimal("120.00")
    owed = amounts["credit_note"] - (Decimal("360.00") - received) + amounts["penalty"]
    assert owed == 2 * received
    with pytest.raises(dep.DepositError):
        dep.arrhes_double_refund(120, 0)


D = datetime.date
# consumer rates of the 2025 semesters (arrêtés of 17 December 2024 and 19 June 2025)
CONSUMER_RATES = [(D(2025, 1, 1), 7.21), (D(2025, 7, 1), 6.65)]


def test_no_interest_within_three_months_of_the_payment():
    late, interest = dep.late_interest([(D(2025, 1, 31), 1000)], D(2025, 4, 30), CONSUMER_RATES)
    assert (late, interest) == (False, Decimal(0))


def test_interest_runs_from_three_months_after_each_payment():
    # 360.00 paid on 20 January: 61 days from 20 April to 20 June at 7.21% = 4.34
    late, interest = dep.late_interest([(D(2025, 1, 20), 360)], D(2025, 6, 20), CONSUMER_RATES)
    assert late is True
    assert interest == Decimal("4.34")
    # a second payment on 20 February adds its own 31 days only (20 May to 20 June): 2.20
    late, interest = dep.late_interest([(D(2025, 1, 20), 360), (D(2025, 2, 20), 360)], D(2025, 6, 20),
                                       CONSUMER_RATES)
    assert interest == Decimal("6.54")


def test_each_day_bears_the_rate_of_its_semester():
    # 21 days at 7.21% (10 June to 1 July), then 40 days at 6.65%: 360 x (1.5141 + 2.66) / 365 = 4.12
    late, interest = dep.late_interest([(D(2025, 3, 10), 360)], D(2025, 8, 10), CONSUMER_RATES)
    assert interest == Decimal("4.12")


def test_interest_accrued_stays_once_the_advance_is_used():
    # delivered on 20 June: the advance is no longer late, the 4.34 accrued stay owed months later
    late, interest = dep.late_interest([(D(2025, 1, 20), 360)], D(2025, 11, 30), CONSUMER_RATES,
                                       end_date=D(2025, 6, 20))
    assert (late, interest) == (False, Decimal("4.34"))


def test_days_before_the_first_known_rate_need_a_default():
    with pytest.raises(dep.DepositError):
        dep.late_interest([(D(2024, 1, 2), 1000)], D(2025, 2, 1), CONSUMER_RATES)
    late, interest = dep.late_interest([(D(2024, 9, 1), 1000)], D(2025, 1, 31), CONSUMER_RATES, default_rate=3.65)
    # 31 days at 3.65% (1 December to 1 January), 30 days at 7.21%: 3.10 + 5.93
    assert interest == Decimal("9.03")


def test_negative_interest_rate_is_refused():
    with pytest.raises(dep.DepositError):
        dep.late_interest([(D(2025, 1, 1), 1000)], D(2025, 5, 1), [(D(2025, 1, 1), -1)])
