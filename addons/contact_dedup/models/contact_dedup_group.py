import json
import logging
import math
import random
import re

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_leads import access_guard

from ..lib import fellegi_sunter, matching, pool

_logger = logging.getLogger(__name__)

# one part of a stored explanation: the level in words and its weight
_REASON = re.compile(r"(.+?) ([+-]\d+(?:\.\d+)?)(?:, |$)")
# how many records may share one key before the key stops being evidence (a switchboard)
MAX_BLOCK = 200
# the same for a weak key (``matching.WEAK_BLOCKING``: a name's sound with a house number, a town
# or a street, a mailbox name)
MAX_WEAK_BLOCK = 20
# how many records a zip may hold for its similar names (pg_trgm) to be compared: every pair of a
# zip's names is compared (on 1,000,000 generated partners, about 105 per zip: 52 million
# similarities, 131 s, for 0.7 million pairs of which no known duplicate needed one)
MAX_ZIP_BLOCK = 50
# below this many candidate pairs a scan scores them in its own process (forking costs more)
PARALLEL_PAIRS = 200000


class PairFilter(object):
    """Whether a pair of records may reach the threshold, read from its cheapest and most
    telling fields first (the name first): most candidate pairs are namesakes' or neighbours',
    and once the fields compared so far leave the pair below the threshold whatever the others
    say, the others (e-mail, address: the costly comparisons) are not compared.

    Only a pair that may match is scored, by the model itself (``Model.score``): the filter
    never changes a score, it only leaves out pairs whose best possible match weight (each
    field compared so far at its level's weight, a value shared by two records only at its
    term-frequency weight, each field not yet compared at its best level) is below the threshold.
    """

    # cheapest and most telling first: the name; the identifiers, mostly missing on a person
    ORDER = ("name", "vat", "domain", "company", "phone", "address", "email")

    def __init__(self, model, frequencies, threshold):
        self.model, self.frequencies = model, frequencies
        # probability(weight) >= threshold exactly when weight >= log2(threshold / (1 - threshold));
        # a margin for the rounding of both sides
        self.limit = math.log(threshold / (1.0 - threshold), 2) - 1e-6 if 0.0 < threshold < 1.0 else None
        functions = {field: function for field, _levels, function in fellegi_sunter.FIELDS}
        self.order = [field for field in self.ORDER if field in functions] + [
            field for field in fellegi_sunter.FIELD_NAMES if field not in self.ORDER]
        # (field, its comparison, its place in the comparison vector)
        self.steps = [(field, functions[field], fellegi_sunter.FIELD_NAMES.index(field)) for field in self.order]
        self.tables = {}

    def _table(self, kind):
        """Per kind: ({field: best weight of each level}, shared fields, [(sum of the best weights of
        the fields not yet compared that add up, best of those counted as one)] after each step), or
        None when the model has no weights for the kind (the pair is then scored as it is)."""
        if kind not in self.tables:
            self.tables[kind] = self._build_table(kind)
        return self.tables[kind]

    def _build_table(self, kind):
        model = self.model
        if self.limit is None or kind not in model.m or kind not in model.u:
            return None
        total = self.frequencies.totals.get(kind) if self.frequencies is not None else None
        bounds = {}
        for field in fellegi_sunter.FIELD_NAMES:
            weights = list(model.level_weights(kind, field))
            if field in fellegi_sunter.TF_FIELDS and total:
                # an agreement weighed by its value's frequency: at most that of a value two
                # records share (the rarest counts as two), and never below 0.5
                frequency = max(2.0 / total, 1e-7)
                weights[0] = max(weights[0], math.log(model.m[kind][field][0] / frequency, 2), 0.5)
            bounds[field] = [weight + 1e-9 for weight in weights]
        # a person's address, phone, e-mail, employer and domain count as one piece of evidence
        # (their best agreement, plus any disagreement): Model.match_weight
        shared = fellegi_sunter.SHARED_FIELDS if kind == "person" else frozenset()
        rest = []
        for index in range(len(self.order)):
            later = self.order[index + 1:]
            adding = sum(max(0.0, max(bounds[field])) for field in later if field not in shared)
            best_shared = max([0.0] + [max(bounds[field]) for field in later if field in shared])
            rest.append((adding, best_shared))
        return bounds, shared, rest, model.prior_weight(kind)

    def may_match(self, first, second):
        """False when the pair cannot reach the threshold (then it needs no score)."""
        return self.levels(first, second) is not None

    def levels(self, first, second):
        """The pair's comparison vector (``fellegi_sunter.compare``: one level per field of
        ``FIELD_NAMES``), or None when the pair cannot reach the threshold. The vector of a pair
        that may match is given to ``Model.score``, which then compares no field again."""
        kind = fellegi_sunter.kind_of(first)
        table = self._table(kind)
        if table is None:
            return fellegi_sunter.compare(first, second)
        bounds, shared, rest, total = table
        limit = self.limit
        best_shared = 0.0
        missing = fellegi_sunter.MISSING
        vector = [missing] * len(self.steps)
        # a company's other name counts once its VAT number is known not to agree
        # (``fellegi_sunter.trade_name``); until then at most nothing
        trade_name = kind == "company"
        name_penalty = 0.0
        for index, (field, function, position) in enumerate(self.steps):
            level = vector[position] = function(first, second)
            if level != missing:
                weight = bounds[field][level]
                if weight > 0 and field in shared:
                    best_shared = max(best_shared, weight)
                elif trade_name and field == "name" and weight < 0:
                    name_penalty = weight
                else:
                    total += weight
            if trade_name and field == "vat" and level != 0:
                total += name_penalty
                name_penalty = 0.0
            adding, later_shared = rest[index]
            if total + adding + max(best_shared, later_shared) < limit:
                return None
        return tuple(vector)


class ContactDedupGroup(models.Model):
    _name = "contact.dedup.group"
    _description = "Possible duplicates"
    _order = "state, score desc, id"

    name = fields.Char(compute="_compute_name", search="_search_name")
    res_model = fields.Selection(
        [("res.partner", "Contacts"), ("crm.lead", "Leads")],
        string="Kind",
        required=True,
        default="res.partner",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "contact_dedup_group_partner_rel",
        "group_id",
        "partner_id",
        string="Contacts",
        context={"active_test": False},
    )
    lead_ids = fields.Many2many(
        "crm.lead",
        "contact_dedup_group_lead_rel",
        "group_id",
        "lead_id",
        string="Leads",
        context={"active_test": False},
    )
    pair_ids = fields.One2many("contact.dedup.pair", "group_id", string="Pairs")
    company_id = fields.Many2one(
        "res.company",
        index=True,
        readonly=True,
        help="Company of the records of the group; empty when they are shared between companies.",
    )
    record_count = fields.Integer(string="Records")
    score = fields.Float(digits=(3, 2), help="Best pair score, between 0 and 1.")
    reasons = fields.Char(help="Why the best pair looks like one and the same (stored in English).")
    reasons_text = fields.Char(string="Reasons", compute="_compute_reasons_text",
                               help="Why the best pair looks like one and the same.")
    state = fields.Selection(
        [("open", "To review"), ("merged", "Merged"), ("ignored", "Not a duplicate")],
        default="open",
        required=True,
        index=True,
    )

    @api.model
    def create(self, vals):
        access_guard.check_company(self, vals)
        return super(ContactDedupGroup, self).create(vals)

    @api.multi
    def write(self, vals):
        # filed under a company not the user's, a group would show its records' names there
        access_guard.check_company(self, vals)
        return super(ContactDedupGroup, self).write(vals)

    @api.depends("partner_ids", "lead_ids")
    def _compute_name(self):
        for group in self:
            records = group.partner_ids if group.res_model == "res.partner" else group.lead_ids
            group.name = " / ".join(records[:3].mapped("display_name")) + (" ..." if len(records) > 3 else "")

    @api.depends("reasons")
    def _compute_reasons_text(self):
        for group in self:
            group.reasons_text = self._dedup_translate_reasons(group.reasons)

    @api.model
    def _dedup_translate_reasons(self, text):
        """A stored explanation ('same VAT number +13.2, same town, other street -1.0', written in
        English by the scan whoever runs it) in the reader's language."""
        if not text:
            return text
        english = self.with_context(lang="en_US")._dedup_phrases()
        local = self._dedup_phrases()
        words = {phrase: local[field][level] for field in english for level, phrase in enumerate(english[field])}
        parts = _REASON.findall(text)
        if not parts:
            return text
        return ", ".join("%s %s" % (words.get(phrase, phrase), weight) for phrase, weight in parts)

    @api.model
    def _search_name(self, operator, value):
        """A group is found by the name of one of its records."""
        if operator in ("not like", "not ilike", "!=", "not in"):
            positive = {"not like": "like", "not ilike": "ilike", "!=": "=", "not in": "in"}[operator]
            return ["!", "|", ("partner_ids.name", positive, value), ("lead_ids.name", positive, value)]
        return ["|", ("partner_ids.name", operator, value), ("lead_ids.name", operator, value)]

    @api.model
    def _check_scan_access(self):
        """A full scan reads and rewrites every group of every company (minutes on a large
        base): for the merge group (and the scheduler) only, also over RPC."""
        if not self.env.user.has_group("contact_dedup.group_contact_dedup_manager"):
            raise AccessError(_("Only members of the group Merge duplicates may scan for duplicates."))

    # ------------------------------------------------------------ settings
    @api.model
    def _dedup_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param("contact_dedup.threshold")
        try:
            return float(value) if value else fellegi_sunter.DEFAULT_THRESHOLD
        except ValueError:
            return fellegi_sunter.DEFAULT_THRESHOLD

    @api.model
    def _dedup_mode(self):
        return self.env["ir.config_parameter"].sudo().get_param("contact_dedup.mode", "warn")

    # ---------------------------------------------------------------- scan
    @api.model
    def _scan_pairs_table(self):
        """An empty temporary table ``dedup_scan_pairs (a, b)``, a < b, dropped at commit.

        Candidate pairs stay in PostgreSQL, not in Python: on a large base with common
        names they number in the millions.
        """
        self.env.cr.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_pairs (a integer, b integer) ON COMMIT DROP;
            TRUNCATE dedup_scan_pairs;
        """)

    @api.model
    def _scan_candidate_pairs(self):
        """Fill ``dedup_scan_pairs`` with pairs of active partners sharing an exact key, a
        key that survives typos (``matching.extra_blocking_keys``, stored in ``dedup_blocking``:
        the sound of the name with the zip or the town, house number and street, mailbox name),
        or a similar name (pg_trgm) in the same zip. A person's exact name is a key only with
        the city or the street (``matching.blocking_keys``): homonyms are many on a large base.

        Set-based SQL; keys shared by more than MAX_BLOCK partners are skipped, weak keys
        (``matching.WEAK_BLOCKING``) shared by more than MAX_WEAK_BLOCK.
        """
        max_block, max_weak_block = self._dedup_max_block(), self._dedup_max_weak_block()
        cr = self.env.cr
        self._scan_pairs_table()
        # each key row carries what decides comparability, so that pairs of a company and a
        # person, or of two companies' records, are never made (millions of rows on a big base).
        # Each key shared by 2 to MAX_BLOCK rows becomes a block number: the self-join below
        # matches integers, not strings (on 100,000 partners: 1.3 million key rows, 2 million pairs).
        # The sorts and hashes of these statements get more memory than a request's default.
        cr.execute("""
            SET LOCAL work_mem = '64MB';
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_all_keys
                (id integer, kind char(1), key varchar, is_company boolean, company_id integer) ON COMMIT DROP;
            TRUNCATE dedup_scan_all_keys;
            INSERT INTO dedup_scan_all_keys
                SELECT p.id, k.kind, k.key, COALESCE(p.is_company, FALSE), p.company_id
                  FROM res_partner p
                 CROSS JOIN LATERAL (VALUES ('e', p.dedup_email), ('v', p.dedup_vat), ('d', p.dedup_domain),
                                            ('p', p.dedup_phone), ('p', p.dedup_mobile),
                                            ('n', CASE WHEN p.is_company THEN p.dedup_name END),
                                            ('c', CASE WHEN p.is_company IS NOT TRUE
                                                       THEN p.dedup_name || '|' || p.dedup_city END),
                                            ('s', CASE WHEN p.is_company IS NOT TRUE
                                                       THEN p.dedup_name || '|' || p.dedup_street END)
                                            ) k(kind, key)
                 WHERE p.active AND k.key IS NOT NULL
                UNION ALL
                SELECT p.id, 'b', k.key, COALESCE(p.is_company, FALSE), p.company_id
                  FROM res_partner p
                 CROSS JOIN LATERAL unnest(string_to_array(p.dedup_blocking, ' ')) k(key)
                 WHERE p.active AND p.dedup_blocking IS NOT NULL;
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_keys
                (id integer, block integer, is_company boolean, company_id integer) ON COMMIT DROP;
            TRUNCATE dedup_scan_keys;
            INSERT INTO dedup_scan_keys
                SELECT k.id, kept.block, k.is_company, k.company_id
                  FROM dedup_scan_all_keys k
                  JOIN (SELECT kind, key, row_number() OVER () AS block FROM dedup_scan_all_keys
                         GROUP BY kind, key
                        HAVING count(*) BETWEEN 2 AND CASE WHEN kind = 'b' AND split_part(key, ':', 2) IN %s
                                                           THEN %s ELSE %s END) kept
                    ON kept.kind = k.kind AND kept.key = k.key;
            TRUNCATE dedup_scan_all_keys;
            ANALYZE dedup_scan_keys;
        """, (tuple(sorted(matching.WEAK_BLOCKING)), max_weak_block, max_block))
        cr.execute("""
            WITH zips AS (
                SELECT dedup_zip FROM res_partner WHERE active AND dedup_zip IS NOT NULL
                 GROUP BY dedup_zip HAVING count(*) BETWEEN 2 AND %s)
            INSERT INTO dedup_scan_pairs
            SELECT a.id, b.id FROM dedup_scan_keys a
              JOIN dedup_scan_keys b ON a.block = b.block AND a.id < b.id AND a.is_company = b.is_company
             WHERE a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id
            UNION
            SELECT a.id, b.id FROM res_partner a
              JOIN res_partner b ON a.dedup_zip = b.dedup_zip AND a.id < b.id AND a.is_company = b.is_company
             WHERE a.active AND b.active AND a.dedup_zip IN (SELECT dedup_zip FROM zips)
               AND (a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id)
               AND a.dedup_name %% b.dedup_name;
            RESET work_mem;
        """, (self._dedup_max_zip_block(),))

    @api.model
    def scan_partners(self):
        """Full scan: replace the open contact groups by the duplicate groups found now.

        Idempotent; pairs marked "not a duplicate" are never proposed again, merged groups stay.
        Returns the number of open groups.
        """
        self._check_scan_access()
        self._scan_candidate_pairs()
        self._dedup_estimate_model()
        return self._score_and_store("res.partner")

    @api.model
    def scan_leads(self):
        """Full scan of open leads: pairs with the same e-mail or the same phone, scored by the
        contacts' model (``_dedup_lead_model``)."""
        self._check_scan_access()
        self._scan_pairs_table()
        self.env.cr.execute("""
            INSERT INTO dedup_scan_pairs
            SELECT DISTINCT a.id, b.id FROM crm_lead a JOIN crm_lead b ON a.id < b.id
               AND ((a.dedup_email = b.dedup_email) OR (a.dedup_phone = b.dedup_phone))
             WHERE a.active AND b.active AND a.probability < 100 AND b.probability < 100
               AND (a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id)
        """)
        return self._score_and_store("crm.lead")

    @api.model
    def _score_and_store(self, res_model, chunk=20000):
        """Score the pairs of ``dedup_scan_pairs``, store those above the threshold as groups;
        return the number of groups.

        The pairs never join two companies' records (each company keeps its own); pairs
        marked "not a duplicate" are dropped in SQL; the others are read through a
        server-side cursor, ``chunk`` rows at a time, with the keys of both records. Pairs
        above the threshold go straight back to PostgreSQL with their explanation in words,
        and only the groups (a union-find of the records that have a pair) are held in
        Python, so memory stays flat however many pairs there are. From ``PARALLEL_PAIRS``
        pairs on, the chunks are scored by forked processes (``_dedup_scan_processes``,
        ``lib/pool.py``) while this one reads the next ones; the results are stored in the
        order of the chunks, the same as scored here.

        Contacts are scored by the Fellegi-Sunter model of the base (``_dedup_model``, a
        probability), leads by the same model read as persons (``_dedup_lead_model``).
        """
        Model = self.env[res_model]
        table = Model._table
        cr = self.env.cr
        threshold = self._dedup_threshold()
        # stored in English whoever scans; each reader sees them in their language (reasons_text)
        phrases = self.with_context(lang="en_US")._dedup_phrases()
        if res_model == "res.partner":
            model = self._dedup_model()
            frequencies = self._dedup_term_frequencies()
        else:
            model, frequencies = self._dedup_lead_model(), None
        cr.execute("""
            DELETE FROM dedup_scan_pairs p USING contact_dedup_exclusion e
             WHERE e.res_model = %s AND e.record_low = p.a AND e.record_high = p.b;
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_scored
                (a integer, b integer, score float, reasons varchar, partial integer, other_name varchar)
                ON COMMIT DROP;
            TRUNCATE dedup_scan_scored;
        """, (res_model,))
        columns = Model._dedup_key_columns()
        width = len(columns)
        # table and column names come from the models' code, never from input
        query = """
            DECLARE dedup_scan_cursor NO SCROLL CURSOR FOR
            SELECT p.a, p.b, {first}, {second} FROM dedup_scan_pairs p
              JOIN {table} x ON x.id = p.a
              JOIN {table} y ON y.id = p.b
        """.format(table=table, first=", ".join("x.%s" % column for column in columns),
                   second=", ".join("y.%s" % column for column in columns))
        to_keys = Model._dedup_keys_from_row
        levels = PairFilter(model, frequencies, threshold).levels
        partial_side, explain, score = fellegi_sunter.partial_side, fellegi_sunter.explain, model.score

        def score_rows(rows):
            scored = []
            for row in rows:
                first, second = to_keys(row[0], row[2:2 + width]), to_keys(row[1], row[2 + width:])
                vector = levels(first, second)
                if vector is None:
                    continue
                probability, weights = score(first, second, frequencies, vector=vector)
                if probability >= threshold:
                    partial = partial_side(first, second, weights)
                    other = second if partial == first["id"] else first
                    scored.append((row[0], row[1], probability, explain(weights, phrases), partial,
                                   other["name"] if partial else None))
            return scored

        def store(results):
            for scored in results:
                if scored:
                    execute_values(cr._obj, "INSERT INTO dedup_scan_scored (a, b, score, reasons, partial, "
                                            "other_name) VALUES %s", scored, page_size=5000)

        cr.execute("SELECT count(*) FROM dedup_scan_pairs")
        processes = pool.processes_for(cr.fetchone()[0], self._dedup_scan_processes(), PARALLEL_PAIRS)
        cr.execute(query)  # pylint: disable=sql-injection
        with pool.ChunkScorer(score_rows, processes) as scorer:
            while True:
                cr.execute("FETCH %s FROM dedup_scan_cursor", (chunk,))
                rows = cr.fetchall()
                if not rows:
                    break
                store(scorer.submit(rows))
                del rows
            store(scorer.results())
        cr.execute("CLOSE dedup_scan_cursor")
        self._drop_ambiguous_pairs()
        components = matching.Components()
        cr.execute("DECLARE dedup_scored_cursor NO SCROLL CURSOR FOR SELECT a, b FROM dedup_scan_scored")
        while True:
            cr.execute("FETCH %s FROM dedup_scored_cursor", (chunk,))
            rows = cr.fetchall()
            if not rows:
                break
            for first, second in rows:
                components.add(first, second)
        cr.execute("CLOSE dedup_scored_cursor")
        return self._store_groups(res_model, components)

    @api.model
    def _drop_ambiguous_pairs(self):
        """A contact without its given name ("Goni") that matches two people of different names
        at one address ("Virginie Goni", "Alexandre Goni") could be either: no pair is proposed."""
        cr = self.env.cr
        cr.execute("""
            SELECT partial, array_agg(DISTINCT other_name) FROM dedup_scan_scored WHERE partial IS NOT NULL
             GROUP BY partial HAVING count(DISTINCT other_name) > 1""")
        links = [((partial, name), partial, name) for partial, names in cr.fetchall() for name in names]
        ambiguous = {partial for partial, _name in fellegi_sunter.ambiguous_pairs(links)}
        if ambiguous:
            cr.execute("DELETE FROM dedup_scan_scored WHERE partial IN %s", (tuple(ambiguous),))

    # ------------------------------------------------------- Fellegi-Sunter model
    @api.model
    def _dedup_model(self):
        """The matching model of this base (estimated by the last scan), else the defaults."""
        value = self.env["ir.config_parameter"].sudo().get_param("contact_dedup.model")
        if value:
            try:
                return fellegi_sunter.Model.from_dict(json.loads(value))
            except (ValueError, KeyError, TypeError) as error:
                _logger.warning("contact_dedup: unreadable stored model (%s), the defaults are used", error)
        # no scan yet: the default m and u, the prior of a base of this size (the planner's count)
        default = fellegi_sunter.DEFAULT_MODEL
        size = self._dedup_partner_count()
        return fellegi_sunter.Model(default.m, default.u, {kind: fellegi_sunter.prior_for_size(size)
                                                           for kind in fellegi_sunter.KINDS})

    @api.model
    def _dedup_lead_model(self):
        """The model that scores leads: the persons' m and u of ``_dedup_model`` (a lead is a
        person with a name, an e-mail and a phone; the fields it lacks weigh nothing), with the
        prior of a base of as many open leads as there are."""
        model = self._dedup_model()
        self.env.cr.execute("SELECT count(*) FROM crm_lead WHERE active AND probability < 100")
        prior = fellegi_sunter.prior_for_size(self.env.cr.fetchone()[0])
        return fellegi_sunter.Model({"person": model.m["person"]}, {"person": model.u["person"]}, {"person": prior})

    @api.model
    def _dedup_partner_count(self):
        """About how many partners there are (PostgreSQL's statistics: no count over the table)."""
        self.env.cr.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'res_partner'::regclass")
        estimate = self.env.cr.fetchone()[0]
        if estimate is None or estimate < 1000:
            self.env.cr.execute("SELECT count(*) FROM res_partner")
            estimate = self.env.cr.fetchone()[0]
        return estimate

    @api.model
    def _dedup_scan_processes(self):
        """How many forked processes score a large scan's pairs (``contact_dedup.scan_processes``):
        0 (the default) one per CPU, at most 4; 1 none, the scan scores them itself."""
        value = self.env["ir.config_parameter"].sudo().get_param("contact_dedup.scan_processes", "0")
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            _logger.warning("contact_dedup: contact_dedup.scan_processes is not a number: %r, one per CPU", value)
            return 0

    @api.model
    def _dedup_max_block(self):
        """How many partners may share a key before it stops being a key (scan and check alike)."""
        return MAX_BLOCK

    @api.model
    def _dedup_max_weak_block(self):
        """The same for a weak key (``matching.WEAK_BLOCKING``), scan and check alike."""
        return MAX_WEAK_BLOCK

    @api.model
    def _dedup_max_zip_block(self):
        """How many partners a zip may hold for its similar names to be compared (scan and check)."""
        return MAX_ZIP_BLOCK

    @api.model
    def _dedup_block_limit(self, kind, key):
        """How many partners may share this scan key (``matching.scan_keys``) and still be compared."""
        return self._dedup_max_weak_block() if matching.is_weak_key(kind, key) else self._dedup_max_block()

    @api.model
    def _dedup_kind_totals(self):
        """{kind: active partners} as the last scan counted them for its term frequencies, else
        the estimate of the whole base for each kind (the check must not count a large base)."""
        value = self.env["ir.config_parameter"].sudo().get_param("contact_dedup.kind_totals")
        if value:
            try:
                return {kind: int(count) for kind, count in json.loads(value).items()}
            except (ValueError, AttributeError, TypeError):
                _logger.warning("contact_dedup: unreadable stored partner counts, the estimate is used")
        size = self._dedup_partner_count()
        return {kind: size for kind in fellegi_sunter.KINDS}

    @api.model
    def _dedup_phrases(self):
        """Each comparison level in words, in the user's language."""
        return {
            "name": (_("same name"), _("name with a typo"), _("name without the given name"),
                     _("a relative's name"), _("different name")),
            "email": (_("same e-mail"), _("similar e-mail"), _("different e-mail")),
            "phone": (_("same phone"), _("phone one digit off"), _("different phone")),
            "address": (_("same address"), _("address with a typo"), _("same street, other number"),
                        _("same town, no street to compare"), _("same town and house number, other street"),
                        _("same town, other street"), _("other town")),
            "vat": (_("same VAT number"), _("different VAT number")),
            "domain": (_("same web domain"), _("different web domain")),
            "company": (_("same company"), _("different company")),
        }

    @api.model
    def _dedup_term_frequencies(self):
        """How many active partners share each name and each phone number seen twice or more."""
        cr = self.env.cr
        cr.execute("SELECT COALESCE(is_company, FALSE), count(*) FROM res_partner WHERE active GROUP BY 1")
        totals = {("company" if is_company else "person"): count for is_company, count in cr.fetchall()}
        self.env["ir.config_parameter"].sudo().set_param("contact_dedup.kind_totals", json.dumps(totals))
        counts = {}
        cr.execute("""
            SELECT COALESCE(is_company, FALSE), dedup_name, count(*) FROM res_partner
             WHERE active AND dedup_name IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1""")
        for is_company, value, count in cr.fetchall():
            counts.setdefault(("company" if is_company else "person", "name"), {})[value] = count
        cr.execute("""
            SELECT is_company, number, count(*) FROM (
                SELECT COALESCE(is_company, FALSE) AS is_company, dedup_phone AS number FROM res_partner
                 WHERE active AND dedup_phone IS NOT NULL
                UNION ALL
                SELECT COALESCE(is_company, FALSE), dedup_mobile FROM res_partner
                 WHERE active AND dedup_mobile IS NOT NULL AND dedup_mobile IS DISTINCT FROM dedup_phone) numbers
             GROUP BY 1, 2 HAVING count(*) > 1""")
        for is_company, value, count in cr.fetchall():
            counts.setdefault(("company" if is_company else "person", "phone"), {})[value] = count
        return fellegi_sunter.TermFrequencies(counts, totals)

    @api.model
    def _dedup_exact_counts(self, is_company):
        """``{field: (sum of c * (c - 1), partners having the field)}`` of the active partners of
        one kind, c the partners sharing each key of the field's exact level, as
        ``fellegi_sunter.exact_counts`` counts them: one GROUP BY per field, no pair drawn."""
        cr = self.env.cr
        kind = "active AND COALESCE(is_company, FALSE) = %s"
        vat_digits = ("CASE WHEN length(dedup_vat) > 2 AND substr(dedup_vat, 1, 2) ~ '^[[:alpha:]]{2}$' "
                      "THEN substr(dedup_vat, 3) ELSE dedup_vat END")
        # field: (the key, the partners having it, the partners having the field)
        keys = {
            "name": ("replace(dedup_name, ' ', '')", "dedup_name <> ''", "dedup_name <> ''"),
            "email": ("dedup_email", "dedup_email <> ''", "dedup_email <> ''"),
            "vat": (vat_digits, "dedup_vat <> ''", "dedup_vat <> ''"),
            "domain": ("dedup_domain", "dedup_domain <> ''", "dedup_domain <> ''"),
            "address": ("dedup_street, COALESCE(dedup_zip, ''), replace(COALESCE(dedup_city, ''), ' ', '')",
                        "dedup_street <> '' AND (dedup_zip <> '' OR dedup_city <> '')",
                        "(dedup_street <> '' OR dedup_zip <> '' OR dedup_city <> '')"),
            "phone": (None, None, "(dedup_phone <> '' OR dedup_mobile <> '')"),
        }
        # the SQL is built from the constants above only, never from input
        cr.execute("SELECT %s FROM res_partner WHERE %s" % (  # pylint: disable=sql-injection
            ", ".join("count(*) FILTER (WHERE %s)" % having for _key, _has, having in keys.values()), kind),
            (is_company,))
        having = dict(zip(keys, cr.fetchone()))
        result = {}
        for field, (key, has, _having) in keys.items():
            if key is None:
                continue
            cr.execute("SELECT COALESCE(sum(c * (c - 1)), 0) FROM (SELECT count(*) AS c FROM res_partner "
                       "WHERE %s AND %s GROUP BY %s) counts" % (kind, has, key),  # pylint: disable=sql-injection
                       (is_company,))
            result[field] = (int(cr.fetchone()[0]), having[field])
        cr.execute("""
            SELECT COALESCE(sum(c * (c - 1)), 0) FROM (
                SELECT count(*) AS c FROM (
                    SELECT dedup_phone AS number FROM res_partner WHERE {kind} AND dedup_phone <> ''
                    UNION ALL
                    SELECT dedup_mobile FROM res_partner
                     WHERE {kind} AND dedup_mobile <> '' AND dedup_mobile IS DISTINCT FROM dedup_phone) numbers
                 GROUP BY number) counts""".format(kind=kind), (is_company, is_company))
        result["phone"] = (int(cr.fetchone()[0]), having["phone"])
        return result

    @api.model
    def _dedup_estimate_model(self, random_records=4000, random_pairs=fellegi_sunter.RANDOM_PAIRS,
                              blocked_sample=100000, chunk=20000):
        """Re-estimate the model from the base: per kind (persons, companies), u from random
        pairs of partners (of the exact levels, from the counts of values: ``_dedup_exact_counts``),
        m by EM on a sample of the blocked pairs in ``dedup_scan_pairs``. The partners the random
        pairs are drawn from, the draw and the blocked pairs sampled depend on the base only (the
        partners' ids, the number of blocked pairs, a hash of each pair's ids): the same base gives
        the same weights from one scan to the next.
        A kind with fewer than ``fellegi_sunter.MIN_RECORDS`` partners keeps the defaults.
        The pairs are compared in forked processes as the scan's are (``_score_and_store``), the
        same comparisons in the same order.
        Stores the model (``contact_dedup.model``) and its weights (``contact.dedup.weight``)."""
        cr = self.env.cr
        Partner = self.env["res.partner"]
        columns = Partner._dedup_key_columns()
        width = len(columns)
        to_keys = Partner._dedup_keys_from_row
        model = fellegi_sunter.Model()
        cr.execute("SELECT count(*) FROM dedup_scan_pairs")
        blocked = cr.fetchone()[0]
        rng = random.Random(blocked)
        processes = self._dedup_scan_processes()
        for kind, is_company in (("person", False), ("company", True)):
            cr.execute("SELECT count(*) FROM res_partner WHERE active AND COALESCE(is_company, FALSE) = %s",
                       (is_company,))
            count = cr.fetchone()[0]
            random_vectors, patterns = [], {}
            if count >= fellegi_sunter.MIN_RECORDS:
                # column names come from the model's code, never from input
                cr.execute("SELECT id, %s FROM res_partner WHERE active AND COALESCE(is_company, FALSE) = %%s "
                           "ORDER BY md5(id::text) LIMIT %%s" % ", ".join(columns),  # pylint: disable=sql-injection
                           (is_company, random_records))
                sample = [to_keys(row[0], row[1:]) for row in cr.fetchall()]
                # the same draw as rng.sample(sample, 2): indices, so that the children are sent numbers
                drawn = [rng.sample(range(len(sample)), 2) for _index in range(random_pairs)]

                def compare_drawn(indices):
                    return [fellegi_sunter.compare(sample[first], sample[second]) for first, second in indices]

                with pool.ChunkScorer(compare_drawn, pool.processes_for(
                        random_pairs, processes, PARALLEL_PAIRS)) as comparer:
                    for start in range(0, len(drawn), chunk):
                        for vectors in comparer.submit(drawn[start:start + chunk]):
                            random_vectors.extend(vectors)
                    for vectors in comparer.results():
                        random_vectors.extend(vectors)
                del drawn
                query = """
                    DECLARE dedup_estimate_cursor NO SCROLL CURSOR FOR
                    SELECT p.a, p.b, {first}, {second} FROM dedup_scan_pairs p
                      JOIN res_partner x ON x.id = p.a
                      JOIN res_partner y ON y.id = p.b
                     WHERE COALESCE(x.is_company, FALSE) = %s
                       AND (hashint8(p.a::bigint * 2147483648 + p.b) & 2147483647) < %s
                """.format(first=", ".join("x.%s" % column for column in columns),
                           second=", ".join("y.%s" % column for column in columns))
                # the pairs learnt from are chosen by their ids (a hash), not at random: the same base
                # gives the same sample, hence the same weights and the same pairs, from one scan to the next
                share = min(1.0, float(blocked_sample) / max(blocked, 1))
                cr.execute(query, (is_company, share * 2147483648.0))  # pylint: disable=sql-injection

                def compare_rows(rows):
                    return [fellegi_sunter.compare(to_keys(row[0], row[2:2 + width]), to_keys(row[1], row[2 + width:]))
                            for row in rows]

                def add_patterns(results):
                    for vectors in results:
                        for vector in vectors:
                            patterns[vector] = patterns.get(vector, 0) + 1

                with pool.ChunkScorer(compare_rows, pool.processes_for(
                        min(blocked, blocked_sample), processes, PARALLEL_PAIRS / 4)) as comparer:
                    while True:
                        cr.execute("FETCH %s FROM dedup_estimate_cursor", (chunk,))
                        rows = cr.fetchall()
                        if not rows:
                            break
                        add_patterns(comparer.submit(rows))
                    add_patterns(comparer.results())
                cr.execute("CLOSE dedup_estimate_cursor")
            exact = self._dedup_exact_counts(is_company) if count >= fellegi_sunter.MIN_RECORDS else None
            # the patterns in the order of their vectors, not of the rows: PostgreSQL may read the pairs in
            # another order from one scan to the next (its plans follow its statistics), and EM's sums
            # would then differ in their last digits
            patterns = dict(sorted(patterns.items()))
            fellegi_sunter.estimate_kind(model, kind, random_vectors, patterns, record_count=count, exact=exact)
        self.env["ir.config_parameter"].sudo().set_param("contact_dedup.model", json.dumps(model.to_dict()))
        self.env["contact.dedup.weight"].sudo()._store_model(model)
        return model

    @api.model
    def _store_groups(self, res_model, components):
        """Replace the open groups of ``res_model`` by the groups of ``components`` (a
        ``matching.Components`` of the pairs in ``dedup_scan_scored``); return their number.

        Each group gets the score and reasons of its best pair and the company of its
        members (pairs never cross companies); all of it in set-based SQL.
        """
        cr = self.env.cr
        cr.execute("""
            DELETE FROM contact_dedup_group WHERE res_model = %s AND state = 'open';
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_members (id integer, root integer) ON COMMIT DROP;
            TRUNCATE dedup_scan_members;
        """, (res_model,))
        execute_values(cr._obj, "INSERT INTO dedup_scan_members (id, root) VALUES %s", components.roots(),
                       page_size=5000)
        record_table = self.env[res_model]._table
        relation = "contact_dedup_group_partner_rel" if res_model == "res.partner" else "contact_dedup_group_lead_rel"
        column = "partner_id" if res_model == "res.partner" else "lead_id"
        # table and column names come from this code, never from input
        query = """
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_groups (root integer, group_id integer) ON COMMIT DROP;
            TRUNCATE dedup_scan_groups;
            INSERT INTO dedup_scan_groups
                SELECT root, nextval('contact_dedup_group_id_seq') FROM dedup_scan_members GROUP BY root ORDER BY root;
            INSERT INTO contact_dedup_group (id, res_model, record_count, score, reasons, state, company_id,
                                             create_uid, create_date, write_uid, write_date)
            SELECT g.group_id, %(model)s, size.members, best.score, best.reasons, 'open', size.company_id,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM dedup_scan_groups g
              JOIN (SELECT m.root, count(*) AS members, min(r.company_id) AS company_id
                      FROM dedup_scan_members m JOIN {records} r ON r.id = m.id GROUP BY m.root) size
                ON size.root = g.root
              JOIN (SELECT DISTINCT ON (m.root) m.root, s.score, s.reasons
                      FROM dedup_scan_scored s JOIN dedup_scan_members m ON m.id = s.a
                     ORDER BY m.root, s.score DESC, s.a, s.b) best
                ON best.root = g.root
             ORDER BY g.group_id;
            INSERT INTO {relation} (group_id, {column})
            SELECT g.group_id, m.id FROM dedup_scan_members m JOIN dedup_scan_groups g ON g.root = m.root;
            INSERT INTO contact_dedup_pair (group_id, record_low, record_high, score, reasons)
            SELECT g.group_id, s.a, s.b, s.score, s.reasons
              FROM dedup_scan_scored s
              JOIN dedup_scan_members m ON m.id = s.a
              JOIN dedup_scan_groups g ON g.root = m.root;
        """.format(records=record_table, relation=relation, column=column)
        cr.execute(query, {"model": res_model, "uid": self.env.uid,  # pylint: disable=sql-injection
                           "now": fields.Datetime.now()})
        cr.execute("SELECT count(*) FROM dedup_scan_groups")
        count = cr.fetchone()[0]
        self.invalidate_cache()
        return count

    @api.model
    def cron_scan(self):
        """Scheduled full scan of contacts and leads."""
        partner_groups = self.scan_partners()
        lead_groups = self.scan_leads()
        _logger.info("contact_dedup: %d contact groups, %d lead groups to review", partner_groups, lead_groups)
        return True

    @api.model
    def action_scan(self):
        """Button: scan now and show what to review."""
        self.scan_partners()
        self.scan_leads()
        return self.env.ref("contact_dedup.action_contact_dedup_group").read()[0]

    # -------------------------------------------------------------- review
    @api.multi
    def action_not_duplicate(self):
        """Remember every pair of these groups as distinct records; they are never proposed again."""
        rows = []
        for group in self:
            ids = sorted((group.partner_ids if group.res_model == "res.partner" else group.lead_ids).ids)
            rows += [(group.res_model, low, high) for index, low in enumerate(ids) for high in ids[index + 1:]]
        if rows:
            execute_values(self.env.cr._obj, """
                INSERT INTO contact_dedup_exclusion (res_model, record_low, record_high) VALUES %s
                ON CONFLICT DO NOTHING""", rows)
        self.write({"state": "ignored"})
        return True

    @api.multi
    def _regroup_pairs(self):
        """After pairs left the group: its records are those its pairs still join; pairs no
        longer joined to the first ones make groups of their own; no pair left, not a duplicate."""
        self.ensure_one()
        pairs = self.pair_ids.sorted(lambda pair: (-pair.score, pair.id))
        if not pairs:
            self.write({"state": "ignored"})
            return
        components = matching.Components()
        for pair in pairs:
            components.add(pair.record_low, pair.record_high)
        roots = {}
        for record_id, root in components.roots():
            roots.setdefault(root, set()).add(record_id)
        field = "partner_ids" if self.res_model == "res.partner" else "lead_ids"
        first_root = dict(components.roots())[pairs[0].record_low]
        for root, members in roots.items():
            own = pairs.filtered(lambda pair: pair.record_low in members)
            values = {field: [(6, 0, sorted(members))], "record_count": len(members), "score": own[0].score,
                      "reasons": own[0].reasons}
            if root == first_root:
                self.write(values)
            else:
                values.update(res_model=self.res_model, company_id=self.company_id.id, state=self.state)
                own.write({"group_id": self.create(values).id})

    @api.multi
    def action_merge(self):
        """Open the merge wizard on the group (contacts) or merge the leads with Odoo's opportunity merge."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(_("This group is already reviewed."))
        if self.res_model == "crm.lead":
            leads = self.lead_ids.filtered("active")
            if len(leads) < 2:
                raise UserError(_("Fewer than two of these leads are still active: nothing to merge."))
            kept = leads.with_context(contact_dedup_group_id=self.id).merge_opportunity()
            self.state = "merged"
            return {"type": "ir.actions.act_window", "res_model": "crm.lead", "res_id": kept.id,
                    "view_mode": "form", "target": "current"}
        return self.env["contact.dedup.merge"].action_open(self.partner_ids.filtered("active"), group=self)
