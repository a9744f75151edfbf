import collections
import csv
import datetime
import io
import logging

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.tools.safe_eval import safe_eval

from ..lib import scoring

try:
    from odoo.addons.queue_job.job import job
except ImportError:  # queue_job is optional: without it, every alert is sent right away
    def job(func=None, **_kwargs):
        return func if func else (lambda f: f)

_logger = logging.getLogger(__name__)

# written by the scoring engine itself: never a reason to re-score
SCORE_FIELDS = {"score", "score_fit", "score_engagement", "score_grid", "score_explanation", "priority",
                "temperature", "predictive_probability", "priority_manual"}
# the columns a re-score writes, in the order of the rows of ``_scoring_write_rows``
WRITTEN_FIELDS = ("score", "score_fit", "score_engagement", "score_grid", "score_explanation", "priority",
                  "temperature")

# above this many changed leads, scores go through COPY and a temporary table
BULK_ROWS = 2000
# above this many leads turned hot by a full recompute, the alerts go to queue jobs of this size
HOT_BATCH = 200
# the one waiting job that re-scores every lead after the rules changed
FULL_RECOMPUTE_JOB_KEY = "lead_scoring.full_recompute"

_SCORE_ASSIGNMENTS = ("score = v.score, score_fit = v.fit, score_engagement = v.engagement, score_grid = v.grid, "
                      "score_explanation = v.explanation, "
                      # a priority set by hand in the meantime stays
                      "priority = CASE WHEN lead.priority_manual THEN lead.priority ELSE v.priority END{temperature} ")
UPDATE_FROM_ARRAYS_SQL = (
    "UPDATE crm_lead AS lead SET " + _SCORE_ASSIGNMENTS
    + "FROM unnest(%s::int[], %s::int[], %s::float8[], %s::float8[], %s::varchar[], %s::text[], %s::varchar[], "
      "%s::varchar[]) AS v(id, score, fit, engagement, grid, explanation, priority, temperature) "
      "WHERE lead.id = v.id "
    # what was written, for the cache (a priority set by hand meanwhile stays)
    "RETURNING lead.id, lead.score, lead.score_fit, lead.score_engagement, lead.score_grid, "
    "lead.score_explanation, lead.priority{returned_temperature}")
UPDATE_FROM_BULK_SQL = ("UPDATE crm_lead AS lead SET " + _SCORE_ASSIGNMENTS
                        + "FROM lead_scoring_bulk AS v WHERE lead.id = v.id")

# ---------------------------------------------------------------- full recompute inside PostgreSQL
# The same maths as lib.scoring, set-based: every matched rule becomes a row of
# lead_scoring_factor (lead, rule, decayed points, event count), then one UPDATE sums
# them per lead, caps, scales, bands and explains, and writes the leads whose score changed.

FACTOR_TABLES_SQL = (
    "CREATE TEMP TABLE IF NOT EXISTS lead_scoring_rule_tmp (key int PRIMARY KEY, label text, grp varchar, "
    "points float8, half_life float8, company_id int, min_count int, label_rank int) ON COMMIT DROP; "
    "CREATE TEMP TABLE IF NOT EXISTS lead_scoring_factor (lead_id int, key int, points float8, hits int) "
    "ON COMMIT DROP; "
    "TRUNCATE lead_scoring_rule_tmp, lead_scoring_factor")
RULES_INSERT_SQL = (
    "INSERT INTO lead_scoring_rule_tmp SELECT * FROM unnest(%s::int[], %s::text[], %s::varchar[], %s::float8[], "
    "%s::float8[], %s::int[], %s::int[], %s::int[])")
# decay of lib.scoring: points halved every half-life, none without half-life or age
DECAY_SQL = "(CASE WHEN r.half_life > 0 AND {age} > 0 THEN power(0.5, {age} / r.half_life) ELSE 1.0 END)"
COMPANY_SQL = "(r.company_id IS NULL OR r.company_id = lead.company_id)"
LEAD_AGE_SQL = "(EXTRACT(EPOCH FROM (%s - lead.create_date)) / 86400.0)::float8"
PROFILE_STATIC_SQL = (
    "INSERT INTO lead_scoring_factor (lead_id, key, points, hits) "
    "SELECT lead.id, r.key, r.points * " + DECAY_SQL.format(age="lead.age") + ", 0 "
    "FROM (SELECT crm_lead.id, crm_lead.company_id, "
    + LEAD_AGE_SQL.replace("lead.", "crm_lead.") + " AS age, array_remove(ARRAY[{cases}], NULL) AS hits "
    "FROM crm_lead) AS lead "
    "CROSS JOIN LATERAL unnest(lead.hits) AS hit(key) "
    "JOIN lead_scoring_rule_tmp AS r ON r.key = hit.key WHERE " + COMPANY_SQL)
PROFILE_MATCHED_SQL = (
    "INSERT INTO lead_scoring_factor (lead_id, key, points, hits) "
    "SELECT lead.id, r.key, r.points * " + DECAY_SQL.format(age=LEAD_AGE_SQL) + ", 0 "
    "FROM unnest(%s::int[], %s::int[]) AS m(lead_id, key) JOIN crm_lead AS lead ON lead.id = m.lead_id "
    "JOIN lead_scoring_rule_tmp AS r ON r.key = m.key WHERE " + COMPANY_SQL)
# the time of an event for scoring: never later than when it was received, so that an event
# dated in the future (sent before events were refused for it) decays from its arrival instead
# of keeping its full weight until that date
EVENT_TIME_SQL = "LEAST(timestamp, COALESCE(create_date, timestamp))"
BEHAVIOUR_SQL = (
    "INSERT INTO lead_scoring_factor (lead_id, key, points, hits) "
    "SELECT lead.id, r.key, r.points * " + DECAY_SQL.format(age="u.age") + ", u.hits "
    "FROM (SELECT lead_id, ARRAY[{counts}] AS counts, ARRAY[{ages}] AS ages "
    # each rule's condition tested once per event (OFFSET 0 keeps the subquery from being
    # flattened, which would test it twice: once for the count, once for the newest event)
    "      FROM (SELECT lead_id, " + EVENT_TIME_SQL + " AS timestamp, {flags} FROM crm_lead_event "
    "            WHERE lead_id IS NOT NULL OFFSET 0) AS e "
    "      GROUP BY lead_id) AS agg "
    "CROSS JOIN LATERAL unnest(%s::int[], agg.counts, agg.ages) AS u(key, hits, age) "
    "JOIN crm_lead AS lead ON lead.id = agg.lead_id JOIN lead_scoring_rule_tmp AS r ON r.key = u.key "
    "WHERE u.hits > 0 AND u.hits >= r.min_count AND " + COMPANY_SQL)
# {temperature}: the temperature column (or NULL when no addon gives leads one)
STORE_SQL = """
WITH ordered AS (
    -- factors strongest first within the raising and the lowering ones of each lead; a factor
    -- rounded to 0 points is not shown (it would sort after every shown one of its side anyway)
    SELECT f.lead_id, f.points, r.grp,
           CASE WHEN round(f.points) <> 0 THEN
               CASE WHEN round(f.points) > 0 THEN '+' ELSE '' END || round(f.points)::int || ' ' || r.label
               || CASE WHEN f.hits > 1 THEN ' (' || %(times_before)s || f.hits || %(times_after)s || ')' ELSE '' END
           END AS line
      FROM lead_scoring_factor AS f JOIN lead_scoring_rule_tmp AS r ON r.key = f.key
     ORDER BY f.lead_id, f.points > 0 DESC, abs(f.points) DESC, r.label_rank
), lines AS (
    -- one pass over the sorted factors, no window: the lines of each side in order, in arrays
    SELECT lead_id,
           COALESCE(SUM(points) FILTER (WHERE grp = 'fit'), 0.0) AS fit,
           COALESCE(SUM(points) FILTER (WHERE grp = 'engagement'), 0.0) AS engagement,
           array_agg(line) FILTER (WHERE points > 0 AND line IS NOT NULL) AS raised,
           array_agg(line) FILTER (WHERE points <= 0 AND line IS NOT NULL) AS lowered
      FROM ordered
     GROUP BY lead_id
), sums AS (
    -- each side's first lines under its title: "Raised by:" first, then "Lowered by:"
    SELECT lead_id, fit, engagement,
           NULLIF(concat_ws(E'\\n', %(raised)s || E':\\n' || array_to_string(raised[1:%(limit)s], E'\\n'),
                            %(lowered)s || E':\\n' || array_to_string(lowered[1:%(limit)s], E'\\n')), '') AS explanation
      FROM lines
), capped AS MATERIALIZED (
    -- computed once per lead (inlined, each use below would compute it again)
    SELECT lead.id, lead.active, lead.score AS old_score, lead.score_fit AS old_fit,
           lead.score_engagement AS old_engagement, lead.score_grid AS old_grid,
           NULLIF(lead.score_explanation, '') AS old_explanation, lead.priority AS old_priority,
           COALESCE(lead.priority_manual, FALSE) AS manual,
           {temperature} AS old_temperature, s.explanation,
           LEAST(GREATEST(COALESCE(s.fit, 0.0), 0.0), c.fit_cap) AS fit,
           LEAST(GREATEST(COALESCE(s.engagement, 0.0), 0.0), c.engagement_cap) AS engagement,
           c.fit_cap, c.engagement_cap, c.hot, c.warm
      FROM crm_lead AS lead
      JOIN (SELECT id, COALESCE(lead_scoring_fit_cap, 50.0) AS fit_cap,
                   COALESCE(lead_scoring_engagement_cap, 50.0) AS engagement_cap,
                   COALESCE(lead_scoring_hot_threshold, 70.0) AS hot,
                   COALESCE(lead_scoring_warm_threshold, 40.0) AS warm
              FROM res_company) AS c ON c.id = COALESCE(lead.company_id, %(company_id)s)
      LEFT JOIN sums AS s ON s.lead_id = lead.id
), scored AS MATERIALIZED (
    SELECT *, round((fit + engagement) * (100.0 / (fit_cap + engagement_cap)))::int AS score FROM capped
), banded AS (
    SELECT *,
           CASE WHEN score >= hot THEN 'hot' WHEN score >= warm THEN 'warm' ELSE 'cold' END AS temperature,
           CASE WHEN COALESCE(old_score, 0) >= hot THEN 'hot' WHEN COALESCE(old_score, 0) >= warm THEN 'warm'
                ELSE 'cold' END AS old_band,
           CASE WHEN score >= hot THEN '3' WHEN score >= warm THEN '2'
                WHEN score > 0 AND score >= warm / 2.0 THEN '1' ELSE '0' END AS stars,
           substr('ABC', CASE WHEN fit_cap <= 0 THEN 3 WHEN fit / fit_cap >= 2.0 / 3.0 THEN 1
                              WHEN fit / fit_cap >= 1.0 / 3.0 THEN 2 ELSE 3 END, 1)
           || substr('123', CASE WHEN engagement_cap <= 0 THEN 3 WHEN engagement / engagement_cap >= 2.0 / 3.0 THEN 1
                                 WHEN engagement / engagement_cap >= 1.0 / 3.0 THEN 2 ELSE 3 END, 1) AS grid
      FROM scored
), new AS (
    SELECT *, round(fit::numeric, 2)::float8 AS fit_rounded, round(engagement::numeric, 2)::float8 AS eng_rounded,
           -- a temperature set by hand stays until the score crosses a threshold
           CASE WHEN COALESCE(old_temperature, '') <> '' AND old_score IS NOT NULL AND old_band = temperature
                THEN old_temperature ELSE temperature END AS new_temperature,
           -- a priority set by hand stays, and the explanation says what the score alone gives
           CASE WHEN manual THEN old_priority ELSE stars END AS new_priority,
           CASE WHEN manual THEN concat_ws(E'\\n', CASE stars WHEN '0' THEN %(manual_none)s
                                                         WHEN '1' THEN %(manual_one)s
                                                         ELSE %(manual_before)s || stars || %(manual_after)s END,
                                           explanation)
                ELSE explanation END AS new_explanation
      FROM banded
)
UPDATE crm_lead AS lead
   SET score = new.score, score_fit = new.fit_rounded, score_engagement = new.eng_rounded, score_grid = new.grid,
       score_explanation = new.new_explanation, priority = new.new_priority{set_temperature}
  FROM new
 WHERE lead.id = new.id
   AND (new.score, new.fit_rounded, new.eng_rounded, new.grid, new.new_explanation,
        new.new_priority{new_temperature})
       IS DISTINCT FROM (new.old_score, new.old_fit, new.old_engagement, new.old_grid, new.old_explanation,
                         new.old_priority{old_temperature})
RETURNING lead.id, (new.temperature = 'hot' AND new.active AND new.old_band <> 'hot'), {temperature_changed}
"""

CurrentScore = collections.namedtuple("CurrentScore", [
    "score", "score_fit", "score_engagement", "score_grid", "score_explanation", "priority", "temperature",
    "user_id", "active", "company_id", "settings", "priority_manual", "dependents"])


_Named = collections.namedtuple("_Named", ["label"])


class RuleSpec(object):
    """A rule ready for the engine: lib rule, parsed condition, company."""

    __slots__ = ("rule", "domain", "company_id", "sql")

    def __init__(self, rule, domain, company_id, sql=None):
        self.rule = rule
        self.domain = domain
        self.company_id = company_id
        # (where clause, params) when the condition's SQL never changes (plain fields of the lead)
        self.sql = sql


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The stars follow the score, so a recompute rewrites them on many leads. Stock crm
    # indexes them: a b-tree on four values that no query needs, which makes each of those
    # updates a non-HOT one writing into every index of crm_lead (18 on a full install).
    priority = fields.Selection(index=False)

    priority_manual = fields.Boolean(
        string="Priority Set by Hand",
        copy=False,
        track_visibility="onchange",
        help="Someone set the priority: scoring leaves it alone (the score explanation says what the "
             "score alone would give) until the priority is given back to scoring.",
    )
    # no index: scores change every day (decay), and an indexed column makes every
    # score UPDATE a non-HOT one writing an entry into each of crm_lead's indexes
    score = fields.Integer(
        readonly=True,
        copy=False,
        group_operator="avg",
        help="0 to 100: fit plus engagement, from the lead scoring rules.",
    )
    score_fit = fields.Float(
        string="Fit",
        readonly=True,
        copy=False,
        group_operator="avg",
        help="Points of the profile rules: how much the lead looks like a customer.",
    )
    score_engagement = fields.Float(
        string="Engagement",
        readonly=True,
        copy=False,
        group_operator="avg",
        help="Points of the behaviour rules: how interested the lead has shown to be.",
    )
    score_grid = fields.Char(
        string="Grid",
        readonly=True,
        copy=False,
        help="Fit letter (A best) and engagement digit (1 best), from A1 to C3.",
    )
    score_explanation = fields.Text(
        string="Why This Score (Stored)",
        readonly=True,
        copy=False,
        help="The reasons as written by the last scoring, in the language of whoever triggered it "
             "(for search and exports); the form shows them in the reader's language.",
    )
    score_explanation_display = fields.Text(
        string="Why This Score",
        compute="_compute_score_explanation_display",
        help="The rules that raise or lower the score, in the reader's language.",
    )
    predictive_probability = fields.Float(
        string="Predicted Win Chance (%)",
        readonly=True,
        copy=False,
        group_operator="avg",
        help="Learnt from the company's won and lost opportunities; "
             "only filled while that model ranks past leads better than the rules do.",
    )
    visitor_id = fields.Char(
        string="Website Visitor",
        copy=False,
        index=True,
        help="Anonymous visitor id of the tracking script: the visitor's past events join the lead.",
    )
    event_ids = fields.One2many(
        comodel_name="crm.lead.event",
        inverse_name="lead_id",
        string="Behaviour Events",
    )
    event_count = fields.Integer(
        string="Events",
        compute="_compute_event_count",
    )

    @api.model
    def _code_driven_fields(self):
        """The scores are the scoring engine's (SQL, as the superuser): no user writes them. The
        website visitor is the intake's (a visitor id signed for the company): written by hand,
        it would take another visitor's events, and their pages, into the lead."""
        return super(CrmLead, self)._code_driven_fields() | {
            "score", "score_fit", "score_engagement", "score_grid", "score_explanation", "predictive_probability",
            "visitor_id"}

    @api.depends("event_ids")
    def _compute_event_count(self):
        data = self.env["crm.lead.event"].read_group([("lead_id", "in", self.ids)], ["lead_id"], ["lead_id"])
        counts = {row["lead_id"][0]: row["lead_id_count"] for row in data}
        for lead in self:
            lead.event_count = counts.get(lead.id, 0)

    # ------------------------------------------------------------------ hooks

    @api.model
    def create(self, vals):
        lead = super(CrmLead, self).create(vals)
        if lead.visitor_id:
            lead._scoring_attach_visitor_events()
        if not self.env.context.get("lead_scoring_no_recompute"):
            # a lead just created has no events, unless its visitor's were just attached
            lead._scoring_recompute(with_events=bool(lead.visitor_id))
            lead._scoring_predict()
        return lead

    @api.multi
    def _scoring_predict(self):
        """The predicted win chance of these leads now, from their company's model in use
        (a new lead has it from its creation, not from the next training)."""
        default_company = self.env.user.company_id
        by_company = {}
        for lead in self:
            by_company.setdefault((lead.company_id or default_company).id, []).append(lead.id)
        for company_id, model_id in self._scoring_models_in_use():
            if company_id in by_company:
                self.env["lead.scoring.model"].sudo().browse(model_id)._apply(by_company[company_id])

    @api.model
    @tools.ormcache()
    def _scoring_models_in_use(self):
        """((company id, model id), ...) of the predictive models in use: asked for each new
        lead, kept per registry and cleared when a model is created, written or deleted."""
        self.env.cr.execute("SELECT company_id, id FROM lead_scoring_model WHERE in_use ORDER BY id")
        return tuple(self.env.cr.fetchall())

    @api.multi
    def write(self, vals):
        # scoring writes the priority in SQL: a priority written through the ORM (the stars
        # of the form or kanban card, RPC, import) is set by a person, and scoring keeps it
        if "priority" in vals and "priority_manual" not in vals:
            vals = dict(vals, priority_manual=True)
        result = super(CrmLead, self).write(vals)
        if self.env.context.get("lead_scoring_no_recompute"):
            return result
        if "partner_id" in vals or "visitor_id" in vals:
            self._scoring_follow_contact()
        # one re-score per write, once the events followed the contact: a change of
        # priority_manual makes the explanation say at once whether scoring keeps its
        # hands off the priority; a watched field may change the score
        if "priority_manual" in vals or (set(vals) - SCORE_FIELDS) & self._scoring_watched_fields():
            self._scoring_recompute()
        return result

    @api.model
    @tools.ormcache()
    def _scoring_watched_fields(self):
        """Lead fields whose change can change a score: those named in profile conditions.

        Asked at every write of a lead: kept per registry (all companies' rules), and
        cleared with the registry's caches when a scoring rule is created, written or
        deleted (``lead.scoring.rule``)."""
        watched = {"active", "company_id", "visitor_id"}
        for domain in self.env["lead.scoring.rule"].sudo().search([("rule_type", "=", "profile")]).mapped("domain"):
            try:
                for leaf in safe_eval(domain or "[]"):
                    if isinstance(leaf, (list, tuple)) and leaf and isinstance(leaf[0], str):
                        watched.add(leaf[0].split(".")[0])
            except Exception:  # a broken condition watches nothing; it is skipped when scoring
                continue
        return frozenset(watched)

    @api.multi
    def _scoring_attach_visitor_events(self):
        """Give the lead the events its visitor made before submitting a form; those still
        being recorded by a concurrent request join it once both are committed
        (``crm.lead.event._visitor_join_after_commit``)."""
        for lead in self.filtered("visitor_id"):
            # only the visitor's events sent to the lead's company
            self.env.cr.execute(
                "UPDATE crm_lead_event SET lead_id = %s, partner_id = %s "
                "WHERE visitor_id = %s AND lead_id IS NULL AND company_id = %s",
                (lead.id, lead.partner_id.id or None, lead.visitor_id,
                 lead.company_id.id or self.env.user.company_id.id))
        self.env["crm.lead.event"].invalidate_cache(["lead_id", "partner_id"])
        self.invalidate_cache(["event_ids", "event_count"], self.ids)
        self.env["crm.lead.event"]._visitor_join_after_commit(
            {(lead.visitor_id, lead.company_id.id) for lead in self.filtered("visitor_id")})

    @api.multi
    def _scoring_follow_contact(self):
        """Events stay with the contact the lead converts to."""
        if self.filtered("visitor_id"):
            self._scoring_attach_visitor_events()
        for lead in self:
            self.env.cr.execute("UPDATE crm_lead_event SET partner_id = %s WHERE lead_id = %s",
                                (lead.partner_id.id or None, lead.id))
        self.env["crm.lead.event"].invalidate_cache(["partner_id"])

    @api.model
    def _intake_score(self, vals, context):
        """The score is computed right after the create (``create``), where the lead's
        events and relational values can be read set-based; here the anonymous visitor id
        of the payload is kept so that the visitor's past events join the lead."""
        vals = super(CrmLead, self)._intake_score(vals, context)
        if context.get("visitor_id") and not vals.get("visitor_id"):
            vals["visitor_id"] = context["visitor_id"]
        company_id = context.get("company_id")
        if vals.get("visitor_id") and context.get("api_key") and company_id:
            # a website names only visitors this server handed out to its company: a made-up
            # id would take another visitor's events into the lead
            Event = self.env["crm.lead.event"].sudo()
            if not Event._visitor_valid(vals["visitor_id"], company_id):
                if context.get("channel") != "form":
                    Event._visitor_check(vals["visitor_id"], company_id)
                # a person's form is never refused for its hidden field: the lead comes
                # without the visitor (and without the visitor's past events)
                _logger.info("Website form lead: visitor id %r not handed out to company %s, left out",
                             vals["visitor_id"], company_id)
                vals = dict(vals, visitor_id=False)
        return vals

    @api.model
    def _intake_create_record(self, vals, context):
        """Scored in ``create``; the pipeline's own assign and notify steps follow, so a
        lead born hot needs no extra alert (and assignment rules already see its score)."""
        return super(CrmLead, self.with_context(lead_scoring_intake=True))._intake_create_record(vals, context)

    # ------------------------------------------------------------------ engine

    @api.model
    @tools.ormcache("self._context.get('lang')")
    def _scoring_cached_specs(self):
        """The active rules, compiled once per registry (cleared when a rule changes)."""
        specs = self._scoring_specs(self.env["lead.scoring.rule"].sudo().search([]))
        for spec in specs:
            spec.sql = self._scoring_static_sql(spec.domain)
        return tuple(specs)

    @api.model
    def _scoring_static_sql(self, domain):
        """(where, params) of a condition on the lead's own stored fields only, else None:
        a dotted path or a relational operator is resolved to ids when compiled, so
        its SQL would go stale and is compiled again on every scoring."""
        if domain is None:
            return None
        for leaf in domain:
            if not isinstance(leaf, (list, tuple)):
                continue
            if len(leaf) != 3 or not isinstance(leaf[0], str) or "." in leaf[0] or leaf[1] in ("child_of", "parent_of"):
                return None
            field = self._fields.get(leaf[0])
            if field is None or not field.store or field.type in ("one2many", "many2many"):
                return None
        try:
            from_clause, where_clause, params = self._where_calc(list(domain), active_test=False).get_sql()
        except Exception:  # a broken condition is reported (and skipped) when scoring
            return None
        if from_clause != '"crm_lead"':
            return None
        return where_clause or "TRUE", tuple(params)

    @api.model
    def _scoring_specs(self, rules=None):
        """Engine rules from ``lead.scoring.rule`` records (broken conditions left out);
        without ``rules``, the active rules from the cache."""
        if rules is None:
            return self._scoring_cached_specs()
        specs = []
        for rule in rules:
            domain = None
            if rule.rule_type == "profile":
                try:
                    domain = safe_eval(rule.domain or "[]")
                except Exception as error:  # never crash scoring on a bad condition
                    _logger.warning("Lead scoring rule %s skipped: %s", rule.id, error)
                    continue
            specs.append(RuleSpec(rule._to_lib_rule(), domain, rule.company_id.id or None))
        return specs

    @api.model
    def _scoring_compile_dynamic(self, specs):
        """Compile the profile conditions whose SQL may change (dotted paths, relational
        operators): ``([(spec, where, params)] of those on crm_lead alone, [other specs])``.
        A condition that does not compile any more is left out, with a warning."""
        inline, joined = [], []
        for spec in specs:
            if spec.domain is None:
                continue
            try:
                from_clause, where_clause, params = self._where_calc(list(spec.domain), active_test=False).get_sql()
            except Exception as error:  # a field removed since the rule was saved
                _logger.warning("Lead scoring rule %s skipped: %s", spec.rule.key, error)
                continue
            if from_clause == '"crm_lead"':
                inline.append((spec, where_clause or "TRUE", list(params)))
            else:
                joined.append(spec)
        return inline, joined

    @api.model
    def _scoring_profile_matches(self, specs, lead_ids):
        """{lead id: set of rule keys} for the profile rules, in as few queries as possible."""
        matches = {}
        combined = []
        cr = self.env.cr
        id_filter = "crm_lead.id = ANY(%s)" if lead_ids is not None else "TRUE"
        id_params = [list(lead_ids)] if lead_ids is not None else []
        for spec in specs:
            if spec.domain is None:
                continue
            try:
                query = self._where_calc(list(spec.domain), active_test=False)
                from_clause, where_clause, params = query.get_sql()
            except Exception as error:  # a field removed since the rule was saved
                _logger.warning("Lead scoring rule %s skipped: %s", spec.rule.key, error)
                continue
            if from_clause == '"crm_lead"':
                combined.append((spec, where_clause or "TRUE", params))
                continue
            try:
                with cr.savepoint():
                    cr.execute("SELECT crm_lead.id FROM %s WHERE (%s) AND %s" % (
                        from_clause, where_clause or "TRUE", id_filter), params + id_params)
                    for (lead_id,) in cr.fetchall():
                        matches.setdefault(lead_id, set()).add(spec.rule.key)
            except Exception as error:
                _logger.warning("Lead scoring rule %s skipped: %s", spec.rule.key, error)
        if combined:
            columns = ", ".join("COALESCE((%s), FALSE)" % where for _spec, where, _params in combined)
            params = [param for _spec, _where, spec_params in combined for param in spec_params]
            cr.execute("SELECT crm_lead.id, %s FROM crm_lead WHERE %s" % (columns, id_filter), params + id_params)
            keys = [spec.rule.key for spec, _where, _params in combined]
            for row in cr.fetchall():
                hit = {key for key, flag in zip(keys, row[1:]) if flag}
                if hit:
                    matches.setdefault(row[0], set()).update(hit)
        return matches

    @api.model
    def _scoring_behaviour_matches(self, specs, lead_ids, now):
        """{lead id: [(rule, count, age in days of the newest matching event)]}."""
        behaviour = [spec for spec in specs if spec.domain is None]
        if not behaviour:
            return {}
        columns, params = [], []
        for spec in behaviour:
            condition, condition_params = self._scoring_event_condition(spec.rule, now)
            columns.append("COUNT(*) FILTER (WHERE %s)" % condition)
            columns.append("EXTRACT(EPOCH FROM (%%s - MAX(%s) FILTER (WHERE %s))) / 86400.0"
                           % (EVENT_TIME_SQL, condition))
            params += condition_params + [now] + condition_params
        id_filter = "lead_id = ANY(%s)" if lead_ids is not None else "lead_id IS NOT NULL"
        self.env.cr.execute("SELECT lead_id, %s FROM crm_lead_event WHERE %s GROUP BY lead_id" % (
            ", ".join(columns), id_filter), params + ([list(lead_ids)] if lead_ids is not None else []))
        matches = {}
        for row in self.env.cr.fetchall():
            found = []
            for index, spec in enumerate(behaviour):
                count, age = row[1 + 2 * index], row[2 + 2 * index]
                if count and count >= spec.rule.min_count:
                    found.append((spec.rule, count, float(age or 0.0)))
            if found:
                matches[row[0]] = found
        return matches

    @api.model
    def _scoring_compute(self, lead_ids=None, specs=None, now=None, with_events=True):
        """Score leads set-based, without writing.

        :param lead_ids: ids to score (None: every lead, archived ones included, so that
            the won / lost history has scores to compare the predictive model with)
        :param specs: engine rules (default: the active rules)
        :return: {lead id: (LeadScore, current values dict)}
        """
        now = now or datetime.datetime.utcnow()
        specs = self._scoring_specs() if specs is None else specs
        cr = self.env.cr
        has_temperature = "temperature" in self._fields
        # the conditions on the lead's own columns are read with the leads themselves, in one
        # query: those with a fixed SQL as compiled once, the others compiled now (their ids
        # would go stale); conditions joining other tables get a query each
        static = [(spec, spec.sql[0], list(spec.sql[1])) for spec in specs if spec.domain is not None and spec.sql]
        inline, joined = self._scoring_compile_dynamic([spec for spec in specs if not spec.sql])
        static += inline
        columns = "".join(", COALESCE((%s), FALSE)" % where for _spec, where, _params in static)
        params = [param for _spec, _where, spec_params in static for param in spec_params]
        # and what the fields computed from the temperature hold, to write only those that change
        dependents = self._scoring_temperature_dependents() if has_temperature else []
        columns += "".join(', crm_lead."%s"' % field.name for field in dependents)
        cr.execute(
            "SELECT crm_lead.id, company_id, EXTRACT(EPOCH FROM (%%s - create_date)) / 86400.0, score, score_fit, "
            "score_engagement, score_grid, score_explanation, priority, %s, user_id, active, "
            "COALESCE(priority_manual, FALSE)%s FROM crm_lead %s" % (
                "temperature" if has_temperature else "NULL", columns,
                "WHERE crm_lead.id = ANY(%s)" if lead_ids is not None else ""),
            [now] + params + ([list(lead_ids)] if lead_ids is not None else []))
        rows = cr.fetchall()
        if not rows:
            return {}
        ids = [row[0] for row in rows] if lead_ids is not None else None
        profile = self._scoring_profile_matches(joined, ids) if joined else {}
        if static:
            keys = [spec.rule.key for spec, _where, _params in static]
            for row in rows:
                hit = {key for key, flag in zip(keys, row[13:13 + len(static)]) if flag}
                if hit:
                    profile.setdefault(row[0], set()).update(hit)
        leads = [row[:13] for row in rows]
        stored = {row[0]: dict(zip(dependents, row[13 + len(static):])) for row in rows} if dependents else {}
        behaviour = self._scoring_behaviour_matches(specs, ids, now) if with_events else {}
        profile_by_key = {spec.rule.key: spec.rule for spec in specs if spec.domain is not None}
        companies = {}
        results = {}
        for (lead_id, company_id, age, score, fit, engagement, grid, explanation, priority, temperature,
             user_id, active, priority_manual) in leads:
            if company_id not in companies:
                company = self.env["res.company"].browse(company_id) if company_id else self.env.user.company_id
                # rules of another company do not count
                allowed = {spec.rule.key for spec in specs if not spec.company_id or spec.company_id == company_id}
                companies[company_id] = (scoring.settings_with_defaults(company._lead_scoring_settings()), allowed)
            settings, allowed = companies[company_id]
            profile_rules = [profile_by_key[key] for key in profile.get(lead_id, ()) if key in allowed]
            met = [match for match in behaviour.get(lead_id, ()) if match[0].key in allowed]
            results[lead_id] = (scoring.score_matches(profile_rules, met, age, settings), CurrentScore(
                score, fit, engagement, grid, explanation, priority, temperature, user_id, active, company_id,
                settings, priority_manual, stored.get(lead_id, {})))
        return results

    @api.model
    def _scoring_labels(self):
        """The explanation's words, translated once per batch (not once per lead)."""
        return {"raised_label": _("Raised by"), "lowered_label": _("Lowered by"), "times_label": _("%d times")}

    @api.model
    def _scoring_manual_label(self, stars):
        """First line of the explanation of a lead whose priority was set by hand: what the
        score alone gives, ``stars`` ('0' to '3'; '%s' for the plural form with a blank)."""
        if stars == "0":
            return _("Priority set by hand, kept: the score alone gives no stars.")
        if stars == "1":
            return _("Priority set by hand, kept: the score alone gives 1 star.")
        return _("Priority set by hand, kept: the score alone gives %s stars.") % stars

    @api.multi
    def _scoring_explanations(self):
        """{lead id: why its score, in the words of this environment's language}.

        Rendered when read, not stored: the rules that count for the lead now (names in the
        reader's language), the stars said in the singular or the plural, and, when no rule
        gives points, why (no rule matches, no behaviour recorded yet). The stored
        ``score_explanation`` (the words of whoever triggered the last scoring) stays for
        search and exports."""
        lead_ids = [lead_id for lead_id in self.ids if isinstance(lead_id, int)]
        if not lead_ids:
            return {}
        results = self.sudo()._scoring_compute(lead_ids)
        keys = {factor.rule.key for result, _current in results.values() for factor in result.factors}
        rules = self.env["lead.scoring.rule"].sudo().with_context(active_test=False).browse(list(keys)).exists()
        names = {rule.id: rule.name for rule in rules}
        self.env.cr.execute("SELECT DISTINCT lead_id FROM crm_lead_event WHERE lead_id = ANY(%s)", (lead_ids,))
        with_events = {row[0] for row in self.env.cr.fetchall()}
        labels = self._scoring_labels()
        texts = {}
        for lead_id, (result, current) in results.items():
            factors = [scoring.Factor(_Named(names.get(factor.rule.key, factor.rule.label)), factor.points,
                                      factor.count) for factor in result.factors]
            lines = [self._scoring_manual_label(result.stars)] if current.priority_manual else []
            explanation = scoring.explain(factors, **labels)
            if explanation:
                lines.append(explanation)
            elif lead_id in with_events:
                lines.append(_("No scoring rule matches this lead: neither its profile nor its events "
                               "(page views, downloads, e-mails...) give points yet."))
            else:
                lines.append(_("No scoring rule matches this lead's profile, and no behaviour (page view, "
                               "download, e-mail...) was recorded for it yet."))
            texts[lead_id] = "\n".join(lines)
        return texts

    @api.depends("score", "score_explanation", "priority_manual", "event_ids")
    def _compute_score_explanation_display(self):
        leads = self
        if not self.env.context.get("lang"):
            # read over RPC without a context: in the reader's language, not the reasons in
            # the reader's and the rule names in the source's
            leads = self.with_context(lang=self.env.user.lang or "en_US")
        texts = leads._scoring_explanations()
        for lead in self:
            lead.score_explanation_display = texts.get(lead.id, False)

    @api.model
    def _scoring_store(self, results):
        """Write the scores that changed, set-based, and alert on leads turning hot.

        :return: the number of leads whose score changed
        """
        has_temperature = "temperature" in self._fields
        rows = []
        turned_hot = []
        labels = self._scoring_labels()
        explain = scoring.explain
        for lead_id, (result, current) in results.items():
            explanation = explain(result.factors, **labels) or None
            stars = result.stars
            if current.priority_manual:
                stars = current.priority
                explanation = "\n".join(
                    line for line in (self._scoring_manual_label(result.stars), explanation) if line)
            old_band = scoring.temperature(current.score or 0, current.settings)
            # a temperature set by hand (or by the qualification) stays until the score crosses a threshold
            temperature = result.temperature
            if has_temperature and current.temperature and current.score is not None \
                    and old_band == result.temperature:
                temperature = current.temperature
            new = (result.score, result.fit, result.engagement, result.grid, explanation, stars, temperature)
            old = (current.score, current.score_fit, current.score_engagement, current.score_grid,
                   current.score_explanation or None, current.priority,
                   current.temperature if has_temperature else temperature)
            if new != old:
                rows.append((lead_id,) + new)
            if result.temperature == "hot" and current.active and old_band != "hot":
                turned_hot.append(lead_id)
        if rows:
            written = self._scoring_write_rows(rows, has_temperature)
            self.invalidate_cache([name for name in WRITTEN_FIELDS if name in self._fields], [row[0] for row in rows])
            temperature_changed = [row[0] for row in rows if row[7] != results[row[0]][1].temperature] \
                if has_temperature else []
            stored = {lead_id: results[lead_id][1].dependents for lead_id in temperature_changed}
            self._scoring_temperature_written(temperature_changed, written, stored)
        if turned_hot and not self.env.context.get("lead_scoring_intake"):
            self.browse(turned_hot)._scoring_on_hot()
        return len(rows)

    @api.model
    def _scoring_write_rows(self, rows, has_temperature):
        """One UPDATE for all rows ``(id, score, fit, engagement, grid, explanation, stars, temperature)``:
        from arrays for a few leads, from a temporary table filled by COPY for many.

        :return: for a few leads, the rows as written (``WRITTEN_FIELDS``, without the
            temperature when leads have none), for the cache; None for many"""
        cr = self.env.cr
        if len(rows) < BULK_ROWS:
            columns = [list(column) for column in zip(*rows)]
            if has_temperature:
                cr.execute(UPDATE_FROM_ARRAYS_SQL.replace("{temperature}", ", temperature = v.temperature")
                           .replace("{returned_temperature}", ", lead.temperature"), columns)
            else:
                cr.execute(UPDATE_FROM_ARRAYS_SQL.replace("{temperature}", "").replace("{returned_temperature}", ""),
                           columns)
            return cr.fetchall()
        cr.execute("CREATE TEMP TABLE IF NOT EXISTS lead_scoring_bulk (id int, score int, fit float8, "
                   "engagement float8, grid varchar, explanation text, priority varchar, temperature varchar) "
                   "ON COMMIT DROP")
        cr.execute("TRUNCATE lead_scoring_bulk")
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        buffer.seek(0)
        cr._obj.copy_expert("COPY lead_scoring_bulk FROM STDIN WITH (FORMAT csv)", buffer)
        cr.execute("ANALYZE lead_scoring_bulk")
        if has_temperature:
            cr.execute(UPDATE_FROM_BULK_SQL.replace("{temperature}", ", temperature = v.temperature"))
        else:
            cr.execute(UPDATE_FROM_BULK_SQL.replace("{temperature}", ""))
        cr.execute("TRUNCATE lead_scoring_bulk")
        return None

    @api.multi
    def _scoring_on_hot(self):
        """Leads turned hot: unassigned ones go through the crm_leads assignment rules
        (when the company says so), then each salesperson gets a "call now" to-do."""
        leads = self.sudo().filtered("active")
        unassigned = leads.filtered(lambda lead: not lead.user_id and (
            lead.company_id or self.env.user.company_id).lead_scoring_assign_hot)
        if unassigned and hasattr(unassigned, "_intake_assign"):
            unassigned._intake_assign({"channel": "scoring"})
        # each salesperson reads the to-do and its reasons in their own language
        by_lang = collections.OrderedDict()
        for lead in leads.filtered("user_id"):
            by_lang.setdefault(lead.user_id.lang or self.env.lang, []).append(lead.id)
        for lang, lead_ids in by_lang.items():
            leads.browse(lead_ids).with_context(lang=lang)._scoring_hot_activities()

    @api.multi
    def _scoring_hot_activities(self):
        """The "call now" to-dos of these hot leads, in the language of the environment."""
        activity_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        model = self.env["ir.model"].sudo()._get("crm.lead")
        notes = self._scoring_explanations()
        for lead in self:
            self.env["mail.activity"].sudo().create({
                "res_model_id": model.id,
                "res_id": lead.id,
                "activity_type_id": activity_type.id if activity_type else False,
                "summary": _("Hot lead: call now (score %d)") % lead.score,
                "note": notes.get(lead.id) or lead.score_explanation or "",
                "user_id": lead.user_id.id,
                "date_deadline": fields.Date.context_today(lead),
            })

    @api.multi
    def _scoring_recompute(self, with_events=True):
        """Re-score these leads now (cheap: three or four queries whatever their number)."""
        if not self.ids:
            return 0
        return self._scoring_store(self._scoring_compute(self.ids, with_events=with_events))

    @api.model
    def _scoring_recompute_all(self):
        """Re-score every lead inside PostgreSQL; also the daily cron (decay makes scores fade).
        The leads turned hot are alerted: right away when they are few, else by queue jobs."""
        changed, turned_hot = self._scoring_recompute_sql()
        if turned_hot and not self.env.context.get("lead_scoring_intake"):
            self._scoring_alert_hot(turned_hot)
        return changed

    @api.model
    def _scoring_alert_hot(self, lead_ids):
        """Alert the leads turned hot; with queue_job, many of them in jobs of ``HOT_BATCH``."""
        use_jobs = len(lead_ids) > HOT_BATCH and "queue.job" in self.env \
            and not self.env.context.get("lead_scoring_no_job")
        if not use_jobs:
            self.browse(lead_ids)._scoring_on_hot()
            return
        for index in range(0, len(lead_ids), HOT_BATCH):
            chunk = self.browse(lead_ids[index:index + HOT_BATCH])
            chunk.with_delay(description=_("Alert the salespeople of %d leads turned hot") % len(chunk)
                             )._job_scoring_on_hot()

    @api.multi
    @job(default_channel="root")
    def _job_scoring_on_hot(self):
        """Queue job: alert the leads of the batch that are still hot."""
        leads = self.sudo().exists().filtered(lambda lead: lead.score >= (
            lead.company_id or self.env.user.company_id).lead_scoring_hot_threshold)
        leads._scoring_on_hot()
        return len(leads)

    @api.model_cr
    def init(self):
        # Room in each page of crm_lead for the new version of a re-scored lead, so that the
        # recompute's UPDATE is a HOT one (no index entry written). Pages written from now on;
        # older ones get it as rows are updated and vacuumed.
        self.env.cr.execute("ALTER TABLE crm_lead SET (fillfactor = 70)")

    @api.model
    def _scoring_recompute_sql(self, now=None):
        """Re-score every lead inside PostgreSQL (the full recompute of large bases): the
        matched rules become rows of a temporary table, and one UPDATE sums, caps, bands and
        explains them, writing only the leads whose score changed. The same maths as
        ``_scoring_compute`` (``lib.scoring``), without bringing a lead into Python.

        :return: (number of leads whose score changed, ids of the active leads turned hot)
        """
        now = now or datetime.datetime.utcnow()
        cr = self.env.cr
        specs = self._scoring_specs()
        profile = [spec for spec in specs if spec.domain is not None]
        behaviour = [spec for spec in specs if spec.domain is None]
        # sorting the explanations of every lead: in memory, not on disk (for this transaction only)
        cr.execute("SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)")
        cr.execute(FACTOR_TABLES_SQL)
        if specs:
            rules = [spec.rule for spec in specs]
            ranks = {label: rank for rank, label in enumerate(sorted({rule.label for rule in rules}))}
            cr.execute(RULES_INSERT_SQL, [
                [rule.key for rule in rules], [rule.label for rule in rules], [rule.group for rule in rules],
                [rule.points for rule in rules], [rule.half_life for rule in rules],
                [spec.company_id for spec in specs], [rule.min_count for rule in rules],
                # explanations list equal points by label, in code point order (as Python sorts)
                [ranks[rule.label] for rule in rules]])
        static = [spec for spec in profile if spec.sql]
        if static:
            cases = ", ".join("CASE WHEN COALESCE((%s), FALSE) THEN %d END" % (spec.sql[0], spec.rule.key)
                              for spec in static)
            cr.execute(PROFILE_STATIC_SQL.replace("{cases}", cases),
                       [now] + [param for spec in static for param in spec.sql[1]])
        dynamic = [spec for spec in profile if not spec.sql]
        if dynamic:
            matches = self._scoring_profile_matches(dynamic, None)
            pairs = [(lead_id, key) for lead_id, keys in matches.items() for key in keys]
            if pairs:
                cr.execute(PROFILE_MATCHED_SQL, [now, now, [pair[0] for pair in pairs], [pair[1] for pair in pairs]])
        if behaviour:
            flags, counts, ages, flag_params = [], [], [], []
            for index, spec in enumerate(behaviour):
                condition, params = self._scoring_event_condition(spec.rule, now)
                flags.append("COALESCE((%s), FALSE) AS m%d" % (condition, index))
                flag_params += params
                counts.append("COUNT(*) FILTER (WHERE e.m%d)" % index)
                ages.append("(EXTRACT(EPOCH FROM (%%s - MAX(e.timestamp) FILTER (WHERE e.m%d))) / 86400.0)::float8"
                            % index)
            cr.execute(BEHAVIOUR_SQL.replace("{counts}", ", ".join(counts)).replace("{ages}", ", ".join(ages))
                       .replace("{flags}", ", ".join(flags)),
                       [now] * len(behaviour) + flag_params + [[spec.rule.key for spec in behaviour]])
        cr.execute("ANALYZE lead_scoring_factor")
        has_temperature = "temperature" in self._fields
        labels = self._scoring_labels()
        times_before, _sep, times_after = labels["times_label"].partition("%d")
        manual_before, _sep, manual_after = self._scoring_manual_label("%s").partition("%s")
        cr.execute(STORE_SQL.format(
            temperature="lead.temperature" if has_temperature else "NULL::varchar",
            set_temperature=", temperature = new.new_temperature" if has_temperature else "",
            new_temperature=", new.new_temperature" if has_temperature else "",
            old_temperature=", new.old_temperature" if has_temperature else "",
            temperature_changed="new.new_temperature IS DISTINCT FROM new.old_temperature"
            if has_temperature else "FALSE",
        ), {"times_before": times_before, "times_after": times_after, "limit": 5,
            "manual_before": manual_before, "manual_after": manual_after,
            "manual_none": self._scoring_manual_label("0"), "manual_one": self._scoring_manual_label("1"),
            "raised": labels["raised_label"], "lowered": labels["lowered_label"],
            "company_id": self.env.user.company_id.id})
        rows = cr.fetchall()
        cr.execute("TRUNCATE lead_scoring_rule_tmp, lead_scoring_factor")
        changed = [row[0] for row in rows]
        if changed:
            self.invalidate_cache(list(SCORE_FIELDS & set(self._fields)), changed)
            self._scoring_temperature_written([row[0] for row in rows if row[2]])
        return len(changed), [row[0] for row in rows if row[1]]

    @api.model
    def _scoring_temperature_dependents(self):
        """The stored fields of the lead computed from its own temperature."""
        return sorted({field for field, _path in self._field_triggers[self._fields["temperature"]]
                       if field.model_name == self._name and field.store and field.compute and field.column_type},
                      key=lambda field: field.name)

    @api.model
    def _scoring_temperature_written(self, lead_ids, written=None, stored=None):
        """The engine writes temperatures in SQL: the stored fields that depend on them (the
        lead's *Qualified* flag of crm_leads, and any other addon's) are recomputed now.

        :param written: rows ``(id, score, ...)`` as ``_scoring_write_rows`` returns them: put
            in the cache first, so that the recompute (and whatever reads the lead next, such
            as the intake's assignment rules) does not read the whole lead again
        :param stored: {lead id: {field: value in the database}} of the fields computed from
            the temperature, read with the scores: one whose value stays is not written again"""
        leads = self.browse(lead_ids)
        cache = self.env.cache
        stored = stored or {}
        dependents = {field for values in stored.values() for field in values}
        # values waiting for a recompute are not what the database holds
        before = {(field, lead.id): field.convert_to_cache(stored[lead.id][field], lead, validate=False)
                  for lead in leads for field in stored.get(lead.id, ()) if not self.env.check_todo(field, lead)}
        if lead_ids:
            leads.modified(["temperature"])
        if written:
            self._scoring_cache_written(written)
        for field in dependents:
            group = self._field_computed.get(field) or [field]
            candidates = leads.filtered(lambda lead: all(
                (member, lead.id) in before and self.env.check_todo(member, lead) for member in group))
            if not candidates:
                continue
            # computed in the cache only; what differs from the database is written by the recompute
            field.compute_value(candidates)
            for lead in candidates:
                if all(cache.get_value(lead, member) == before[member, lead.id] for member in group):
                    for member in group:
                        lead._recompute_done(member)
        if lead_ids:
            leads.recompute()

    @api.model
    def _scoring_cache_written(self, written):
        """Put the scores just written in SQL into the cache (of this user and of the superuser)."""
        names = [name for name in WRITTEN_FIELDS if name in self._fields]
        fields_ = [self._fields[name] for name in names]
        for model in (self, self.sudo()) if self.env.uid != SUPERUSER_ID else (self,):
            for row in written:
                lead = model.browse(row[0])
                for field, value in zip(fields_, row[1:]):
                    model.env.cache.set(lead, field, field.convert_to_cache(value, lead, validate=False))

    @api.model
    def _scoring_event_condition(self, rule, now):
        """(SQL condition, params) on crm_lead_event of the events a behaviour rule counts."""
        conditions, params = ["TRUE"], []
        if rule.event_type:
            conditions.append("event_type = %s")
            params.append(rule.event_type)
        if rule.url_pattern:
            conditions.append("url ILIKE %s")
            params.append(scoring.url_like(rule.url_pattern))
        if rule.window_days:
            conditions.append(EVENT_TIME_SQL + " >= %s")
            params.append(now - datetime.timedelta(days=rule.window_days))
        return " AND ".join(conditions), params

    @api.model
    def _scoring_schedule_full_recompute(self):
        """Rules changed: every score may change. With queue_job, every lead is re-scored by
        a background job (one waiting at a time, however many rules are saved), not in the
        request of the manager who saved the rule; without queue_job, at once.
        ``lead_scoring_no_recompute`` in the context skips it (loading many rules at once),
        ``lead_scoring_recompute_now`` runs it at once."""
        if self.env.context.get("lead_scoring_no_recompute"):
            return 0
        if "queue.job" in self.env and not self.env.context.get("lead_scoring_recompute_now"):
            self.with_delay(description=_("Re-score every lead: the scoring rules changed"),
                            identity_key=FULL_RECOMPUTE_JOB_KEY)._job_scoring_recompute_all()
            return 0
        return self._scoring_recompute_all()

    @api.model
    @job(default_channel="root")
    def _job_scoring_recompute_all(self):
        """Queue job: re-score every lead (the scoring rules changed)."""
        return self._scoring_recompute_all()

    @api.model
    def _scoring_preview_rule(self, rule):
        """What saving ``rule`` (maybe unsaved, maybe edited) would do to the open leads."""
        rules = self.env["lead.scoring.rule"].sudo().search([])
        origin = getattr(rule, "_origin", None)
        edited_id = rule.id if isinstance(rule.id, int) else (origin.id if origin else None)
        others = rules.filtered(lambda r: r.id != edited_id)
        specs = self._scoring_specs(others)
        if rule.active:
            lib_rule = rule._to_lib_rule()
            lib_rule.key = "preview"
            domain = None
            if rule.rule_type == "profile":
                domain = rule._parse_domain(rule.domain)
            specs.append(RuleSpec(lib_rule, domain, rule.company_id.id or None))
        self.env.cr.execute("SELECT id FROM crm_lead WHERE active")
        open_ids = [row[0] for row in self.env.cr.fetchall()]
        before = self._scoring_compute(open_ids)
        after = self._scoring_compute(open_ids, specs=specs)
        preview = {"total": len(open_ids), "matched": 0, "changed": 0, "raised": 0, "lowered": 0,
                   "hot_before": 0, "hot_after": 0, "warm_before": 0, "warm_after": 0}
        for lead_id, (result, _current) in after.items():
            old = before[lead_id][0]
            if any(factor.rule.key == "preview" for factor in result.factors):
                preview["matched"] += 1
            if result.score != old.score:
                preview["changed"] += 1
                preview["raised" if result.score > old.score else "lowered"] += 1
            for name, value in (("before", old.temperature), ("after", result.temperature)):
                if value in ("hot", "warm"):
                    preview["%s_%s" % (value, name)] += 1
        return preview

    @api.model
    def _scoring_rule_impact(self, rules):
        """{rule id: (won rate % of the closed leads it matches, lift over all closed leads)}."""
        self.env.cr.execute(
            "SELECT id, (active AND probability >= 100) FROM crm_lead "
            "WHERE (active AND probability >= 100) OR (NOT active AND probability = 0)")
        closed = dict(self.env.cr.fetchall())
        if not closed:
            return {}
        base_rate = sum(1 for won in closed.values() if won) / float(len(closed))
        specs = self._scoring_specs(rules.filtered("id"))
        results = self._scoring_compute(list(closed), specs=specs)
        impact = {}
        for rule in rules.filtered("id"):
            matched = [lead_id for lead_id, (result, _c) in results.items()
                       if any(factor.rule.key == rule.id for factor in result.factors)]
            if not matched:
                impact[rule.id] = (0.0, 0.0)
                continue
            rate = sum(1 for lead_id in matched if closed[lead_id]) / float(len(matched))
            impact[rule.id] = (round(100.0 * rate, 1), round(rate / base_rate, 2) if base_rate else 0.0)
        return impact

    @api.multi
    def action_priority_to_scoring(self):
        """Give the priority back to scoring: the stars follow the score again, from now."""
        self.write({"priority_manual": False})
        return True

    @api.multi
    def action_scoring_recompute(self):
        self._scoring_recompute()
        return True
