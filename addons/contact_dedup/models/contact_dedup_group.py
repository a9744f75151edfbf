import logging

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import matching

_logger = logging.getLogger(__name__)

# how many records may share one key before the key stops being evidence (a switchboard)
MAX_BLOCK = 200


class ContactDedupGroup(models.Model):
    _name = "contact.dedup.group"
    _description = "Possible duplicates"
    _order = "state, score desc, id"

    name = fields.Char(compute="_compute_name")
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
    reasons = fields.Char(help="Why the best pair looks like one and the same.")
    state = fields.Selection(
        [("open", "To review"), ("merged", "Merged"), ("ignored", "Not a duplicate")],
        default="open",
        required=True,
        index=True,
    )

    @api.depends("partner_ids", "lead_ids")
    def _compute_name(self):
        for group in self:
            records = group.partner_ids if group.res_model == "res.partner" else group.lead_ids
            group.name = " / ".join(records[:3].mapped("display_name")) + (" ..." if len(records) > 3 else "")

    # ------------------------------------------------------------ settings
    @api.model
    def _dedup_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param("contact_dedup.threshold")
        try:
            return float(value) if value else matching.DEFAULT_THRESHOLD
        except ValueError:
            return matching.DEFAULT_THRESHOLD

    @api.model
    def _dedup_mode(self):
        return self.env["ir.config_parameter"].sudo().get_param("contact_dedup.mode", "warn")

    @api.model
    def _reason_labels(self):
        """Reason codes of the matcher in the user's language (looked up once per scan)."""
        return {
            "same_email": _("same e-mail"),
            "same_phone": _("same phone"),
            "same_vat": _("same VAT number"),
            "different_vat": _("different VAT number"),
            "same_domain": _("same web domain"),
            "same_name": _("same name"),
            "similar_name": _("similar name %.2f"),
            "different_name": _("different name %.2f"),
            "same_street": _("same street"),
            "similar_street": _("similar street %.2f"),
            "same_zip": _("same zip"),
            "same_city": _("same city"),
            "same_company": _("same company"),
        }

    @api.model
    def _reasons_text(self, reasons, labels=None):
        """Reasons of a pair in words: 'same phone, similar name 0.92'."""
        labels = labels or self._reason_labels()
        words = []
        for code, value in reasons:
            label = labels.get(code, code)
            words.append(label % value if "%" in label else label)
        return ", ".join(words)

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
        """Fill ``dedup_scan_pairs`` with pairs of active partners sharing an exact key, or a
        similar name (pg_trgm) in the same zip. A person's exact name is a key only with
        the city or the street (``matching.blocking_keys``): homonyms are many on a large base.

        Set-based SQL; keys shared by more than MAX_BLOCK partners are skipped.
        """
        cr = self.env.cr
        self._scan_pairs_table()
        # each key row carries what decides comparability, so that pairs of a company and a
        # person, or of two companies' records, are never made (millions of rows on a big base)
        cr.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_keys
                (id integer, kind char(1), key varchar, is_company boolean, company_id integer) ON COMMIT DROP;
            TRUNCATE dedup_scan_keys;
            INSERT INTO dedup_scan_keys
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
                 WHERE p.active AND k.key IS NOT NULL;
            DELETE FROM dedup_scan_keys k USING (
                SELECT kind, key FROM dedup_scan_keys GROUP BY kind, key
                HAVING count(*) < 2 OR count(*) > %s) lonely
             WHERE k.kind = lonely.kind AND k.key = lonely.key;
            ANALYZE dedup_scan_keys;
        """, (MAX_BLOCK,))
        cr.execute("""
            WITH zips AS (
                SELECT dedup_zip FROM res_partner WHERE active AND dedup_zip IS NOT NULL
                 GROUP BY dedup_zip HAVING count(*) BETWEEN 2 AND %s)
            INSERT INTO dedup_scan_pairs
            SELECT a.id, b.id FROM dedup_scan_keys a
              JOIN dedup_scan_keys b ON a.kind = b.kind AND a.key = b.key AND a.id < b.id
                                    AND a.is_company = b.is_company
             WHERE a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id
            UNION
            SELECT a.id, b.id FROM res_partner a
              JOIN res_partner b ON a.dedup_zip = b.dedup_zip AND a.id < b.id AND a.is_company = b.is_company
             WHERE a.active AND b.active AND a.dedup_zip IN (SELECT dedup_zip FROM zips)
               AND (a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id)
               AND a.dedup_name %% b.dedup_name
        """, (MAX_BLOCK * 5,))

    @api.model
    def scan_partners(self):
        """Full scan: replace the open contact groups by the duplicate groups found now.

        Idempotent; pairs marked "not a duplicate" are never proposed again, merged groups stay.
        Returns the number of open groups.
        """
        self._scan_candidate_pairs()
        return self._score_and_store("res.partner")

    @api.model
    def scan_leads(self):
        """Full scan of open leads: same e-mail or same phone, scored like contacts."""
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
        above the threshold go straight back to PostgreSQL with their reasons in words, and
        only the groups (a union-find of the records that have a pair) stay in Python, so
        memory stays flat however many pairs there are.
        """
        Model = self.env[res_model]
        table = Model._table
        cr = self.env.cr
        threshold = self._dedup_threshold()
        labels = self._reason_labels()
        cr.execute("""
            DELETE FROM dedup_scan_pairs p USING contact_dedup_exclusion e
             WHERE e.res_model = %s AND e.record_low = p.a AND e.record_high = p.b;
            CREATE TEMPORARY TABLE IF NOT EXISTS dedup_scan_scored
                (a integer, b integer, score float, reasons varchar) ON COMMIT DROP;
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
        cr.execute(query)  # pylint: disable=sql-injection
        components = matching.Components()
        to_keys = Model._dedup_keys_from_row
        while True:
            cr.execute("FETCH %s FROM dedup_scan_cursor", (chunk,))
            rows = cr.fetchall()
            if not rows:
                break
            scored = []
            for row in rows:
                score, reasons = matching.score_pair(to_keys(row[0], row[2:2 + width]),
                                                     to_keys(row[1], row[2 + width:]))
                if score >= threshold:
                    scored.append((row[0], row[1], score, self._reasons_text(reasons, labels)))
                    components.add(row[0], row[1])
            del rows
            if scored:
                execute_values(cr._obj, "INSERT INTO dedup_scan_scored (a, b, score, reasons) VALUES %s",
                               scored, page_size=5000)
        cr.execute("CLOSE dedup_scan_cursor")
        return self._store_groups(res_model, components)

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
    def action_merge(self):
        """Open the merge wizard on the group (contacts) or merge the leads with Odoo's opportunity merge."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(_("This group is already reviewed."))
        if self.res_model == "crm.lead":
            leads = self.lead_ids.filtered("active")
            if len(leads) < 2:
                raise UserError(_("Fewer than two of these leads are still active: nothing to merge."))
            kept = leads.merge_opportunity()
            self.state = "merged"
            return {"type": "ir.actions.act_window", "res_model": "crm.lead", "res_id": kept.id,
                    "view_mode": "form", "target": "current"}
        return self.env["contact.dedup.merge"].action_open(self.partner_ids.filtered("active"), group=self)
