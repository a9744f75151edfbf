import logging
import uuid

from psycopg2 import sql
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import split_every

from odoo.addons.crm_leads import access_guard

from ..lib import fellegi_sunter, matching, normalize, pool

# res.partner fields that feed the normalised keys
KEY_SOURCE_FIELDS = {"name", "is_company", "email", "phone", "mobile", "vat", "website", "street", "street2",
                     "zip", "city", "parent_id", "country_id", "company_name"}
KEY_COLUMNS = ("name", "email", "phone", "mobile", "vat", "domain", "street", "zip", "city", "company")
# written by the application only (the keys in SQL, the merge's link as the superuser): a key
# written by hand would hide a duplicate from the scan or pair a contact with anyone's
CODE_FIELDS = tuple("dedup_%s" % column for column in KEY_COLUMNS) + ("dedup_blocking", "dedup_merged_into_id")
# fields of a contact the duplicate check reads (block mode checks them on create and on write)
CHECK_FIELDS = ("name", "email", "phone", "mobile", "vat", "website", "street", "street2", "zip", "city",
                "is_company", "company_name", "parent_id", "country_id", "company_id")
# the check while typing reads at most this many candidates (keys shared by more are no evidence)
CHECK_CANDIDATES = 2000
# from this many partners on, a key refresh computes the keys in forked processes
PARALLEL_KEYS = 20000

_logger = logging.getLogger(__name__)
# messages of block mode's refusals in the imports running in this process, by their context's token
_IMPORT_ERRORS = {}


class DuplicateContactError(ValidationError):
    """Block mode refuses a contact that already exists."""


class ResPartner(models.Model):
    _inherit = "res.partner"

    dedup_name = fields.Char(string="Normalised name", readonly=True, copy=False, index=True)
    dedup_email = fields.Char(string="Normalised e-mail", readonly=True, copy=False, index=True)
    dedup_phone = fields.Char(string="Normalised phone", readonly=True, copy=False, index=True)
    dedup_mobile = fields.Char(string="Normalised mobile", readonly=True, copy=False, index=True)
    dedup_vat = fields.Char(string="Normalised VAT", readonly=True, copy=False, index=True)
    dedup_domain = fields.Char(string="Web domain", readonly=True, copy=False, index=True)
    dedup_street = fields.Char(string="Normalised street", readonly=True, copy=False)
    dedup_zip = fields.Char(string="Normalised zip", readonly=True, copy=False, index=True)
    dedup_city = fields.Char(string="Normalised city", readonly=True, copy=False)
    dedup_company = fields.Char(string="Normalised company", readonly=True, copy=False)
    dedup_blocking = fields.Char(
        string="Blocking keys",
        readonly=True,
        copy=False,
        help="Keys that survive typos (sound of the name with the zip or the town, house number and "
             "street, mailbox name), each shared key making a pair the scan compares.",
    )
    dedup_merged_into_id = fields.Many2one(
        "res.partner",
        string="Merged into",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="This contact was a duplicate: everything linked to it now belongs to this one.",
    )

    # ------------------------------------------------------------------ keys
    @api.model
    def _dedup_default_country(self):
        """The country national phone numbers are read in: the user's company's, FR without one.

        In one query: each new lead asks it (intake check, then its keys), and the company's country
        is a computed address field whose ORM read loads the company, its partner and the country in
        full each time the cache was cleared (every message posted clears it): 4 to 10 % of the
        cost of an e-mail that makes a lead."""
        self.env.cr.execute("""SELECT country.code FROM res_users usr
                                 JOIN res_company company ON company.id = usr.company_id
                                 JOIN res_partner partner ON partner.id = company.partner_id
                                 JOIN res_country country ON country.id = partner.country_id
                                WHERE usr.id = %s""", (self.env.uid,))
        row = self.env.cr.fetchone()
        return (row and row[0]) or "FR"

    @api.model
    def _dedup_provider_rules(self):
        """E-mail provider rules; the setting can switch Gmail-style folding off."""
        if self.env["ir.config_parameter"].sudo().get_param("contact_dedup.email_provider_rules", "1") == "0":
            return {}
        return None

    @api.model
    def _dedup_migrate_keys(self, forget_model=True):
        """For the migrations that change the keys or the comparison levels: every partner's
        keys computed again (set-based, archived partners too), the weights page back to the
        default model, and with ``forget_model`` the model the last scan stored forgotten (its
        levels are the old ones; the defaults serve until the next scan). Returns the count."""
        partners = self.with_context(active_test=False).search([])
        partners._dedup_update_keys()
        if forget_model:
            self.env["ir.config_parameter"].sudo().set_param("contact_dedup.model", False)
        self.env["contact.dedup.weight"]._store_model(fellegi_sunter.DEFAULT_MODEL)
        return len(partners)

    @api.multi
    def _dedup_update_keys(self):
        """Recompute the normalised keys of these partners, set-based (SQL in and out).

        From ``PARALLEL_KEYS`` partners on (a key refresh of the whole base), the keys of each
        chunk are computed by forked processes (``lib/pool.py``, as many as the scan uses) while
        this one reads the next chunk and writes the keys of the previous ones."""
        country = self._dedup_default_country()
        rules = self._dedup_provider_rules()
        # a contact saved in a form refreshes its own keys here: only a large refresh reads the setting
        processes = pool.processes_for(len(self.ids), self.env["contact.dedup.group"]._dedup_scan_processes(),
                                       PARALLEL_KEYS) if len(self.ids) >= PARALLEL_KEYS else 0

        def keys_of(rows):
            updates = []
            for row in rows:
                keys = normalize.partner_keys(dict(zip(
                    ("name", "is_company", "email", "phone", "mobile", "vat", "website", "street", "street2", "zip",
                     "city", "company_name", "country_code"), row[1:14])), country, rules)
                if row[14]:
                    keys["vat"] = ""  # a contact inherits its company's VAT: no evidence about the person
                updates.append((row[0],) + tuple(keys[column] or None for column in KEY_COLUMNS)
                               + (" ".join(matching.extra_blocking_keys(keys)) or None,))
            return updates

        def store(results):
            for updates in results:
                if updates:
                    execute_values(self.env.cr._obj, """
                        UPDATE res_partner p SET %s, dedup_blocking = v.blocking
                          FROM (VALUES %%s) AS v(id, %s, blocking)
                         WHERE p.id = v.id""" % (
                        ", ".join("dedup_%s = v.%s" % (column, column) for column in KEY_COLUMNS),
                        ", ".join(KEY_COLUMNS)), updates, page_size=1000)

        with pool.ChunkScorer(keys_of, processes) as computer:
            for chunk in split_every(5000, self.ids):
                self.env.cr.execute("""
                    SELECT p.id, p.name, p.is_company, p.email, p.phone, p.mobile, p.vat, p.website, p.street,
                           p.street2, p.zip, p.city, COALESCE(parent.name, p.company_name), country.code, p.parent_id
                      FROM res_partner p
                      LEFT JOIN res_partner parent ON parent.id = p.parent_id
                      LEFT JOIN res_country country ON country.id = p.country_id
                     WHERE p.id IN %s""", (tuple(chunk),))
                store(computer.submit(self.env.cr.fetchall()))
            store(computer.results())
        self.invalidate_cache(["dedup_%s" % column for column in KEY_COLUMNS] + ["dedup_blocking"], self.ids)

    @api.model
    def _dedup_keys_from_values(self, values):
        """Normalised keys of values being typed (form or API), without any record."""
        values = dict(values)
        if values.get("parent_id"):
            values["vat"] = False
        if values.get("parent_id") and not values.get("company_name"):
            values["company_name"] = self.browse(values["parent_id"]).name
        if values.get("country_id"):
            values["country_code"] = self.env["res.country"].browse(values["country_id"]).code
        return normalize.partner_keys(values, self._dedup_default_country(), self._dedup_provider_rules())

    @api.model
    def _dedup_key_columns(self):
        """Columns of res_partner that ``_dedup_keys_from_row`` turns into a keys dict."""
        return ("is_company",) + tuple("dedup_%s" % column for column in KEY_COLUMNS)

    @api.model
    def _dedup_keys_from_row(self, record_id, row):
        keys = dict(zip(KEY_COLUMNS, row[1:]))
        keys["id"] = record_id
        keys["is_company"] = bool(row[0])
        return keys

    @api.model
    def _dedup_read_keys(self, ids):
        """{id: keys dict} straight from the stored key columns."""
        result = {}
        for chunk in split_every(20000, list(ids)):
            self.env.cr.execute("SELECT id, %s FROM res_partner WHERE id IN %%s" % ", ".join(
                self._dedup_key_columns()), (tuple(chunk),))
            for row in self.env.cr.fetchall():
                result[row[0]] = self._dedup_keys_from_row(row[0], row[1:])
        return result

    # ------------------------------------------------------------ prevention
    @api.model_cr
    def init(self):
        """The index the check while typing reads the blocking keys through (one lookup per key)."""
        result = super(ResPartner, self).init()
        self.env.cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' "
                            "AND column_name = 'dedup_blocking'")
        if self.env.cr.fetchone():
            self.env.cr.execute("CREATE INDEX IF NOT EXISTS res_partner_dedup_blocking_gin ON res_partner "
                                "USING gin (string_to_array(dedup_blocking, ' '))")
        return result

    @api.model
    def _dedup_candidate_query(self, keys, company_id, limit=CHECK_CANDIDATES):
        """``(query, params)`` of the check while typing: one indexed query reading the partners
        that share a scan key with ``keys`` (``matching.scan_keys``) or have a similar name in the
        same zip (``_dedup_candidate_arms``), of the same kind and company (or shared), with their
        keys. Plain SQL built from ``keys`` only: no record is read."""
        arms, params = self._dedup_candidate_arms(keys)
        if not arms:
            return None, []
        query = sql.SQL("""
            SELECT p.id, {columns}, p.dedup_blocking, {similar}
              FROM res_partner p
             WHERE p.active AND COALESCE(p.is_company, FALSE) = %s
               AND (p.company_id IS NULL OR p.company_id = %s)
               AND ({arms})
             LIMIT %s""").format(
            columns=sql.SQL(", ").join(sql.SQL("p.{}").format(sql.Identifier(column))
                                       for column in self._dedup_key_columns()),
            similar=sql.SQL("p.dedup_zip = %s AND p.dedup_name %% %s") if keys.get("name") and keys.get("zip")
            else sql.SQL("FALSE"),
            arms=sql.SQL(" OR ").join(arms))
        head = [keys["zip"], keys["name"]] if keys.get("name") and keys.get("zip") else []
        return query, head + [bool(keys.get("is_company")), company_id] + params + [limit]

    @api.model
    def _dedup_candidate_arms(self, keys):
        """``(conditions, params)``: the ways into res_partner (alias ``p``) of the check, each
        served by an index: the GIN index of the blocking keys, the b-trees of the exact keys,
        the name's b-tree for a person's same name in the same town or street, the zip's b-tree
        for a similar name."""
        arms, params = [], []
        blocking = self._dedup_open_keys(sorted(key for kind, key in matching.scan_keys(keys) if kind == "b"))
        if blocking:
            arms.append(sql.SQL("string_to_array(p.dedup_blocking, ' ') && %s::text[]"))
            params.append(blocking)
        for column in ("email", "vat", "domain"):
            if keys.get(column):
                arms.append(sql.SQL("p.{} = %s").format(sql.Identifier("dedup_%s" % column)))
                params.append(keys[column])
        numbers = sorted({keys.get("phone"), keys.get("mobile")} - {"", None, False})
        if numbers:
            arms.append(sql.SQL("p.dedup_phone = ANY(%s)"))
            arms.append(sql.SQL("p.dedup_mobile = ANY(%s)"))
            params += [numbers, numbers]
        if keys.get("name") and keys.get("is_company"):
            arms.append(sql.SQL("p.dedup_name = %s"))
            params.append(keys["name"])
        elif keys.get("name") and (keys.get("city") or keys.get("street")):
            arms.append(sql.SQL("(p.dedup_name = %s AND (p.dedup_city = %s OR p.dedup_street = %s))"))
            params += [keys["name"], keys.get("city") or None, keys.get("street") or None]
        if keys.get("name") and keys.get("zip"):
            # the names of the zip (a b-tree), then their similarity (``%``'s own threshold): not
            # the trigram index, whose scan for a name reads the similar names of the whole base
            # (88 ms of the slowest check on 1,000,000 partners, 53 partners in that zip)
            arms.append(sql.SQL("(p.dedup_zip = %s AND similarity(p.dedup_name, %s) >= show_limit())"))
            params += [keys["zip"], keys["name"]]
        return arms, params

    @api.model
    def _dedup_open_keys(self, blocking):
        """The blocking keys of ``blocking`` that fewer active partners hold than the scan lets
        share a key (``_dedup_block_limit``: ``MAX_BLOCK``, ``MAX_WEAK_BLOCK`` for a weak key):
        the scan skips the others (its blocks hold that many partners at most, the new one
        included). Counted per key through the GIN index, at most that many rows each, so
        that the check never reads the thousands of holders of a common name's sound in a
        large town (on 1,000,000 partners they filled its candidates, up to ``CHECK_CANDIDATES``)."""
        if not blocking:
            return []
        Group = self.env["contact.dedup.group"]
        limits = [Group._dedup_block_limit("b", key) for key in blocking]
        self.env.cr.execute("""
            SELECT k.key FROM unnest(%s::text[], %s::integer[]) k(key, most)
             WHERE (SELECT count(*) FROM (SELECT 1 FROM res_partner p
                                           WHERE string_to_array(p.dedup_blocking, ' ') @> ARRAY[k.key] AND p.active
                                           LIMIT k.most) held) < k.most""", (list(blocking), limits))
        return sorted(key for (key,) in self.env.cr.fetchall())

    @api.model
    def _dedup_find(self, values, exclude_ids=(), limit=5):
        """Existing partners that look like ``values``: list of (partner id, probability, weights),
        best first; ``weights`` as ``fellegi_sunter.explain`` reads them.

        The candidates are the scan's (``_dedup_candidate_query``: the partners that share a
        blocking key with the values, keys held by more than ``MAX_BLOCK`` partners
        (``MAX_WEAK_BLOCK`` for a weak key) left out as the scan leaves them out, or a similar
        name in a zip of at most ``MAX_ZIP_BLOCK`` partners), of the same company (``company_id``
        of the values, else the user's) or shared,
        scored by the scan's Fellegi-Sunter model: a warning says what the next scan would say.
        One indexed query and a few dozen pairs scored in Python, so the check stays fast on a
        large base.
        """
        keys = self._dedup_keys_from_values(values)
        keys["id"] = 0
        company_id = values.get("company_id") or self.env.user.company_id.id
        query, params = self._dedup_candidate_query(keys, company_id)
        if query is None:
            return []
        cr = self.env.cr
        cr.execute(query, params)
        rows = cr.fetchall()
        if len(rows) >= CHECK_CANDIDATES:
            _logger.info("contact_dedup: the check read %d candidates (the cap): keys %s", len(rows),
                         sorted(matching.scan_keys(keys)))
        width = len(self._dedup_key_columns())
        own = matching.scan_keys(keys)
        candidates, holders = [], {}
        for row in rows:
            candidate = self._dedup_keys_from_row(row[0], row[1:1 + width])
            candidate["blocking"] = row[1 + width] or ""
            shared = matching.scan_keys(candidate) & own
            for key in shared:
                holders[key] = holders.get(key, 0) + 1
            candidates.append((candidate, shared, row[2 + width]))
        Group = self.env["contact.dedup.group"]
        max_zip_block = Group._dedup_max_zip_block()
        limits = {key: Group._dedup_block_limit(*key) for key in holders}
        zip_size = None
        excluded = set(exclude_ids) | self._dedup_excluded_with(exclude_ids)
        threshold = Group._dedup_threshold()
        model = Group._dedup_model()
        frequencies = self._dedup_check_frequencies(keys)
        found = []
        for candidate, shared, similar_in_zip in candidates:
            if candidate["id"] in excluded:
                continue
            # with the new record, a key's block grows by one: the scan keeps blocks of MAX_BLOCK at most
            # (MAX_WEAK_BLOCK for a weak key)
            if not any(holders[key] < limits[key] for key in shared):
                if not similar_in_zip:
                    continue
                if zip_size is None:
                    cr.execute("SELECT count(*) FROM (SELECT 1 FROM res_partner WHERE dedup_zip = %s AND active "
                               "LIMIT %s) zip", (keys["zip"], max_zip_block + 1))
                    zip_size = cr.fetchone()[0] + 1
                if zip_size > max_zip_block:
                    continue
            del candidate["blocking"]
            score, weights = model.score(keys, candidate, frequencies)
            if score >= threshold:
                found.append((candidate["id"], score, weights))
        found.sort(key=lambda item: -item[1])
        return found[:limit]

    @api.model
    def _dedup_excluded_with(self, partner_ids):
        """Partners marked "not a duplicate" of these ones."""
        if not partner_ids:
            return set()
        self.env.cr.execute("""
            SELECT record_low, record_high FROM contact_dedup_exclusion
             WHERE res_model = 'res.partner' AND (record_low IN %s OR record_high IN %s)""",
                            (tuple(partner_ids), tuple(partner_ids)))
        return {record for row in self.env.cr.fetchall() for record in row} - set(partner_ids)

    @api.model
    def _dedup_check_frequencies(self, keys):
        """Term frequencies of the typed name and numbers only (a few index lookups), counted
        among the partners of the same kind as the scan counts them, so that a check scores like
        the scan without counting the whole base (the total per kind is the last scan's)."""
        cr = self.env.cr
        kind = fellegi_sunter.kind_of(keys)
        is_company = bool(keys.get("is_company"))
        total = self.env["contact.dedup.group"]._dedup_kind_totals().get(kind) or 0
        counts = {(kind, "name"): {}, (kind, "phone"): {}}
        if keys["name"]:
            cr.execute("SELECT count(*) FROM res_partner WHERE dedup_name = %s AND active "
                       "AND COALESCE(is_company, FALSE) = %s", (keys["name"], is_company))
            counts[(kind, "name")][keys["name"]] = cr.fetchone()[0] + 1
        for number in {keys["phone"], keys["mobile"]} - {""}:
            cr.execute("SELECT count(*) FROM res_partner WHERE (dedup_phone = %s OR dedup_mobile = %s) AND active "
                       "AND COALESCE(is_company, FALSE) = %s", (number, number, is_company))
            counts[(kind, "phone")][number] = cr.fetchone()[0] + 1
        return fellegi_sunter.TermFrequencies(counts, {kind: total + 1})

    @api.model
    def _dedup_describe(self, found):
        """One line per match, for warnings: 'Acme (97%: same phone +10.4, same name +9.1)'."""
        phrases = self.env["contact.dedup.group"]._dedup_phrases()
        partners = self.browse([item[0] for item in found])
        lines = []
        for partner, (_partner_id, score, weights) in zip(partners, found):
            lines.append("%s (%d%%: %s)" % (partner.display_name, int(score * 100),
                                            fellegi_sunter.explain(weights, phrases)))
        return "\n".join(lines)

    @api.onchange("name", "email", "phone", "mobile", "vat", "website", "street", "street2", "zip", "city",
                  "parent_id", "is_company")
    def _onchange_dedup_warning(self):
        if not (self.name or self.email or self.phone or self.mobile or self.vat):
            return {}
        values = {field: self[field] for field in (
            "name", "email", "phone", "mobile", "vat", "website", "street", "street2", "zip", "city", "is_company",
            "company_name")}
        values["parent_id"] = self.parent_id.id
        values["country_id"] = self.country_id.id
        values["company_id"] = self.company_id.id
        origin = getattr(self, "_origin", self.browse())
        found = self._dedup_find(values, exclude_ids=[origin.id] if origin.id else [])
        if not found:
            return {}
        return {"warning": {
            "title": _("Possible duplicate"),
            "message": _("This contact looks like:\n%s") % self._dedup_describe(found),
        }}

    # ------------------------------------------------------------------ ORM
    @api.model
    def _dedup_blocking(self):
        return (self.env["contact.dedup.group"]._dedup_mode() == "block"
                and not self.env.context.get("contact_dedup_force"))

    @api.model
    def _dedup_refuse(self, found):
        message = _("This contact already exists:\n%s\nOpen the existing record instead.") % self._dedup_describe(
            found)
        errors = _IMPORT_ERRORS.get(self.env.context.get("contact_dedup_import"))
        if errors is not None:
            errors.append(message)
        raise DuplicateContactError(message)

    @api.model
    def create(self, vals):
        access_guard.check_code_fields(self, vals, CODE_FIELDS)
        self = access_guard.without_code_defaults(self, CODE_FIELDS)
        if self._dedup_blocking() and vals.get("name") and vals.get("type", "contact") == "contact":
            found = self._dedup_find(vals)
            if found:
                self._dedup_refuse(found)
        partner = super(ResPartner, self).create(vals)
        partner._dedup_update_keys()
        return partner

    @api.multi
    def _dedup_check_write(self, vals):
        """Block mode: a contact edited into a copy of another one is refused as a new one is."""
        if not (self._dedup_blocking() and set(vals) & set(CHECK_FIELDS) - {"company_id"}):
            return
        for partner in self:
            if (vals.get("type") or partner.type) != "contact" or not (vals.get("name") or partner.name):
                continue
            before, after = {}, {}
            for field in CHECK_FIELDS:
                value = partner[field]
                before[field] = value.id if isinstance(value, models.BaseModel) else value
                after[field] = vals[field] if field in vals else before[field]
            if after == before:
                continue
            found = self._dedup_find(after, exclude_ids=[partner.id])
            if found:
                # a pair that existed before the edit (found by the scan) is no new duplicate
                known = {item[0] for item in self._dedup_find(before, exclude_ids=[partner.id], limit=50)}
                found = [item for item in found if item[0] not in known]
            if found:
                self._dedup_refuse(found)

    @api.model
    def load(self, fields, data):
        """An import refused by block mode says which rows duplicate which contacts, instead of
        Odoo's "unknown error" around the exception."""
        token = uuid.uuid4().hex
        errors = _IMPORT_ERRORS[token] = []
        try:
            result = super(ResPartner, self.with_context(contact_dedup_import=token)).load(fields, data)
        finally:
            _IMPORT_ERRORS.pop(token, None)
        if errors:
            name = DuplicateContactError.__name__
            for message in result["messages"]:
                if errors and name in (message.get("message") or ""):
                    message["message"] = errors.pop(0)
                    message.pop("moreinfo", None)
        return result

    @api.multi
    def write(self, vals):
        access_guard.check_code_fields(self, vals, CODE_FIELDS)
        self._dedup_check_write(vals)
        result = super(ResPartner, self).write(vals)
        if KEY_SOURCE_FIELDS.intersection(vals):
            partners = self
            if "name" in vals:
                partners |= self.with_context(active_test=False).search([("parent_id", "in", self.ids)])
            partners._dedup_update_keys()
        return result

    # --------------------------------------------------------- intake (crm_leads)
    @api.model
    def _intake_find_partner(self, values):
        """The best existing partner above the duplicate threshold, else crm_leads' exact match."""
        lookup = {
            "name": values.get("name") or values.get("company_name"),
            "is_company": not values.get("name") and bool(values.get("company_name")),
            "email": values.get("email"),
            "phone": values.get("phone"),
            "vat": values.get("vat"),
            "website": values.get("website"),
            "company_name": values.get("company_name") if values.get("name") else False,
        }
        found = self._dedup_find(lookup, limit=1) if lookup["name"] or lookup["email"] or lookup["phone"] else []
        if found:
            return self.browse(found[0][0])
        fallback = getattr(super(ResPartner, self), "_intake_find_partner", None)
        return fallback(values) if fallback else self.browse()

    @api.multi
    def action_dedup_merge(self):
        """Open the merge wizard on the selected contacts."""
        return self.env["contact.dedup.merge"].action_open(self)
