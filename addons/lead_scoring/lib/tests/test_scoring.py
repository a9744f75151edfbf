"""Rule-based scoring maths: decay, caps, grid, temperature, explanation."""
import pytest

from .. import scoring
from ..scoring import ENGAGEMENT, FIT, Rule

NOW = 1000.0


def score_lead(rules, profile_matches, events, now_days, settings=None):
    """A new lead scored from its raw events: the events matched here in Python the way the
    models match them in SQL, then ``score_matches``."""
    behaviour = []
    for rule in rules:
        if rule.group == FIT:
            continue
        days = [day for event_type, url, day in events if rule.matches_event(event_type, url)
                and not (rule.window_days and day < now_days - rule.window_days)]
        if days and len(days) >= rule.min_count:
            behaviour.append((rule, len(days), now_days - max(days)))
    profile_rules = [rule for rule in rules if rule.group == FIT and rule.key in profile_matches]
    return scoring.score_matches(profile_rules, behaviour, 0.0, scoring.settings_with_defaults(settings))


def _rules():
    return [
        Rule(1, "Based in France", FIT, 20),
        Rule(2, "Decision maker", FIT, 25),
        Rule(3, "Student e-mail", FIT, -30),
        Rule(4, "Visited the pricing page", ENGAGEMENT, 15, url_pattern="/pricing"),
        Rule(5, "Downloaded two white papers", ENGAGEMENT, 20, event_type="download", min_count=2,
             window_days=30, half_life=30),
    ]


def test_pricing_and_two_downloads_rank_above_nothing():
    events = [("page_view", "https://shop.example.com/pricing", NOW - 1),
              ("download", "/wp/one.pdf", NOW - 2), ("download", "/wp/two.pdf", NOW)]
    active = score_lead(_rules(), {1}, events, NOW)
    idle = score_lead(_rules(), {1}, [], NOW)
    assert active.score > idle.score
    assert active.engagement == 35
    assert idle.engagement == 0
    assert active.fit == idle.fit == 20


def test_decay_halves_points_after_one_half_life():
    assert scoring.decay(30, 30) == pytest.approx(0.5)
    assert scoring.decay(60, 30) == pytest.approx(0.25)
    assert scoring.decay(60, 0) == 1.0
    events = [("download", "/a", NOW - 30), ("download", "/b", NOW - 30)]
    result = score_lead(_rules(), set(), events, NOW)
    assert result.engagement == pytest.approx(10)


def test_window_ignores_old_events():
    events = [("download", "/a", NOW - 40), ("download", "/b", NOW - 1)]
    result = score_lead(_rules(), set(), events, NOW)
    assert result.engagement == 0


def test_caps_and_negative_points():
    rules = [Rule(1, "a", FIT, 40), Rule(2, "b", FIT, 40), Rule(3, "neg", FIT, -100)]
    assert score_lead(rules, {1, 2}, [], NOW).fit == 50
    assert score_lead(rules, {1, 2, 3}, [], NOW).fit == 0


def test_temperature_stars_and_grid():
    rules = [Rule(1, "fit", FIT, 50), Rule(2, "eng", ENGAGEMENT, 25, event_type="form")]
    hot = score_lead(rules, {1}, [("form", "", NOW)], NOW)
    assert (hot.score, hot.temperature, hot.stars, hot.grid) == (75, "hot", "3", "A2")
    warm = score_lead(rules, {1}, [], NOW)
    assert (warm.score, warm.temperature, warm.stars, warm.grid) == (50, "warm", "2", "A3")
    cold = score_lead(rules, set(), [], NOW)
    assert (cold.score, cold.temperature, cold.stars, cold.grid) == (0, "cold", "0", "C3")


def test_custom_thresholds_and_caps():
    rules = [Rule(1, "fit", FIT, 30)]
    settings = {"fit_cap": 30, "engagement_cap": 30, "hot_threshold": 50, "warm_threshold": 20}
    result = score_lead(rules, {1}, [], NOW, settings)
    assert result.score == 50 and result.temperature == "hot"


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        scoring.settings_with_defaults({"warm_threshold": 80, "hot_threshold": 70})
    with pytest.raises(ValueError):
        scoring.settings_with_defaults({"fit_cap": 0, "engagement_cap": 0})
    with pytest.raises(ValueError):
        Rule(1, "x", "other", 1)


def test_url_patterns():
    assert Rule(1, "x", ENGAGEMENT, 1, url_pattern="/pricing").matches_event("page_view", "https://a.b/pricing?x")
    assert not Rule(1, "x", ENGAGEMENT, 1, url_pattern="/pricing").matches_event("page_view", "/about")
    assert Rule(1, "x", ENGAGEMENT, 1, url_pattern="*/blog/*").matches_event("page_view", "http://a/blog/x")
    assert scoring.url_like("/pricing") == "%/pricing%"
    assert scoring.url_like("*/blog/*_x") == "%/blog/%\\_x"


def test_explanation_lists_top_factors_in_words():
    events = [("page_view", "/pricing", NOW), ("page_view", "/pricing", NOW)]
    result = score_lead(_rules(), {1, 3}, events, NOW)
    text = scoring.explain(result.factors)
    assert text.splitlines() == [
        "Raised by:", "+20 Based in France", "+15 Visited the pricing page (2 times)",
        "Lowered by:", "-30 Student e-mail",
    ]
    assert scoring.explain([]) == ""
