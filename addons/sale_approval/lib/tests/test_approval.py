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


SECRET = "database-secret"
CLAIMS = dict(order_id=7, action="approve", user_id=3, cycle=2, untaxed="1000.00", total="1200.00", now=1000)


def _token(**changes):
    values = dict(order_id=7, user_id=3, action="approve", cycle=2, untaxed="1000.00", total="1200.00", expiry=2000)
    values.update(changes)
    return approval.link_token(SECRET, **values)


def _check(token, **changes):
    claims = dict(CLAIMS)
    claims.update(changes)
    return approval.check_link_token(SECRET, token, **claims)


def test_link_token_is_good_for_its_approver_action_and_amounts_until_it_expires():
    assert _check(_token()) is None
    assert _check(_token(), now=2001) == "expired"
    assert _check(_token(), user_id=4) == "user"
    assert _check(_token(), cycle=3) == "stale"
    assert _check(_token(), untaxed="900.00") == "stale"


def test_link_token_cannot_be_altered_or_reused_elsewhere():
    token = _token()
    # amounts, user or expiry changed in the token's clear part: its signature no longer matches
    assert _check(token.replace(":1000.00:", ":100.00:")) == "invalid"
    assert _check("4" + token[1:], user_id=4) == "invalid"
    assert _check(token.replace(":2000:", ":9000:")) == "invalid"
    assert _check(token, action="refuse") == "invalid"
    assert _check(token, order_id=8) == "invalid"
    assert approval.check_link_token("another-secret", token, **CLAIMS) == "invalid"
    assert _check("") == "invalid"
    assert _check("a:b:c:d:e:f") == "invalid"
