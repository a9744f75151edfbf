"""Fellegi-Sunter record linkage: comparison levels, m/u estimation, weights, explanations.

Each field of a pair of normalised records (``normalize.partner_keys``) falls into one
*comparison level*, from the most agreeing (exact) to "different"; a value missing on
either side is no level at all and weighs nothing. Each level has two probabilities:

* ``m``: that a true duplicate pair falls into it (estimated by EM on the blocked pairs),
* ``u``: that two different records fall into it (counted on random pairs of the base).

The level's weight is ``log2(m / u)``; the pair's *match weight* is the prior log-odds plus
the weights of its fields, and ``probability = 1 / (1 + 2 ** -weight)``. An exact match on a
frequent value (the name "martin jean", a switchboard number) is worth less than on a rare
one: its ``u`` is the value's own frequency (term-frequency adjustment).

Plain Python (rapidfuzz and jellyfish for the string distances), no Odoo import.
"""
import collections
import functools
import logging
import math
import random
import re

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, OSA


_logger = logging.getLogger(__name__)

MISSING = -1
KINDS = ("person", "company")
# below this many records of a kind, the base is too small to estimate its own m, u and frequencies
MIN_RECORDS = 1000
# random pairs drawn for the u of the levels that are not exact (a relative's name, a typo, another
# house number): on FEBRL about 2,000 of them have a relative's name, whose weight stays within
# 3.87-3.99 over 30 draws (3.91 from all the pairs); 20,000 pairs gave 3.65-4.08, enough to take its
# 58 duplicates with another given name at one address from 0.915 to 0.889, below the threshold,
# and made a level seen in no pair (another house number) as strong as the same address. ~7 s.
RANDOM_PAIRS = 200000


# Jaro-Winkler similarity (prefix weight 0.1), called as is: the scan calls it millions of times
_jw = JaroWinkler.similarity

# the same two words of names (given names, common surnames) are compared again and again by a scan
_word_jw = functools.lru_cache(maxsize=262144)(JaroWinkler.similarity)
_word_distance = functools.lru_cache(maxsize=262144)(OSA.distance)


def _token_match(words1, words2):
    """Best pairing of the words of two names: (exact words, close words, unmatched words of the shorter).

    Of two names with as many words, a short word (a given name) that Jaro-Winkler finds alike
    but that is more than one slip away is another word: "eric" and "cedric" are two given names.
    When one name has more words, a word may have been split ("hayd en"): its pieces count."""
    strict = len(words1) == len(words2)
    exact = close = 0
    rest2 = list(words2)
    unmatched = []
    for word in words1:
        if word in rest2:
            rest2.remove(word)
            exact += 1
            continue
        best, best_score = None, 0.0
        for other in rest2:
            score = _word_jw(word, other)
            if score > best_score:
                best, best_score = other, score
        shortest = min(len(word), len(best)) if best is not None else 0
        distance = _word_distance(word, best) if best is not None else None
        if best is not None and (best_score >= 0.88 and (distance <= 1 or shortest >= 5 or not strict)
                                 or distance <= 1 and (shortest >= 4 or shortest >= 2 and word[0] == best[0])):
            rest2.remove(best)
            close += 1
        else:
            unmatched.append(word)
    return exact, close, unmatched


@functools.lru_cache(maxsize=262144)
def compare_name(first, second):
    """0 same name, 1 a typo, 2 one name is the other without a given name (or with its initial),
    3 one word shared and another different (relatives), 4 different."""
    if not first or not second:
        return MISSING
    if first == second:
        return 0
    words1, glued1, sorted1, initials1, particles1 = _name_words(first)
    words2, glued2, sorted2, initials2, particles2 = _name_words(second)
    if glued1 == glued2:
        return 0
    if particles1 or particles2:
        words1, words2 = _with_particles(list(words1), list(words2))
        sorted1, sorted2 = sorted(words1), sorted(words2)
        initials1, initials2 = _initials(words1), _initials(words2)
    if sorted1 == sorted2:
        return 1  # "van der berg" and "vanderberg", "st martin" and "saint martin"
    # the shorter name first; of two as long, the one with an initial ("b martin" against
    # "benoit martin": the initial is what is left unmatched, whichever name was typed first)
    if len(words1) > len(words2) or len(words1) == len(words2) and initials1 < initials2:
        words1, words2 = words2, words1
    exact, close, unmatched = _token_match(words1, words2)
    if not unmatched:
        if len(words1) == len(words2):
            return 1
        return 2  # the shorter name is all in the longer: a given name left out
    if exact + close >= 1 and _initials_fit(unmatched, words1, words2):
        # initials ("j dupont", "j p dupont", "jp dupont") that fit words of the other name
        return 2
    if exact + close >= 1:
        return 3
    if _jw(first, second) >= 0.9:
        return 1
    return 4


def _initials_fit(unmatched, words1, words2):
    """Whether the words of the shorter name left unmatched are all initials (one letter, or two
    glued: "jp") of as many words of the other name that are not in the shorter one: "j p dupont"
    and "jp dupont" against "jean pierre dupont"."""
    if not all(len(word) <= 2 for word in unmatched):
        return False
    letters = sorted("".join(unmatched))
    available = sorted(word[0] for word in words2 if word not in words1)
    for letter in letters:
        if letter not in available:
            return False
        available.remove(letter)
    return True


@functools.lru_cache(maxsize=65536)
def _name_words(name):
    """A name's words, the name without its spaces, its words sorted, its initials (one-letter words)
    and whether a word is a particle (``_with_particles``: a name without any, beside another without
    any, is compared as typed): the scan compares each name with many others."""
    words = tuple(name.split())
    return words, name.replace(" ", ""), sorted(words), _initials(words), any(word in PARTICLES for word in words)


# the words that start a family name ("Van der Berg", "De Smet", "Saint-Martin", "Le Goff"), each
# with the spelling it is compared under
PARTICLES = {word: word for word in "van von der den de du des la le di da del della dos das ter ten d l saint "
                                    "sainte mac mc".split()}
PARTICLES.update(st="saint", ste="sainte")


def _with_particles(words1, words2):
    """Both names' words with the particles of a family name spelt one way ("st" as "saint") and a
    word of one name that is particles of the other glued to one of its words ("vanderberg" for
    "van der berg", "desmet" for "de smet") split as the other typed it."""
    words1 = [PARTICLES.get(word, word) for word in words1]
    words2 = [PARTICLES.get(word, word) for word in words2]
    return _split_glued(words1, words2), _split_glued(words2, words1)


def _split_glued(words, others):
    particles = [word for word in others if word in PARTICLES.values()]
    if not particles:
        return words
    nouns = [word for word in others if word not in PARTICLES.values() and len(word) >= 3]
    result = []
    for word in words:
        for noun in nouns:
            if word != noun and word.endswith(noun):
                split = _as_particles(word[:-len(noun)], particles)
                if split:
                    result.extend(split + [noun])
                    break
        else:
            result.append(word)
    return result


def _as_particles(prefix, particles):
    """``prefix`` cut into words of ``particles`` (each used once), or None."""
    if not prefix:
        return []
    for index, particle in enumerate(particles):
        if prefix.startswith(particle):
            rest = _as_particles(prefix[len(particle):], particles[:index] + particles[index + 1:])
            if rest is not None:
                return [particle] + rest
    return None


def _initials(words):
    return sum(1 for word in words if len(word) == 1)


def compare_email(first, second, names=()):
    """0 same address, 1 a typo in the mailbox (same domain), or the same mailbox at another
    domain when it is more than the person's name, 2 different. ``jean.martin2@`` and
    ``jeanmartin@`` are other mailboxes, not typos."""
    if not first or not second:
        return MISSING
    if first == second:
        return 0
    local1, domain1 = first.split("@", 1)
    local2, domain2 = second.split("@", 1)
    if domain1 != domain2 and local1 != local2:
        return 2  # what the rules below say of another mailbox at another domain, without reading the letters
    letters1, letters2 = _letters(local1), _letters(local2)
    if _digits(local1) != _digits(local2) or (letters1 == letters2 and local1 != local2):
        return 2
    if domain1 == domain2:
        return 1 if OSA.distance(local1, local2) <= 2 else 2
    if local1 == local2 and len(local1) >= 6 and local1 not in ("contact", "info"):
        # the mailbox name alone says no more than the name when it is made of it
        if not any(letters1 == _letters(name) for name in names if name):
            return 1
    return 2


def _letters(text):
    return "".join(sorted(char for char in text if char.isalpha()))


def _digits(text):
    return "".join(char for char in text if char.isdigit())


def _phones(record):
    return {number for number in (record.get("phone"), record.get("mobile")) if number}


def compare_phone(first, second):
    """0 a number in common, 1 a number one digit off (slip or swap), 2 different."""
    phones1, phones2 = _phones(first), _phones(second)
    if not phones1 or not phones2:
        return MISSING
    if phones1 & phones2:
        return 0
    for one in phones1:
        for other in phones2:
            if len(one) == len(other) and OSA.distance(one, other) <= 1:
                return 1
    return 2


# the kind of a street: two lines of one kind are compared on the rest ("rue haute" and "rue
# neuve" are two streets, however alike their letters)
_STREET_KINDS = frozenset("rue avenue boulevard place impasse allee chemin route quai square cours".split())


def _street_parts(street):
    """The house number (the first word that starts with a digit, before the street as in
    France or after it as in Belgium: "rue haute 12") and the rest of the line."""
    words = street.split()
    number = next((word for word in words if word[:1].isdigit()), "")
    return number, " ".join(word for word in words if not word[:1].isdigit())


def _street_similarity(name1, name2):
    """Similarity of two address lines without their house number, between 0 and 1. The lines
    hold the street and its complement (building, residence, locality: Odoo's street2), which
    people type in either order or leave out: the same words in another order, or one line
    (a space typo aside) inside the other, count as the same street."""
    if not name1 or not name2:
        return 0.0
    kind1, _space, rest1 = name1.partition(" ")
    kind2, _space, rest2 = name2.partition(" ")
    if kind1 == kind2 and kind1 in _STREET_KINDS and rest1 and rest2:
        name1, name2 = rest1, rest2
    similarity = max(_jw(name1, name2), fuzz.token_sort_ratio(name1, name2) / 100.0)
    short_line, long_line = sorted((name1, name2), key=len)
    shorter, longer = short_line.replace(" ", ""), long_line.replace(" ", "")
    # the shorter line inside the other one, its first word as typed: "rue" and "allee du general
    # de gaulle" are two streets
    if len(shorter) >= 6 and short_line.split()[0] in longer and fuzz.partial_ratio(shorter, longer) >= 90:
        similarity = max(similarity, 0.95)
    return similarity


def compare_street(first, second):
    """Street alone: 0 same, 1 same house number and a typo in the street, 2 same street and another
    number (or a close one), 3 different."""
    if not first or not second:
        return MISSING
    if first == second:
        return 0
    number1, name1 = _street_parts(first)
    number2, name2 = _street_parts(second)
    if not name1 or not name2:
        return MISSING  # a house number alone ("13") names no street to compare
    similarity = _street_similarity(name1, name2)
    same_number = bool(number1) and number1 == number2
    if same_number and similarity >= 0.9:
        return 1
    if similarity >= 0.95 or (same_number and similarity >= 0.8):
        return 2
    return 3


def compare_zip(first, second):
    """0 same, 1 one digit changed or two swapped, 2 different."""
    if not first or not second:
        return MISSING
    if first == second:
        return 0
    return 1 if len(first) == len(second) and OSA.distance(first, second) <= 1 else 2


def compare_city(first, second):
    """0 same (a space typed or left out included), 1 a typo, 2 different."""
    if not first or not second:
        return MISSING
    if first == second or first.replace(" ", "") == second.replace(" ", ""):
        return 0
    return 1 if _jw(first, second) >= 0.9 else 2


def compare_address(first, second):
    """Street, zip and town together (they agree together: one field, not three pieces of evidence):
    0 same address, 1 the same address with a typo (street, zip digit or town),
    2 the same street with another house number, 3 the same town and no street on one side (a street
    missing is no evidence against: ``NO_STREET``), 4 the same town and house number on another street
    (``SAME_NUMBER``: the street's name typed very differently, or another one), 5 the same town, another
    street, 6 elsewhere."""
    zip_level = compare_zip(first.get("zip"), second.get("zip"))
    city = compare_city(first.get("city"), second.get("city"))
    town = min(level for level in (zip_level, city) if level != MISSING) if (zip_level, city) != (
        MISSING, MISSING) else MISSING
    if town == 2:
        return ELSEWHERE  # another town, whatever the streets (most pairs: their street is not compared)
    street = compare_street(first.get("street"), second.get("street"))
    if street == zip_level == city == MISSING:
        return MISSING
    if street == MISSING:
        return NO_STREET if town in (0, 1) else ELSEWHERE
    if town in (MISSING, 2):
        return ELSEWHERE if town == 2 or street == 3 else OTHER_STREET
    if street == 0 and zip_level in (0, MISSING) and city in (0, MISSING):
        return 0
    if street in (0, 1):
        return 1
    if street == 2:
        return 2
    if _street_parts(first["street"])[0] and _street_parts(first["street"])[0] == _street_parts(second["street"])[0]:
        return SAME_NUMBER
    return OTHER_STREET


NO_STREET, SAME_NUMBER, OTHER_STREET, ELSEWHERE = 3, 4, 5, 6
# the address levels where the town agrees (all but "elsewhere")
TOWN_LEVELS = ELSEWHERE


def _vat_digits(vat):
    return vat[2:] if len(vat) > 2 and vat[:2].isalpha() else vat


def compare_vat(first, second):
    """0 same number (with or without its country prefix), 1 different."""
    if not first or not second:
        return MISSING
    return 0 if _vat_digits(first) == _vat_digits(second) else 1


def compare_exact(field):
    def compare(first, second):
        if not first or not second:
            return MISSING
        return 0 if first == second else 1
    return compare


def compare_company(first, second):
    """Employer of a person: 0 same (or a typo), 1 different."""
    if not first or not second:
        return MISSING
    return 0 if first == second or _jw(first, second) >= 0.92 else 1


# field: (levels in words, comparison of two records)
FIELDS = (
    ("name", ("same", "a typo", "given name missing", "a relative's", "different"),
     lambda a, b: compare_name(a.get("name"), b.get("name"))),
    ("email", ("same", "similar", "different"),
     lambda a, b: compare_email(a.get("email"), b.get("email"), (a.get("name"), b.get("name")))),
    ("phone", ("same", "one digit off", "different"), compare_phone),
    ("address", ("same", "a typo", "other house number", "same town, no street", "same town and house number",
                 "same town", "elsewhere"),
     compare_address),
    ("vat", ("same", "different"), lambda a, b: compare_vat(a.get("vat"), b.get("vat"))),
    ("domain", ("same", "different"), lambda a, b: compare_exact("domain")(a.get("domain"), b.get("domain"))),
    ("company", ("same", "different"), lambda a, b: compare_company(a.get("company"), b.get("company"))),
)
FIELD_NAMES = tuple(field for field, _levels, _compare in FIELDS)
# each level in words, as explanations read ("same phone +10.7, other town -5.0")
PHRASES = {
    "name": ("same name", "name with a typo", "name without the given name", "a relative's name", "different name"),
    "email": ("same e-mail", "similar e-mail", "different e-mail"),
    "phone": ("same phone", "phone one digit off", "different phone"),
    "address": ("same address", "address with a typo", "same street, other number",
                "same town, no street to compare", "same town and house number, other street",
                "same town, other street", "other town"),
    "vat": ("same VAT number", "different VAT number"),
    "domain": ("same web domain", "different web domain"),
    "company": ("same company", "different company"),
}
DEFAULT_THRESHOLD = 0.9
LEVELS = {field: levels for field, levels, _compare in FIELDS}
# fields whose exact level is weighed by the frequency of the value
TF_FIELDS = ("name", "phone")
# fields that a household or a firm shares (see ``Model.match_weight``)
SHARED_FIELDS = frozenset(("address", "phone", "email", "company", "domain"))


def kind_of(record):
    return "company" if record.get("is_company") else "person"


def compare(first, second):
    """The comparison vector of a pair: one level per field (``MISSING`` when a side is empty)."""
    return tuple(function(first, second) for _field, _levels, function in FIELDS)


def tf_values(record, field):
    """The values of ``record`` counted for the term frequency of ``field``."""
    if field == "phone":
        return _phones(record)
    value = record.get(field)
    return {value} if value else set()


class TermFrequencies(object):
    """How often each value of the TF fields occurs, per kind; only values seen twice or more
    are kept (the others count as once)."""

    def __init__(self, counts=None, totals=None):
        self.counts = counts or {}  # (kind, field) -> {value: count}
        self.totals = totals or {}  # kind -> number of records

    @classmethod
    def from_records(cls, records):
        counts, totals = {}, {}
        for record in records:
            kind = kind_of(record)
            totals[kind] = totals.get(kind, 0) + 1
            for field in TF_FIELDS:
                table = counts.setdefault((kind, field), {})
                for value in tf_values(record, field):
                    table[value] = table.get(value, 0) + 1
        for table in counts.values():
            for value in [value for value, count in table.items() if count < 2]:
                del table[value]
        return cls(counts, totals)

    def frequency_of_either(self, kind, field, first, second):
        """Share of the records holding the more frequent of the two records' values (None when
        neither is seen twice, or the base is too small to tell)."""
        total = self.totals.get(kind)
        if not total or total < MIN_RECORDS:
            return None
        table = self.counts.get((kind, field), {})
        counts = [table[value] for value in tf_values(first, field) | tf_values(second, field) if value in table]
        return max(counts) / float(total) if counts else None

    def frequency(self, kind, field, first, second):
        """Share of the records holding the value both records agree on (the rarest one for phones)."""
        total = self.totals.get(kind)
        if not total or total < MIN_RECORDS:
            return None  # in a small base every value looks frequent: no adjustment
        values = tf_values(first, field) & tf_values(second, field)
        if not values:
            return None
        table = self.counts.get((kind, field), {})
        return min(max(table.get(value, 1), 2) for value in values) / float(total)


class Model(object):
    """m and u per field and level, per kind, and the prior share of duplicates among blocked pairs."""

    def __init__(self, m=None, u=None, prior=None, households=None):
        self.m = m or {}  # kind -> field -> [probability per level]
        self.u = u or {}
        self.prior = prior or {}  # kind -> probability that two records drawn at random are the same
        # kind -> estimated share of different people among the pairs at one address
        # (``estimate_households``); a kind without an estimate is taken to have households
        self.households = households or {}

    def to_dict(self):
        return {"m": self.m, "u": self.u, "prior": self.prior, "households": self.households}

    @classmethod
    def from_dict(cls, data):
        """The model of ``to_dict``; a ValueError when its levels are not this code's (a model stored
        before a field got another level)."""
        for table in (data["m"], data["u"]):
            for kind, fields in table.items():
                if any(len(fields[field]) != len(levels) for field, levels in LEVELS.items()):
                    raise ValueError("the stored model's comparison levels of %s are not the current ones" % kind)
        return cls(data["m"], data["u"], data["prior"], data.get("households"))

    def has_households(self, kind):
        """Whether different people of this kind share addresses in the base (relatives, flatmates,
        colleagues at their firm's address): unknown counts as yes."""
        return self.households.get(kind, 1.0) >= HOUSEHOLD_SHARE

    def weight(self, kind, field, level):
        """``log2(m / u)`` of the level, never more than a closer level's (a lower index): a
        phone one digit off is no better evidence than the same phone, however m and u were
        estimated on a small or odd sample."""
        return self.level_weights(kind, field)[level]

    def level_probabilities(self, kind, field):
        """[(m, u)] of a field's levels, closest first, as the weights use them: a street missing
        on one side is no evidence either way, what is left is the town agreeing, weighed as such
        (the m and u of the levels where it does, summed), not by the level's own m and u, which
        a base where streets are seldom missing cannot estimate."""
        m, u = self.m[kind][field], self.u[kind][field]
        result = list(zip(m, u))
        if field == "address":
            result[NO_STREET] = (sum(m[:TOWN_LEVELS]), sum(u[:TOWN_LEVELS]))
        return result

    def level_weights(self, kind, field):
        """The weights of a field's levels, closest first, each capped by the ones before it."""
        m, u = self.m[kind][field], self.u[kind][field]
        cache = self.__dict__.setdefault("_weights", {})
        cached = cache.get((kind, field))
        if cached is None or cached[0] is not m or cached[1] is not u:
            weights, cap = [], None
            for m_level, u_level in self.level_probabilities(kind, field):
                weight = math.log(m_level / u_level, 2)
                cap = weight if cap is None else min(cap, weight)
                weights.append(cap)
            cached = cache[(kind, field)] = (m, u, weights)
        return cached[2]

    def field_weights(self, kind, first, second, vector=None, frequencies=None):
        """[(field, level, weight)] of the fields present on both sides, TF-adjusted."""
        vector = vector or compare(first, second)
        result = []
        for field, level in zip(FIELD_NAMES, vector):
            if level == MISSING:
                continue
            weight = self.weight(kind, field, level)
            if level == 0 and frequencies is not None and field in TF_FIELDS:
                frequency = frequencies.frequency(kind, field, first, second)
                if frequency:
                    # the chance that two different records share this very value
                    weight = math.log(self.m[kind][field][0] / max(frequency, 1e-7), 2)
                    # agreeing on a value however common is still no evidence against
                    weight = max(weight, 0.5)
            elif level == 1 and field == "name" and frequencies is not None:
                # a typo of a frequent name ("Julien Mroel" and "Julien Morel") is worth no more
                # than that name typed right twice: namesakes are many
                frequency = frequencies.frequency_of_either(kind, field, first, second)
                if frequency:
                    weight = min(weight, max(math.log(self.m[kind][field][0] / max(frequency, 1e-7), 2), 0.5))
            result.append((field, level, weight))
        if kind == "person":
            result = self._at_home(kind, self._someone_else(kind, first, second, result))
        else:
            result = trade_name(result)
        return result

    def _someone_else(self, kind, first, second, weights):
        """A name without its given name next to an e-mail that names another person ("Schmitt",
        bernard.schmitt@, against "Robert Schmitt") or another mobile number is a relative's:
        weighed as such."""
        for index, (field, level, _weight) in enumerate(weights):
            if field == "name" and level == GIVEN_NAME_MISSING:
                partial, full = (first, second) if len(first["name"]) <= len(second["name"]) else (second, first)
                other_mobile = partial.get("mobile") and full.get("mobile") and compare_phone(
                    {"mobile": partial["mobile"]}, {"mobile": full["mobile"]}) == 2 and not (
                    partial["mobile"] in _phones(full) or full["mobile"] in _phones(partial))
                if other_mobile or mailbox_names_another(partial.get("email"), full["name"], partial["name"]):
                    weights = list(weights)
                    weight = min(self.weight(kind, field, RELATIVE_NAME), weights[index][2])
                    weights[index] = (field, RELATIVE_NAME, weight)
                break
        return weights

    def _at_home(self, kind, weights):
        """The weights with a relative's name (one name shared, the given names different) weighed
        as what it is between people who share an address, a phone, an e-mail or an employer: the
        name of a relative or a colleague far more often than a duplicate's. Its level weight
        compares it with random pairs, among which a shared surname is rare; among the people of
        one household most pairs share it (``RELATIVE_AT_HOME``), so the name counts against the
        match there, whatever weight the household's shared e-mail or landline got from a small
        sample. Never more than the level's own weight.

        A base where a shared address goes with (nearly) the same name only, never with another
        person's, has no households (``has_households``, estimated by ``estimate_households``):
        there one name shared and another given name at one address is a duplicate's, weighed
        by the level's own weight."""
        if not self.has_households(kind):
            return weights
        at_home = any(weight > 0 for field, _level, weight in weights if field in SHARED_FIELDS)
        if not at_home:
            return weights
        result = []
        for field, level, weight in weights:
            if field == "name" and level == RELATIVE_NAME:
                weight = min(weight, math.log(self.m[kind][field][level] / RELATIVE_AT_HOME, 2))
            result.append((field, level, weight))
        return result

    def match_weight(self, kind, weights):
        """Prior log-odds plus the fields' weights, the fields a household or a firm shares
        (``SHARED_FIELDS``) counted as one piece of evidence: their best agreement, plus any
        disagreement. Relatives at one address share its landline and often its e-mail, and
        colleagues a switchboard, ``contact@`` and the firm: summed as if independent they
        would outweigh the different given name."""
        total = self.prior_weight(kind)
        shared = []
        for field, _level, weight in weights:
            if field in SHARED_FIELDS and weight > 0 and kind == "person":
                shared.append(weight)
            else:
                total += weight
        if shared:
            total += max(shared)
        return total

    def prior_weight(self, kind):
        prior = min(max(self.prior.get(kind, 0.01), 1e-6), 1 - 1e-6)
        return math.log(prior / (1 - prior), 2)

    def score(self, first, second, frequencies=None, vector=None):
        """``(probability, explanation)``: explanation is [(field, level, weight)]. ``vector``: the
        pair's comparison vector when already known (``compare(first, second)``)."""
        kind = kind_of(first)
        weights = self.field_weights(kind, first, second, vector=vector, frequencies=frequencies)
        return probability(self.match_weight(kind, weights)), weights


def trade_name(weights):
    """A company's weights with its other name neutral when the VAT number agrees: one legal
    entity (the VAT number names it) trades under other names than its registered one
    ("BM Lyon" for "Boulangerie Moderne SARL"), so there a different name is no evidence against."""
    if not any(field == "vat" and level == 0 for field, level, _weight in weights):
        return weights
    return [(field, level, max(weight, 0.0) if field == "name" else weight) for field, level, weight in weights]


def probability(match_weight):
    if match_weight > 60:
        return 1.0
    if match_weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** -match_weight)


def explain(weights, phrases=None):
    """'name with a typo +6.2, other town -3.1': each field's level in words and its weight,
    strongest first. ``phrases``: {field: [phrase per level]} (translated), else ``PHRASES``."""
    phrases = phrases or PHRASES
    return ", ".join("%s %+.1f" % (phrases[field][level], weight)
                     for field, level, weight in sorted(weights, key=lambda item: (-abs(item[2]), item[0])))


# ---------------------------------------------------------------------- estimation
def _smooth(counts, total, floor=1e-4):
    """Probabilities of the levels from counts, never exactly 0 (a level unseen is rare, not impossible)."""
    size = len(counts)
    probabilities = [(count + 0.5) / (total + 0.5 * size) if total else 1.0 / size for count in counts]
    probabilities = [max(value, floor) for value in probabilities]
    norm = sum(probabilities)
    return [value / norm for value in probabilities]


def _exact_address(record):
    street, zip_code, city = record.get("street"), record.get("zip"), record.get("city")
    if not street or not (zip_code or city):
        return set()
    return {(street, zip_code or "", (city or "").replace(" ", ""))}


# the key two records share when a field agrees at its exact level (0), per field whose level 0
# is exact (the company's takes a typo: it needs the random pairs); the phone has two (phone and
# mobile). The address's counts an address with and without its zip (or town) as two, which
# level 0 takes for one: a slight undercount.
EXACT_KEYS = {
    "name": lambda record: {record["name"].replace(" ", "")} if record.get("name") else set(),
    "email": lambda record: {record["email"]} if record.get("email") else set(),
    "phone": _phones,
    "address": _exact_address,
    "vat": lambda record: {_vat_digits(record["vat"])} if record.get("vat") else set(),
    "domain": lambda record: {record["domain"]} if record.get("domain") else set(),
}


def _has_address(record):
    return any(record.get(part) for part in ("street", "zip", "city"))


# whether a record has the field (pairs of two such records compare it)
HAS_FIELD = dict({field: lambda record, field=field: bool(EXACT_KEYS[field](record)) for field in EXACT_KEYS},
                 address=_has_address)


def exact_counts(records):
    """``{field: (sum of c * (c - 1) over the field's exact keys, records having the field)}`` of
    ``records`` (of one kind), c the records sharing a key: what ``estimate_u`` turns into the
    share of random pairs agreeing exactly, without drawing any pair (the scan takes the same
    sums from one GROUP BY per field)."""
    result = {}
    for field, keys_of in EXACT_KEYS.items():
        counts = collections.Counter()
        having = 0
        for record in records:
            counts.update(keys_of(record))
            having += HAS_FIELD[field](record)
        result[field] = (sum(count * (count - 1) for count in counts.values()), having)
    return result


def exact_share(counts):
    """The share of pairs of distinct records agreeing exactly, from ``(sum of c * (c - 1),
    records)`` (``exact_counts``); None when the records make fewer than ``MIN_U_PAIRS`` pairs."""
    agreeing, having = counts
    if having * (having - 1) < 2 * MIN_U_PAIRS:
        return None
    return min(float(agreeing) / (having * (having - 1)), 1.0)


def estimate_u(vectors, defaults=None, exact=None, duplicates=None):
    """u per field and level from the comparison vectors of random pairs (different records
    almost surely): ``{field: [u per level]}``. A field that fewer than ``MIN_U_PAIRS`` random
    pairs have on both sides (the VAT number or web domain of persons, of a small base) keeps
    its ``defaults`` u ({field: [u per level]}, if given): a handful of pairs cannot tell how
    rare an agreement is, and none at all made every level of the field equally likely (a
    shared VAT number counted +0.9).

    ``exact`` (``{field: (sum of c * (c - 1), records)}``, ``exact_counts``) gives the u of the
    exact level of its fields as the share of all pairs of the base agreeing there, counted, not
    sampled (a few random pairs at one address made an address shared count 2 bits more or
    less from one draw to the next); the random pairs only share the rest among the other levels.
    ``duplicates`` ({field: [share of all pairs per level]}): the duplicates expected among the
    pairs of each level, taken out of the exact level's share (never below ``EXACT_SHARE_KEPT`` of it)."""
    result = {}
    exact = exact or {}
    for index, (field, levels, _compare) in enumerate(FIELDS):
        counts = [0] * len(levels)
        for vector in vectors:
            if vector[index] != MISSING:
                counts[vector[index]] += 1
        share = exact_share(exact[field]) if field in exact else None
        if share is not None:
            rest = counts[1:]
            if len(rest) == 1:
                rest = [1.0]
            elif sum(rest) >= MIN_U_PAIRS:
                rest = _smooth(rest, sum(rest), floor=1e-5)
            elif defaults is not None:
                rest = defaults[field][1:]
            else:
                rest = _smooth(rest, sum(rest), floor=1e-5)
            norm = sum(rest)
            shares = [share] + [(1.0 - share) * value / norm for value in rest]
            expected = (duplicates or {}).get(field, [0.0] * len(shares))
            shares = [max(value - duplicate, value * EXACT_SHARE_KEPT, 1e-5)
                      for value, duplicate in zip(shares, expected)]
            result[field] = [value / sum(shares) for value in shares]
            continue
        if defaults is not None and sum(counts) < MIN_U_PAIRS:
            _logger.info("contact_dedup: the u of %s stays the default: %d random pairs have it on both sides, "
                         "%d needed", field, sum(counts), MIN_U_PAIRS)
            result[field] = list(defaults[field])
            continue
        result[field] = _smooth(counts, sum(counts), floor=1e-5)
    return result


def expectation_maximisation(patterns, u, m=None, prior=0.1, iterations=60, tolerance=1e-6, ignored=(),
                             estimate_m=True, learned=None):
    """Estimate m (and the prior share of duplicates) from blocked pairs, u fixed.

    ``patterns``: {comparison vector: number of blocked pairs}; a missing field is left out
    of a pair's likelihood, and so are the ``ignored`` fields (those the pairs were selected
    on: they agree by construction and say nothing), whose m stays as given. With
    ``estimate_m`` false only the prior moves; with ``learned`` only these fields' m move.
    Returns ``(m, prior)``.
    """
    if m is None:
        # start from "duplicates mostly agree": most weight on the most agreeing level
        m = {}
        for field, levels, _compare in FIELDS:
            size = len(levels)
            m[field] = [0.7] + [0.3 / (size - 1)] * (size - 1)
    m = {field: list(values) for field, values in m.items()}
    items = list(patterns.items())
    used = [(index, field) for index, field in enumerate(FIELD_NAMES) if field not in ignored]
    for _iteration in range(iterations):
        m_counts = {field: [0.0] * len(levels) for field, levels, _compare in FIELDS}
        matched_total = 0.0
        pairs_total = 0.0
        for vector, count in items:
            log_m = log_u = 0.0
            for index, field in used:
                level = vector[index]
                if level != MISSING:
                    log_m += math.log(m[field][level])
                    log_u += math.log(u[field][level])
            odds = prior / (1 - prior) * math.exp(min(log_m - log_u, 700))
            share = odds / (1 + odds)
            matched_total += share * count
            pairs_total += count
            for index, field in used:
                level = vector[index]
                if level != MISSING:
                    m_counts[field][level] += share * count
        new_prior = min(max(matched_total / pairs_total, 1e-6), 1 - 1e-6) if pairs_total else prior
        new_m = {}
        change = abs(new_prior - prior)
        for field, counts in m_counts.items():
            frozen = field in ignored or (learned is not None and field not in learned)
            if not estimate_m or frozen or not sum(counts):
                new_m[field] = m[field]
                continue
            new_m[field] = _smooth(counts, sum(counts))
            change = max(change, max(abs(a - b) for a, b in zip(new_m[field], m[field])))
        m, prior = new_m, new_prior
        if change < tolerance:
            break
    return m, prior


def random_pairs(records, count, seed=0):
    """``count`` random pairs of distinct records of one kind (for u)."""
    rng = random.Random(seed)
    if len(records) < 2:
        return []
    pairs = []
    for _index in range(count):
        first, second = rng.sample(range(len(records)), 2)
        pairs.append((records[first], records[second]))
    return pairs


def train(records, blocked_pairs, seed=0, random_count=RANDOM_PAIRS, defaults=None):
    """A ``Model`` estimated on ``records`` (dicts with ``id``) and their blocked pairs (id, id).

    Per kind: u from random pairs (of the exact levels from the counts of values, ``exact_counts``),
    m and the prior by EM on the blocked pairs; a kind with
    too few records or pairs keeps the ``defaults`` model's values (and draws no pair).
    """
    by_id = {record["id"]: record for record in records}
    model = Model()
    defaults = defaults or DEFAULT_MODEL
    for kind in KINDS:
        of_kind = [record for record in records if kind_of(record) == kind]
        patterns = {}
        for first, second in blocked_pairs:
            one, other = by_id[first], by_id[second]
            if kind_of(one) == kind == kind_of(other):
                vector = compare(one, other)
                patterns[vector] = patterns.get(vector, 0) + 1
        enough = len(of_kind) >= MIN_RECORDS
        estimate_kind(model, kind, [compare(a, b) for a, b in random_pairs(of_kind, random_count, seed)] if enough
                      else [], patterns, defaults, len(of_kind), exact_counts(of_kind) if enough else None)
    return model


def _learn_m(model, kind, u, patterns, defaults):
    """The m of ``kind`` by EM sessions on the blocked ``patterns``, u fixed (and the households
    estimate, into ``model``)."""
    m = {field: list(values) for field, values in defaults.m[kind].items()}
    # Fields that agree together for people who are not the same (an address and a landline
    # for a family, an address and a switchboard for colleagues) break EM's independence
    # assumption if estimated all at once: as Splink does, each session takes the pairs that
    # agree on one field, leaves that field out and learns the m of others (``TRAINING_SESSIONS``):
    # the pairs agreeing on the name teach the other fields, the pairs sharing an e-mail address
    # teach the name. A name's m that does not look like duplicates' (``plausible_name_m``: among
    # pairs sharing a family's or a firm's e-mail, EM can take relatives or colleagues for the
    # same person) is not used: the default stays, and the log says why.
    name_learned = False
    for selection, ignored, learned in TRAINING_SESSIONS:
        index = FIELD_NAMES.index(selection[0])
        session = {vector: count for vector, count in patterns.items() if vector[index] in selection[1]}
        if sum(session.values()) < MIN_SESSION_PAIRS:
            if "name" in learned:
                _logger.info("contact_dedup: the name's m of %s stays the default: %d pairs share an e-mail "
                             "address, %d needed", kind, sum(session.values()), MIN_SESSION_PAIRS)
            continue
        session_m, _prior = expectation_maximisation(session, u, m=m, ignored=ignored, learned=learned)
        for field in learned:
            if field == "name":
                reason = implausible_name_m(session_m[field])
                if reason:
                    _logger.info("contact_dedup: the name's m of %s stays the default: the estimate %s %s",
                                 kind, ", ".join("%.3f" % value for value in session_m[field]), reason)
                    continue
                name_learned = True
            m[field] = session_m[field]
    households = estimate_households(patterns, m, u)
    if households is not None:
        model.households[kind] = households
        _logger.info("contact_dedup: households of %s: %.3f of the pairs at one home are different people "
                     "(households from %.3f on)", kind, households, HOUSEHOLD_SHARE)
        if households < HOUSEHOLD_SHARE and not name_learned:
            # no households: the pairs at one address are duplicates, and teach the name's m
            # (what a duplicate's name looks like in this base: another given name, say)
            session = _at_home(patterns)
            session_m, _prior = expectation_maximisation(session, u, m=m, ignored=("address",), learned=("name",))
            reason = implausible_name_m(session_m["name"])
            if reason:
                _logger.info("contact_dedup: the name's m of %s stays the default: the estimate from the pairs "
                             "at one address %s %s", kind, ", ".join("%.3f" % value for value in session_m["name"]),
                             reason)
            else:
                m["name"] = session_m["name"]
    return m


def estimate_kind(model, kind, random_vectors, patterns, defaults=None, record_count=0, exact=None):
    """Fill ``model`` for ``kind`` from random-pair vectors and blocked-pair patterns (or the defaults);
    ``exact``: the counts of the exact levels (``exact_counts``), for their u (``estimate_u``)."""
    defaults = defaults or DEFAULT_MODEL
    if record_count < MIN_RECORDS or len(random_vectors) < 1000 or sum(patterns.values()) < 200:
        _logger.info("contact_dedup: the %s weights stay the defaults: %d records (%d needed), %d random pairs "
                     "(1000 needed), %d blocked pairs (200 needed)", kind, record_count, MIN_RECORDS,
                     len(random_vectors), sum(patterns.values()))
        model.m[kind] = defaults.m[kind]
        model.u[kind] = defaults.u[kind]
        model.prior[kind] = prior_for_size(record_count) if record_count else defaults.prior[kind]
        return model
    u = estimate_u(random_vectors, defaults.u[kind], exact)
    prior = estimate_prior(patterns, record_count) if record_count else defaults.prior[kind]
    m = _learn_m(model, kind, u, patterns, defaults)
    if exact:
        # the pairs agreeing exactly count duplicates too (in a small base, most of them): those
        # expected (the prior times the m of the level) are taken out, and m is learnt again
        duplicates = {field: [prior * value for value in m[field]] for field in exact}
        u = estimate_u(random_vectors, defaults.u[kind], exact, duplicates)
        m = _learn_m(model, kind, u, patterns, defaults)
    model.m[kind], model.u[kind] = m, u
    model.prior[kind] = prior
    return model


def _at_home(patterns):
    """The blocked pairs at one address (the same, or with a typo) that are not colleagues at their
    firm's (the same employer or web domain)."""
    address, company, domain = (FIELD_NAMES.index(field) for field in ("address", "company", "domain"))
    return {vector: count for vector, count in patterns.items()
            if vector[address] in AT_ONE_ADDRESS and vector[company] != 0 and vector[domain] != 0}


def _share_of_others(session, field, m, u):
    """The share of different people among the pairs of ``session``, by EM on ``field`` alone with
    the duplicates' m and random pairs' u fixed (only the share moves), or None when fewer than
    ``MIN_SESSION_PAIRS`` pairs have that field on both sides."""
    index = FIELD_NAMES.index(field)
    session = {vector: count for vector, count in session.items() if vector[index] != MISSING}
    if sum(session.values()) < MIN_SESSION_PAIRS:
        return None
    ignored = tuple(other for other in FIELD_NAMES if other != field)
    _m, prior = expectation_maximisation(session, u, m=m, ignored=ignored, estimate_m=False)
    return 1.0 - prior


def estimate_households(patterns, m, u):
    """How much the base shows households: the larger of two shares of different people, each
    estimated on the pairs at one home (``_at_home``) when enough of them tell (else None):

    * among all of them, by their names: people of other names at one home (a couple, flatmates);
    * among those with a relative's name, by their e-mail addresses: relatives, each with a
      mailbox of their own.

    Where a shared home comes with the same name, a typo of it or a duplicate's other given name
    only, and relatives' e-mails do not tell them apart, nearly every pair there is a duplicate."""
    session = _at_home(patterns)
    name = FIELD_NAMES.index("name")
    shares = [_share_of_others(session, "name", m, u),
              _share_of_others({vector: count for vector, count in session.items() if vector[name] == RELATIVE_NAME},
                               "email", m, u)]
    shares = [share for share in shares if share is not None]
    return max(shares) if shares else None


def implausible_name_m(m):
    """Why an estimated m of the name levels cannot be duplicates' (None when it can): true
    duplicates mostly keep their name (the same, a typo, without the given name: at least
    ``NAME_AGREEING_SHARE`` of them) and seldom have another one (at most
    ``NAME_DIFFERENT_SHARE``)."""
    agreeing = sum(m[:3])
    if agreeing < NAME_AGREEING_SHARE:
        return "gives only %.2f of duplicates the same name, a typo or no given name (at least %.2f expected)" % (
            agreeing, NAME_AGREEING_SHARE)
    if m[4] > NAME_DIFFERENT_SHARE:
        return "gives %.2f of duplicates a different name (at most %.2f expected)" % (m[4], NAME_DIFFERENT_SHARE)
    return None


def prior_for_size(record_count):
    """The prior of a base too small to estimate its own: about one duplicate per record typed
    twice, spread over all pairs (what ``estimate_prior`` finds on generated bases: ~1/n), and
    never more than in a base of ``MIN_RECORDS`` (a test base of fifty would make any pair likely)."""
    return 1.0 / max(record_count, MIN_RECORDS)


def estimate_prior(patterns, record_count, recall=0.7):
    """The probability that two records of the base, drawn at random, are the same: the pairs
    that agree on the name and on the address, a phone or an e-mail (all but surely duplicates,
    taken as ``recall`` of them) over all pairs of the base. Blocked pairs are no sample of the
    base: their share of duplicates would count every family at one address as evidence."""
    name, address, email, phone = (FIELD_NAMES.index(field) for field in ("name", "address", "email", "phone"))
    sure = sum(count for vector, count in patterns.items()
               if vector[name] in (0, 1) and (vector[address] in (0, 1) or vector[email] == 0 or vector[phone] == 0))
    all_pairs = record_count * (record_count - 1) / 2.0
    return min(max(sure / recall, 1.0) / all_pairs, 0.5) if all_pairs else 0.5


# EM sessions: (field and levels selecting the pairs, fields left out of that session, fields it learns).
# The name is learnt on the pairs sharing an e-mail address: on the hard generated set those
# sharing a phone or an address are too often relatives, whose different given names EM takes
# for typos (``implausible_name_m`` refuses what that gives).
TRAINING_SESSIONS = (
    (("name", (0, 1)), ("name",), ("email", "phone", "address", "vat", "domain", "company")),
    (("email", (0,)), ("email",), ("name",)),
)
# fewest pairs a session learns from
MIN_SESSION_PAIRS = 50
# fewest random pairs with a field on both sides to estimate its u
MIN_U_PAIRS = 100
# the least share of the pairs agreeing exactly that the u of the exact level keeps once the
# duplicates expected among them are taken out (``estimate_u``)
EXACT_SHARE_KEPT = 0.1
# the address levels of two records at one address (the same, or with a typo)
AT_ONE_ADDRESS = (0, 1)
# below this share of different people among the pairs at one home, a base has no households
# (``estimate_households``): one pair in twenty
HOUSEHOLD_SHARE = 0.05
# bounds of a plausible m of the name (see ``implausible_name_m``)
NAME_AGREEING_SHARE = 0.75
NAME_DIFFERENT_SHARE = 0.1


GIVEN_NAME_MISSING = 2
RELATIVE_NAME = 3
# share of the pairs of different people sharing an address, a phone, an e-mail or an employer
# whose names share a word and differ in the other (relatives, mostly): the ``u`` of "a
# relative's name" within a household (``Model._at_home``)
RELATIVE_AT_HOME = 0.7


def partial_side(first, second, weights):
    """The id of the person whose name lacks the given name when the pair matched on that
    level, else None. Companies have no given name: "Jardinage Laurent" is the short name of
    "Jardinage Laurent et Cie", whatever other firm shares a word with it."""
    if first.get("is_company") or second.get("is_company"):
        return None
    for field, level, _weight in weights:
        if field == "name" and level == GIVEN_NAME_MISSING:
            partial, full = (first, second) if len(first["name"]) <= len(second["name"]) else (second, first)
            return None if _personal_link(partial, full) else partial["id"]
    return None


# mailbox words that name no one: a family's, a firm's
MAILBOX_WORDS = frozenset("famille family familie contact info accueil maison home".split())


def mailbox_names_another(email, name, own_name=""):
    """Whether the mailbox of ``email`` (of the record named ``own_name``) holds letters beyond
    the words of both names (or a typo of one), the mailbox words that name no one and digits:
    "bernard.schmitt@" for "robert schmitt" (another given name), not "robertschmitt2@",
    "r.schmitt@", "famille.schmitt@" or "maximilien.kervella@" for "maximelien kervella"."""
    if not email or not name:
        return False
    words = set(name.split()) | set((own_name or "").split())
    rest = email.split("@")[0]
    for word in sorted(words | MAILBOX_WORDS, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return any(len(part) >= 3 and not any(_jw(part, word) >= 0.88 or OSA.distance(part, word) <= 1
                                          for word in words)
               for part in re.split(r"[^a-z]+", rest))


def _personal_link(partial, full):
    """Whether a record without its given name shares with a full one what is that person's
    own, not the household's: a mobile number, or an e-mail whose mailbox holds the given name
    ("enzo.faure@", not "famille.faure@"). Then it is that person, whoever else lives there."""
    mobiles = {number for number in (partial.get("mobile"), full.get("mobile")) if number}
    if mobiles and any(number in _phones(partial) and number in _phones(full) for number in mobiles):
        return True
    email = partial.get("email")
    if not email or email != full.get("email"):
        return False
    given = set(full["name"].split()) - set(partial["name"].split())
    mailbox = email.split("@")[0]
    return any(len(word) >= 3 and word in mailbox for word in given)


def ambiguous_pairs(partial_links):
    """Pairs to drop: a record without its given name ("Goni" at one address) that matches two
    or more records of different names ("Virginie Goni", "Alexandre Goni") could be any of them.

    ``partial_links``: iterable of ``(pair, partial record id, other record's name)``."""
    names = {}
    for pair, partial, other_name in partial_links:
        names.setdefault(partial, {}).setdefault(other_name, []).append(pair)
    dropped = set()
    for by_name in names.values():
        others = sorted(by_name)
        if any(compare_name(one, other) >= 3 for index, one in enumerate(others) for other in others[index + 1:]):
            for pairs in by_name.values():
                dropped.update(pairs)
    return dropped


def scan(records, model, threshold, blocked_pairs, frequencies=None, excluded=()):
    """Scored pairs at or above the probability ``threshold``: [(id1, id2, probability, weights)].

    Pairs made only ambiguous by a missing given name are left out (``ambiguous_pairs``)."""
    by_id = {record["id"]: record for record in records}
    excluded = set(excluded)
    found = []
    partial_links = []
    for first, second in sorted(blocked_pairs):
        if (first, second) in excluded:
            continue
        one, other = by_id[first], by_id[second]
        if bool(one.get("is_company")) != bool(other.get("is_company")):
            continue
        score, weights = model.score(one, other, frequencies)
        if score >= threshold:
            found.append((first, second, score, weights))
            partial = partial_side(one, other, weights)
            if partial is not None:
                partial_links.append(((first, second), partial, by_id[second if partial == first else first]["name"]))
    dropped = ambiguous_pairs(partial_links)
    return [item for item in found if item[:2] not in dropped]


def _default_model():
    # estimated by ``train`` on ``hard_synthetic.HardAddressBook(20000, seed=1)`` and rounded: the
    # starting point of EM and the model of a base too small to estimate its own
    # (but the address's "same town, no street" level, set by hand: a street missing on one side of
    # about a tenth of the pairs, the town agreeing for most duplicates and for 2% of other pairs)
    m = {
        "person": {
            "name": [0.62, 0.2, 0.14, 0.03, 0.01], "email": [0.7, 0.2, 0.1], "phone": [0.85, 0.1, 0.05],
            "address": [0.65, 0.2, 0.04, 0.07, 0.005, 0.015, 0.02], "vat": [0.95, 0.05], "domain": [0.9, 0.1],
            "company": [0.95, 0.05],
        },
        "company": {
            "name": [0.62, 0.28, 0.04, 0.04, 0.02], "email": [0.85, 0.1, 0.05], "phone": [0.85, 0.1, 0.05],
            "address": [0.65, 0.2, 0.04, 0.07, 0.005, 0.015, 0.02], "vat": [0.97, 0.03], "domain": [0.95, 0.05],
            "company": [0.9, 0.1],
        },
    }
    u = {
        kind: {
            "name": [0.0002, 0.0005, 0.001, 0.03, 0.9683], "email": [0.0001, 0.0005, 0.9994],
            "phone": [0.0005, 0.0005, 0.999], "address": [0.0001, 0.0002, 0.0004, 0.002, 0.0004, 0.0176, 0.9793],
            "vat": [0.0001, 0.9999], "domain": [0.0002, 0.9998], "company": [0.02, 0.98],
        } for kind in KINDS
    }
    # two records drawn at random from a base of about 10,000 of which a fifth are typed twice
    return Model(m, u, {"person": 1e-4, "company": 1e-4})


DEFAULT_MODEL = _default_model()
