"""Rule-based lead scoring maths, without the ORM.

A lead's score is the sum of two capped parts:

* fit: points of the profile rules (who the lead is), clamped to ``[0, fit_cap]``;
* engagement: points of the behaviour rules (what the lead did), clamped to
  ``[0, engagement_cap]``.

Each matched rule gives its points, faded by its half-life: a rule whose last
evidence is one half-life old gives half its points. The caps default to 50 and 50,
so the score is on a 0 to 100 scale; thresholds turn it into a temperature, stars and
a grid cell (A1 best fit and engagement, C3 worst).
"""
import fnmatch
import re

FIT = "fit"
ENGAGEMENT = "engagement"

DEFAULT_SETTINGS = {
    "fit_cap": 50.0,
    "engagement_cap": 50.0,
    "hot_threshold": 70.0,
    "warm_threshold": 40.0,
}


class Rule(object):
    """A scoring rule as plain data.

    :param key: anything that identifies the rule (its database id)
    :param label: the words a salesperson reads in the explanation
    :param group: ``FIT`` or ``ENGAGEMENT``
    :param points: points given when the rule matches (negative lowers the score)
    :param half_life: days after which the points are halved (0: no decay)
    :param event_type: behaviour rules: the event type counted (empty: any type)
    :param url_pattern: behaviour rules: a pattern on the event URL, ``*`` as wildcard
        (a pattern without wildcard matches any URL containing it)
    :param min_count: behaviour rules: how many matching events are needed
    :param window_days: behaviour rules: only events of the last N days count (0: all)
    """

    __slots__ = ("key", "label", "group", "points", "half_life", "event_type", "url_pattern",
                 "min_count", "window_days", "_url_regex")

    def __init__(self, key, label, group, points, half_life=0.0, event_type=None, url_pattern=None,
                 min_count=1, window_days=0):
        if group not in (FIT, ENGAGEMENT):
            raise ValueError("group must be %r or %r, not %r" % (FIT, ENGAGEMENT, group))
        self.key = key
        self.label = label
        self.group = group
        self.points = float(points)
        self.half_life = float(half_life or 0.0)
        self.event_type = event_type or None
        self.url_pattern = url_pattern or None
        self.min_count = max(int(min_count or 1), 1)
        self.window_days = float(window_days or 0.0)
        self._url_regex = url_regex(url_pattern) if url_pattern else None

    def matches_event(self, event_type, url):
        """True when one event (type, url) is evidence for this behaviour rule."""
        if self.event_type and event_type != self.event_type:
            return False
        if self._url_regex is not None and not self._url_regex.search(url or ""):
            return False
        return True


def url_regex(pattern):
    """Compile a URL pattern: ``*`` is a wildcard; without one, a substring match."""
    pattern = pattern.strip()
    if "*" not in pattern and "?" not in pattern:
        pattern = "*%s*" % pattern
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE)


def url_like(pattern):
    """The same pattern as a SQL ILIKE operand (``*`` becomes ``%``, LIKE specials escaped)."""
    pattern = pattern.strip()
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    escaped = escaped.replace("*", "%").replace("?", "_")
    if "*" not in pattern and "?" not in pattern:
        escaped = "%%%s%%" % escaped
    return escaped


def decay(age_days, half_life):
    """Share of the points left after ``age_days`` with a half-life (1.0 without decay)."""
    if not half_life or half_life <= 0 or age_days is None or age_days <= 0:
        return 1.0
    return 0.5 ** (float(age_days) / float(half_life))


class Factor(object):
    """One matched rule and what it gave to the lead."""

    __slots__ = ("rule", "points", "count")

    def __init__(self, rule, points, count=0):
        self.rule = rule
        self.points = points
        self.count = count


class LeadScore(object):
    """The score of one lead and why."""

    __slots__ = ("fit", "engagement", "score", "temperature", "stars", "grid", "factors")

    def __init__(self, fit, engagement, score, temperature, stars, grid, factors):
        self.fit = fit
        self.engagement = engagement
        self.score = score
        self.temperature = temperature
        self.stars = stars
        self.grid = grid
        self.factors = factors

    def as_tuple(self):
        return (self.score, self.fit, self.engagement, self.temperature, self.stars, self.grid)


def settings_with_defaults(settings=None):
    values = dict(DEFAULT_SETTINGS)
    values.update({k: float(v) for k, v in (settings or {}).items() if v is not None})
    if values["fit_cap"] < 0 or values["engagement_cap"] < 0:
        raise ValueError("caps must not be negative")
    if values["fit_cap"] + values["engagement_cap"] <= 0:
        raise ValueError("at least one cap must be positive")
    if values["warm_threshold"] > values["hot_threshold"]:
        raise ValueError("the warm threshold must not be above the hot threshold")
    return values


def temperature(score, settings):
    if score >= settings["hot_threshold"]:
        return "hot"
    if score >= settings["warm_threshold"]:
        return "warm"
    return "cold"


def stars(score, settings):
    """Odoo's priority ('0' to '3'): hot 3 stars, warm 2, halfway to warm 1."""
    if score >= settings["hot_threshold"]:
        return "3"
    if score >= settings["warm_threshold"]:
        return "2"
    if score > 0 and score >= settings["warm_threshold"] / 2.0:
        return "1"
    return "0"


def _band(value, cap):
    """0 for the top third of the cap, 1 for the middle, 2 for the bottom."""
    if cap <= 0:
        return 2
    share = value / cap
    if share >= 2.0 / 3.0:
        return 0
    if share >= 1.0 / 3.0:
        return 1
    return 2


def grid(fit, engagement, settings):
    """Letter for fit (A best), digit for engagement (1 best): 'A1' .. 'C3'."""
    return "ABC"[_band(fit, settings["fit_cap"])] + "123"[_band(engagement, settings["engagement_cap"])]


def combine(factors, settings):
    """Turn matched rules into the lead's score.

    :param factors: list of ``Factor`` (points already decayed)
    :param settings: result of ``settings_with_defaults``
    """
    fit = sum(f.points for f in factors if f.rule.group == FIT)
    engagement = sum(f.points for f in factors if f.rule.group == ENGAGEMENT)
    fit = min(max(fit, 0.0), settings["fit_cap"])
    engagement = min(max(engagement, 0.0), settings["engagement_cap"])
    total = fit + engagement
    # the caps may add up to something else than 100: bring the score to a 0-100 scale
    scale = 100.0 / (settings["fit_cap"] + settings["engagement_cap"])
    score = int(round(total * scale))
    return LeadScore(
        fit=round(fit, 2), engagement=round(engagement, 2), score=score,
        temperature=temperature(score, settings), stars=stars(score, settings),
        grid=grid(fit, engagement, settings), factors=factors,
    )


def score_matches(profile_rules, behaviour, lead_age_days, settings):
    """Score one lead from the rules it matched (matched in SQL by the models).

    :param profile_rules: the fit rules whose condition the lead meets; they fade with the
        lead's age (``lead_age_days``) by their half-life
    :param behaviour: ``(rule, count, newest_age)`` of each behaviour rule met (at least its
        ``min_count`` events in its window): how many events, and the age in days of the newest
    :param settings: result of ``settings_with_defaults``
    """
    factors = [Factor(rule, rule.points * decay(lead_age_days, rule.half_life)) for rule in profile_rules]
    factors += [Factor(rule, rule.points * decay(newest_age, rule.half_life), count)
                for rule, count, newest_age in behaviour]
    return combine(factors, settings)


def explain(factors, raised_label="Raised by", lowered_label="Lowered by", times_label="%d times",
            limit=5):
    """The top factors in words, strongest first, one per line.

    The labels are passed in by the caller so that they come translated.
    """
    ordered = sorted((f for f in factors if round(f.points)), key=lambda f: (-abs(f.points), str(f.rule.label)))
    raised = [f for f in ordered if f.points > 0][:limit]
    lowered = [f for f in ordered if f.points < 0][:limit]
    lines = []
    for title, chosen in ((raised_label, raised), (lowered_label, lowered)):
        if not chosen:
            continue
        lines.append("%s:" % title)
        for factor in chosen:
            words = factor.rule.label
            if factor.count > 1:
                words = "%s (%s)" % (words, times_label % factor.count)
            lines.append("%+d %s" % (int(round(factor.points)), words))
    return "\n".join(lines)
