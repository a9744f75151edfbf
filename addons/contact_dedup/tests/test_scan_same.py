import contextlib
from unittest.mock import patch

from psycopg2.extras import execute_values

from odoo.tests.common import SavepointCase

from ..lib import fellegi_sunter, hard_synthetic, pool
from ..models import contact_dedup_group, res_partner
from ..models.contact_dedup_group import PairFilter


@contextlib.contextmanager
def _pools_entered():
    """The number of processes of each ``ChunkScorer`` entered within the block, in a list."""
    used = []
    enter = pool.ChunkScorer.__enter__

    def spy(scorer):
        used.append(scorer.processes)
        return enter(scorer)

    with patch.object(pool.ChunkScorer, "__enter__", spy):
        yield used


class TestScanSameResults(SavepointCase):
    """The scan leaves out the candidate pairs that cannot reach the threshold before comparing
    all their fields (``PairFilter``): it must propose exactly what scoring every candidate pair
    proposed (the same pairs, scores and reasons), on a generated base large enough (over
    ``fellegi_sunter.MIN_RECORDS`` people) for the scan to estimate its own model and weigh
    shared values by their frequency."""

    @classmethod
    def setUpClass(cls):
        super(TestScanSameResults, cls).setUpClass()
        book = hard_synthetic.HardAddressBook(1500, seed=3)
        env = cls.env
        company = env.ref("base.main_company").id
        countries = {}
        # the warning columns of sale, stock, account are NOT NULL without a database default
        env.cr.execute("""SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner'
                          AND is_nullable = 'NO' AND column_default IS NULL AND column_name LIKE '%%_warn'""")
        warn_columns = [name for (name,) in env.cr.fetchall()]
        rows = []
        for row in book.rows:
            code = (row.get("country_code") or "FR").lower()
            if code not in countries:
                countries[code] = env.ref("base.%s" % code).id
            rows.append((row["name"], row["name"], bool(row["is_company"]), row.get("email") or None,
                         row.get("phone") or None, row.get("mobile") or None, row.get("vat") or None,
                         row.get("website") or None, row.get("street") or None, row.get("zip") or None,
                         row.get("city") or None, True, "contact", True, company, countries[code], "fr_FR")
                        + ("no-message",) * len(warn_columns))
        ids = [item[0] for item in execute_values(env.cr._obj, """
            INSERT INTO res_partner (name, display_name, is_company, email, phone, mobile, vat, website, street,
                                     zip, city, active, type, customer, company_id, country_id, lang%s)
            VALUES %%s RETURNING id""" % "".join(", " + name for name in warn_columns), rows, fetch=True)]
        env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
        env["res.partner"].browse(ids)._dedup_update_keys()
        cls.partner_ids = set(ids)

    def _scored_every_pair(self):
        """The scan's pairs as scoring every candidate pair gave them (before ``PairFilter``):
        {(low, high): (score, reasons)}, with the model, frequencies and candidates of the scan."""
        Group = self.env["contact.dedup.group"]
        cr = self.env.cr
        model, frequencies = Group._dedup_model(), Group._dedup_term_frequencies()
        threshold = Group._dedup_threshold()
        phrases = Group.with_context(lang="en_US")._dedup_phrases()
        cr.execute("SELECT a, b FROM dedup_scan_pairs")
        candidates = cr.fetchall()
        keys = self.env["res.partner"]._dedup_read_keys({record for pair in candidates for record in pair})
        found, names = {}, {}
        for low, high in candidates:
            first, second = keys[low], keys[high]
            score, weights = model.score(first, second, frequencies)
            if score >= threshold:
                partial = fellegi_sunter.partial_side(first, second, weights)
                found[(low, high)] = (score, fellegi_sunter.explain(weights, phrases), partial)
                if partial:
                    names.setdefault(partial, set()).add((second if partial == low else first)["name"])
        # a record without its given name matching records of two names proposes none of them
        links = [((partial, name), partial, name) for partial, others in names.items() if len(others) > 1
                 for name in others]
        ambiguous = {partial for partial, _name in fellegi_sunter.ambiguous_pairs(links)}
        return ({pair: (score, reasons) for pair, (score, reasons, partial) in found.items()
                 if partial not in ambiguous}, candidates, keys)

    @staticmethod
    def _differences(proposed, expected, keys):
        """The pairs on which the scan and scoring every pair differ (one and not the other,
        other reasons, or scores apart by more than 1e-9: the scan may add the same weights in
        another order, seen 0.999398012254 against ...253), with both records' keys."""
        lines = []
        for pair in sorted(set(proposed) | set(expected)):
            ours, theirs = proposed.get(pair), expected.get(pair)
            if ours is None or theirs is None or ours[1] != theirs[1] or abs(ours[0] - theirs[0]) > 1e-9:
                lines.append("%s: scan %s, every pair %s\n    %s\n    %s" % (
                    pair, ours, theirs, keys.get(pair[0]), keys.get(pair[1])))
        return lines

    def test_scan_proposes_what_scoring_every_candidate_pair_proposed(self):
        # When the full scan runs on the generated base
        self.env["contact.dedup.group"].scan_partners()
        self.env.cr.execute("""
            SELECT p.record_low, p.record_high, p.score, p.reasons FROM contact_dedup_pair p
              JOIN contact_dedup_group g ON g.id = p.group_id
             WHERE g.res_model = 'res.partner' AND g.state = 'open'""")
        proposed = {(low, high): (score, reasons) for low, high, score, reasons in self.env.cr.fetchall()}
        expected, candidates, keys = self._scored_every_pair()
        # then it proposes the very pairs, scores and reasons of scoring every candidate pair
        self.assertGreater(len(expected), 300)
        differences = self._differences(proposed, expected, keys)
        self.assertFalse(differences, "%d pairs differ:\n%s" % (len(differences), "\n".join(differences[:8])))
        # and it compared all the fields of fewer than half of the candidate pairs
        Group = self.env["contact.dedup.group"]
        model, frequencies = Group._dedup_model(), Group._dedup_term_frequencies()
        may_match = PairFilter(model, frequencies, Group._dedup_threshold()).may_match
        left_out = [pair for pair in candidates if not may_match(keys[pair[0]], keys[pair[1]])]
        self.assertGreater(len(left_out), len(candidates) / 2)
        # none of those could have been proposed
        threshold = Group._dedup_threshold()
        self.assertFalse([pair for pair in left_out
                          if model.score(keys[pair[0]], keys[pair[1]], frequencies)[0] >= threshold])

    def _scan_with(self, processes):
        """(stored model, {(low, high): (score, reasons)} proposed, [processes of each pool]) of a
        full scan with ``processes`` forked scorers, forked from 100 pairs on."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("contact_dedup.scan_processes", str(processes))
        with patch.object(contact_dedup_group, "PARALLEL_PAIRS", 100), _pools_entered() as used:
            self.env["contact.dedup.group"].scan_partners()
        self.env.cr.execute("""
            SELECT p.record_low, p.record_high, p.score, p.reasons FROM contact_dedup_pair p
              JOIN contact_dedup_group g ON g.id = p.group_id
             WHERE g.res_model = 'res.partner' AND g.state = 'open'""")
        proposed = {(low, high): (score, reasons) for low, high, score, reasons in self.env.cr.fetchall()}
        return params.get_param("contact_dedup.model"), proposed, used

    def test_scan_in_forked_processes_learns_and_proposes_the_same(self):
        # When the scan scores in its own process, then in two forked ones
        model_alone, alone, used_alone = self._scan_with(1)
        # (the second reading its pairs in another order: PostgreSQL's plans change with its statistics)
        self.env.cr.execute("SET enable_hashjoin = off; SET enable_mergejoin = off")
        try:
            model_forked, forked, used_forked = self._scan_with(2)
        finally:
            self.env.cr.execute("RESET enable_hashjoin; RESET enable_mergejoin")
        # then the second did compare in children (random pairs, blocked pairs, candidates), the first never
        self.assertEqual(set(used_alone), {0})
        self.assertEqual(set(used_forked), {2})
        self.assertGreaterEqual(len(used_forked), 3)
        # and both learnt the same weights and proposed the same pairs, scores and reasons
        self.assertEqual(model_forked, model_alone)
        self.assertGreater(len(alone), 300)
        self.assertEqual(forked, alone)

    def test_key_refresh_in_forked_processes_writes_the_same_keys(self):
        Partner = self.env["res.partner"]
        columns = ", ".join(Partner._dedup_key_columns()[1:] + ("dedup_blocking",))
        query = "SELECT id, %s FROM res_partner WHERE id IN %%s ORDER BY id" % columns
        ids = tuple(sorted(self.partner_ids))
        self.env.cr.execute(query, (ids,))
        computed_here = self.env.cr.fetchall()
        # When the keys are wiped then refreshed by two forked processes
        self.env.cr.execute("UPDATE res_partner SET (%s) = (%s) WHERE id IN %%s" % (
            columns, ", ".join(["NULL"] * len(columns.split(", ")))), (ids,))
        self.env["ir.config_parameter"].sudo().set_param("contact_dedup.scan_processes", "2")
        with patch.object(res_partner, "PARALLEL_KEYS", 100), _pools_entered() as used:
            Partner.browse(ids)._dedup_update_keys()
        # then children computed them, and they are the keys computed in the server, to the letter
        self.assertEqual(used, [2])
        self.env.cr.execute(query, (ids,))
        self.assertEqual(self.env.cr.fetchall(), computed_here)
        self.assertTrue(any(row[1] for row in computed_here))
