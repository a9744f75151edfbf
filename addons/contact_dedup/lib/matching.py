"""Matching: score a pair of normalised records, explain it, block, and group.

A record is the dict returned by ``normalize.partner_keys`` (plus an ``id``). The score
adds evidence the way Fellegi-Sunter record linkage does: each field present on both
sides adds its weight when it agrees and its (negative) weight when it disagrees; a
missing field says nothing. The total goes through a logistic curve to a score
between 0 and 1, so that the threshold reads as a probability-like figure.
"""
import math

from . import phonetic
from .similarity import name_similarity

DEFAULT_THRESHOLD = 0.8

# weight when the field agrees, weight when both have a value and they differ
DEFAULT_WEIGHTS = {
    "email": (8.0, -2.0),
    "phone": (5.0, -1.0),
    "vat": (8.0, -8.0),
    "domain": (3.0, -1.0),
    "name": (4.0, -5.0),
    "street": (2.0, -1.0),
    "zip": (1.0, -1.0),
    "city": (0.5, -0.5),
    "company": (1.0, -2.0),
}
# the logistic curve is centred here: a perfect name alone stays below any sensible threshold
OFFSET = 4.0


def _phones(record):
    return {number for number in (record.get("phone"), record.get("mobile")) if number}


def name_weight(similarity, agree, disagree):
    """Graded weight of a name similarity: exact names count fully, typos less, others against."""
    if similarity >= 0.97:
        return agree
    if similarity >= 0.9:
        return agree * 0.75
    if similarity >= 0.82:
        return agree * 0.25
    return disagree


def score_pair(first, second, weights=None):
    """Return ``(score, reasons)`` for two records.

    ``reasons`` is a list of ``(code, similarity)`` tuples, e.g. ``('same_phone', 1.0)``
    or ``('similar_name', 0.92)``, turned into words by the caller (translated).
    """
    weights = weights or DEFAULT_WEIGHTS
    total = 0.0
    reasons = []

    def exact(field, code):
        nonlocal total
        value1, value2 = first.get(field), second.get(field)
        if value1 and value2 and field in weights:
            if value1 == value2:
                total += weights[field][0]
                reasons.append(("same_" + code, 1.0))
            else:
                total += weights[field][1]
                if weights[field][1] <= -4:
                    reasons.append(("different_" + code, 0.0))

    exact("email", "email")
    exact("vat", "vat")
    exact("domain", "domain")
    phones1, phones2 = _phones(first), _phones(second)
    if phones1 and phones2 and "phone" in weights:
        if phones1 & phones2:
            total += weights["phone"][0]
            reasons.append(("same_phone", 1.0))
        else:
            total += weights["phone"][1]
    if first.get("name") and second.get("name") and "name" in weights:
        similarity = name_similarity(first["name"], second["name"])
        total += name_weight(similarity, *weights["name"])
        if similarity >= 0.97:
            reasons.append(("same_name", round(similarity, 2)))
        elif similarity >= 0.82:
            reasons.append(("similar_name", round(similarity, 2)))
        else:
            reasons.append(("different_name", round(similarity, 2)))
    if first.get("street") and second.get("street") and "street" in weights:
        similarity = name_similarity(first["street"], second["street"])
        if similarity >= 0.9:
            total += weights["street"][0]
            reasons.append(("same_street" if similarity >= 0.97 else "similar_street", round(similarity, 2)))
        elif similarity < 0.7:
            total += weights["street"][1]
    exact("zip", "zip")
    exact("city", "city")
    if first.get("company") and second.get("company") and "company" in weights:
        similarity = name_similarity(first["company"], second["company"])
        if similarity >= 0.9:
            total += weights["company"][0]
            reasons.append(("same_company", round(similarity, 2)))
        else:
            total += weights["company"][1]
    score = 1.0 / (1.0 + math.exp(-(total - OFFSET)))
    return round(score, 4), reasons


def blocking_keys(record):
    """Keys two duplicates are expected to share at least one of: exact identifiers, the
    exact normalised name (for a person: with the city, or with the street), and the zip
    code with the first letters of the name (typos after the third letter). A scan only
    compares records sharing a key.

    A person's name alone is no key: on a large base the common names make blocks of
    hundreds of homonyms, and a same name scores below the threshold unless the address
    agrees too (see ``OFFSET``)."""
    keys = []
    kind = "c" if record.get("is_company") else "p"
    for field in ("email", "vat", "domain"):
        if record.get(field):
            keys.append("%s:%s" % (field, record[field]))
    for number in _phones(record):
        keys.append("phone:%s" % number)
    name = record.get("name") or ""
    if not name:
        return keys + extra_blocking_keys(record)
    if kind == "c":
        keys.append("c:name:%s" % name)
    else:
        for field in ("city", "street"):
            if record.get(field):
                keys.append("p:name%s:%s:%s" % (field, name, record[field]))
    if record.get("zip"):
        for word in name.split():
            if len(word) >= 3:
                keys.append("%s:zipword:%s:%s" % (kind, record["zip"], word[:3]))
    return keys + extra_blocking_keys(record)


GENERIC_MAILBOXES = frozenset("contact info accueil bonjour hello sales vente ventes admin office mail "
                              "direction compta comptabilite secretariat commercial support service".split())


def _street_key(street):
    """House number and the sound of the street's longest word: '12 r. victor hugo' -> ('12', 'vktr')."""
    words = (street or "").split()
    if not words or not words[0][:1].isdigit():
        return None
    sound = _street_sound(words[1:])
    return (words[0], sound) if sound else None


def _street_sound(words):
    """The sound of the longest word of a street that is not a number or a kind of street."""
    names = [word for word in words if not word[:1].isdigit() and word not in STREET_KINDS]
    return phonetic.french(max(names, key=len)) if names else ""


STREET_KINDS = frozenset("rue avenue boulevard place impasse allee chemin route quai square faubourg cours "
                         "de la le les du des d l".split())


# the blocking keys that only make a pair likely with another clue (a name's sound with a house
# number, a town or a street; a mailbox name at any domain): on a large base a common name makes
# them blocks of hundreds (on 1,000,000 generated partners, 79 of the 91 million pairs the keys
# made came from blocks of these kinds larger than 20, and no known duplicate needed them), so
# they are capped lower than the others
WEAK_BLOCKING = frozenset(("numbersound", "townsound", "streetsound", "mailbox"))


def is_weak_key(kind, key):
    """Whether a scan key (``scan_keys``) is one of the ``WEAK_BLOCKING`` kinds."""
    parts = key.split(":", 2)
    return kind == "b" and len(parts) > 1 and parts[1] in WEAK_BLOCKING


def extra_blocking_keys(record):
    """Blocking keys that survive typos, each a string without spaces (stored per partner):

    * the e-mail's mailbox name at any domain (a person's work and private addresses);
    * each name word's sound (French and English phonetic keys) with the zip code: a typo in
      the name, the name in either order or without its given name;
    * each name word's French sound with the town: a typo in the zip code;
    * each name word's French sound with the sound of the street: typos in the zip and the town;
    * the house number, the sound of the street and the town: a name typed very differently.
    """
    keys = []
    kind = "c" if record.get("is_company") else "p"
    email = record.get("email") or ""
    local = email.split("@")[0]
    if len(local) >= 5 and local not in GENERIC_MAILBOXES:
        keys.append("%s:mailbox:%s" % (kind, local))
    name = record.get("name") or ""
    # the town without its spaces: a space typed in or left out of a town's name is a common typo
    zip_code, city = record.get("zip") or "", (record.get("city") or "").replace(" ", "")
    street_sound = _street_sound((record.get("street") or "").split())
    for word in {word for word in name.split() if len(word) >= 3}:
        french = phonetic.french(word)
        if zip_code:
            for code in {"f" + french, "e" + phonetic.english(word)}:
                if len(code) >= 3:
                    keys.append("%s:zipsound:%s:%s" % (kind, zip_code, code))
        if len(french) >= 2:
            if city:
                keys.append("%s:townsound:%s:%s" % (kind, city, french))
            if len(street_sound) >= 3:
                # the name with the street, whatever the zip, town or house number typed
                keys.append("%s:streetsound:%s:%s" % (kind, street_sound, french))
    street = _street_key(record.get("street"))
    number = street[0] if street else ""
    if number:
        # the name with the house number: typos in the street, the zip and the town at once
        for word in {word for word in name.split() if len(word) >= 3}:
            french = phonetic.french(word)
            if len(french) >= 2:
                keys.append("%s:numbersound:%s:%s" % (kind, number, french))
    if street and city:
        keys.append("%s:address:%s:%s:%s" % (kind, street[0], street[1], city))
    return sorted(set(keys))


def candidate_pairs(records, max_block=1000):
    """Pairs of record ids sharing a blocking key (each pair once, smaller id first).

    Blocks larger than ``max_block`` (a switchboard number shared by a whole group) are
    skipped: they hold no useful evidence and would bring back the quadratic cost.
    """
    blocks = {}
    for record in records:
        for key in blocking_keys(record):
            blocks.setdefault(key, []).append(record["id"])
    pairs = set()
    for ids in blocks.values():
        if len(ids) < 2 or len(ids) > max_block:
            continue
        ids = sorted(set(ids))
        for index, first in enumerate(ids):
            for second in ids[index + 1:]:
                pairs.add((first, second))
    return pairs


def scan(records, threshold=DEFAULT_THRESHOLD, weights=None, excluded=()):
    """Scored pairs above the threshold: list of ``(id1, id2, score, reasons)``."""
    by_id = {record["id"]: record for record in records}
    excluded = set(excluded)
    found = []
    for first, second in sorted(candidate_pairs(records)):
        if (first, second) in excluded:
            continue
        if by_id[first].get("is_company") != by_id[second].get("is_company"):
            continue
        score, reasons = score_pair(by_id[first], by_id[second], weights)
        if score >= threshold:
            found.append((first, second, score, reasons))
    return found


def scan_all_pairs(records, threshold=DEFAULT_THRESHOLD, weights=None):
    """The naive way: every pair compared (quadratic), for reference only."""
    found = []
    for index, first in enumerate(records):
        for second in records[index + 1:]:
            if first.get("is_company") != second.get("is_company"):
                continue
            score, reasons = score_pair(first, second, weights)
            if score >= threshold:
                pair = tuple(sorted((first["id"], second["id"])))
                found.append((pair[0], pair[1], score, reasons))
    return found


class Components(object):
    """Union-find of record ids, fed one pair at a time: memory grows with the records that
    have a pair, never with the pairs."""

    def __init__(self):
        self.parent = {}

    def find(self, item):
        parent = self.parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def add(self, first, second):
        root1, root2 = self.find(first), self.find(second)
        if root1 != root2:
            self.parent[max(root1, root2)] = min(root1, root2)

    def roots(self):
        """Iterate ``(record id, root id)``; the root is the smallest id of the group."""
        for item in list(self.parent):
            yield item, self.find(item)

    def groups(self):
        """Sorted list of the sorted id lists of the groups."""
        groups = {}
        for item, root in self.roots():
            groups.setdefault(root, []).append(item)
        return sorted(sorted(members) for members in groups.values() if len(members) > 1)


def precision_recall(found_pairs, true_pairs):
    """Precision and recall of found pairs against the known duplicate pairs."""
    found = {tuple(sorted(pair[:2])) for pair in found_pairs}
    true = {tuple(sorted(pair[:2])) for pair in true_pairs}
    hits = len(found & true)
    precision = hits / float(len(found)) if found else 1.0
    recall = hits / float(len(true)) if true else 1.0
    return precision, recall


def scan_keys(record):
    """The keys under which the scan (``contact.dedup.group._scan_candidate_pairs``) files a
    record, as ``(kind, key)``: two records sharing one are compared. The exact e-mail, VAT,
    web domain and numbers; a company's exact name; a person's exact name with the town or the
    street; and every key of ``extra_blocking_keys`` (the ``dedup_blocking`` column)."""
    keys = set()
    for kind, field in (("e", "email"), ("v", "vat"), ("d", "domain"), ("p", "phone"), ("p", "mobile")):
        if record.get(field):
            keys.add((kind, record[field]))
    name = record.get("name")
    if name and record.get("is_company"):
        keys.add(("n", name))
    elif name:
        for kind, field in (("c", "city"), ("s", "street")):
            if record.get(field):
                keys.add((kind, "%s|%s" % (name, record[field])))
    blocking = record.get("blocking")
    if blocking is None:
        blocking = extra_blocking_keys(record)
    elif isinstance(blocking, str):
        blocking = blocking.split()
    keys.update(("b", key) for key in blocking)
    return keys
