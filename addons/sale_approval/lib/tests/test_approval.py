from datetime import date

from .. import approval


def test_margin_is_share_of_revenue_kept_after_cost():
    # two lines: 1000 sold for 600 of cost, 500 sold for 400 of cost -> 500 kept of 1500
    assert round(approval.margin_percent([(1000.0, 60.0, 10), (500.0, 400.0, 1)]), 4) == 33.3333


def test_quotation_without_revenue_has_no_margin():
    assert approval.margin_percent([]) is None
    assert approval.margin_percent([(0.0, 10.0, 1)]) is None


def test_max_discount_reads_missing_discounts_as_zero():
    assert approval.max_discount([5.0, None, 12.5]) == 12.5
    assert approval.max_discount([]) == 0.0


def test_longest_term_counts_days_to_last_due_date():
    today = date(2026, 11, 29)
    assert approval.longest_term_days([date(2026, 12, 29), date(2027, 1, 28)], today) == 60
    assert approval.longest_term_days([], today) == 0


def test_second_tier_opens_only_when_first_tier_is_all_approved():
    assert approval.tiers_to_open([(1, "pending"), (1, "approved"), (2, "waiting")]) == 1
    assert approval.tiers_to_open([(1, "approved"), (1, "approved"), (2, "waiting")]) == 2
    assert approval.tiers_to_open([(1, "approved"), (2, "approved")]) is None
    assert approval.tiers_to_open([(1, "refused"), (2, "waiting")]) is None


def test_limit_zero_means_no_limit():
    assert approval.within_limit(1e9, 0)
    assert approval.within_limit(5000, 5000)
    assert not approval.within_limit(5000.01, 5000)


def test_fingerprint_is_sha256_hex():
    assert approval.document_fingerprint(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert approval.document_fingerprint("abc") == approval.document_fingerprint(b"abc")
