from contextlib import contextmanager

import psycopg2

from odoo import api, fields, models

from .. import access_guard
from ..lib import assignment

#: seconds a request waits for the turns of its rules (a turn is held for milliseconds)
TURN_LOCK_TIMEOUT = 5
LOCK_NOT_AVAILABLE = "55P03"
# NO KEY UPDATE: leads being created with the rule (a foreign key) do not block it
TURNS_LOCK_SQL = ("SELECT id, last_user_id FROM crm_lead_assignment_rule WHERE id IN %s "
                  "ORDER BY id FOR NO KEY UPDATE")
#: first key of the advisory locks that mark a request's round-robin turns as in flight
TURN_LOCK_NAMESPACE = 0x4C324301
#: the round-robin turns handed out by the short transactions, and the requests that used
#: theirs (see ``_assignment_turns``); plain tables: nobody reads them through the ORM
TURN_LEDGER_SQL = """
CREATE SEQUENCE IF NOT EXISTS crm_lead_assignment_turn_token_seq;
CREATE TABLE IF NOT EXISTS crm_lead_assignment_turn (
    id serial PRIMARY KEY,
    rule_id integer NOT NULL REFERENCES crm_lead_assignment_rule (id) ON DELETE CASCADE,
    user_id integer NOT NULL,
    token bigint NOT NULL,
    create_date timestamp NOT NULL DEFAULT (now() at time zone 'UTC'));
CREATE INDEX IF NOT EXISTS crm_lead_assignment_turn_rule_idx ON crm_lead_assignment_turn (rule_id);
CREATE TABLE IF NOT EXISTS crm_lead_assignment_turn_done (token bigint PRIMARY KEY);
"""


class CrmLeadAssignmentRule(models.Model):
    _name = "crm.lead.assignment.rule"
    _description = "Lead assignment rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Rules are tried in this order; the first that matches wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, ondelete="cascade")
    # conditions (empty: any)
    country_ids = fields.Many2many("res.country", string="Countries")
    zip_prefixes = fields.Char(help="Comma-separated zip prefixes, for example 75, 92, 93.")
    tag_ids = fields.Many2many("crm.lead.tag", string="Tags", help="The lead has at least one of these tags.")
    source_ids = fields.Many2many("utm.source", string="Sources")
    lang_codes = fields.Char(string="Languages", help="Comma-separated language codes, for example fr, en_US.")
    # distribution
    distribution = fields.Selection(
        [("round_robin", "Round Robin"), ("load", "By Load"), ("weight", "By Weight")],
        default="round_robin",
        required=True,
        help="Round robin: each salesperson in turn. By load: the one with the fewest open leads. "
             "By weight: in proportion to each salesperson's weight.",
    )
    member_ids = fields.One2many("crm.lead.assignment.member", "rule_id", string="Salespeople", copy=True)
    max_open_leads = fields.Integer(
        string="Maximum Open Leads",
        help="A salesperson holding this many open leads and opportunities gets no more (0: no limit).",
    )
    last_user_id = fields.Many2one("res.users", readonly=True, copy=False, string="Last Assigned To")
    lead_count = fields.Integer(compute="_compute_lead_count", string="Leads")

    @api.model
    def create(self, vals):
        access_guard.check_code_fields(self, vals, ("last_user_id",))
        access_guard.check_links(self, vals, ("team_id", "company_id"))
        return super(CrmLeadAssignmentRule, self).create(vals)

    @api.multi
    def write(self, vals):
        # whose turn it is: moved by the assignment only (``_assignment_turns``)
        access_guard.check_code_fields(self, vals, ("last_user_id",))
        access_guard.check_links(self, vals, ("team_id", "company_id"))
        return super(CrmLeadAssignmentRule, self).write(vals)

    @api.model_cr
    def init(self):
        self.env.cr.execute(TURN_LEDGER_SQL)

    @api.multi
    def _compute_lead_count(self):
        groups = self.env["crm.lead"].read_group([("intake_rule_id", "in", self.ids)], ["intake_rule_id"],
                                                 ["intake_rule_id"])
        counts = {group["intake_rule_id"][0]: group["intake_rule_id_count"] for group in groups}
        for rule in self:
            rule.lead_count = counts.get(rule.id, 0)

    def _matches(self, lead):
        """True when this rule's conditions hold for ``lead`` (one rule, one lead).

        Other addons extend it with ``super()`` (lead_scoring adds a score range)."""
        self.ensure_one()
        if self.company_id and lead.company_id and self.company_id != lead.company_id:
            return False
        if self.country_ids and lead.country_id not in self.country_ids:
            return False
        if not assignment.matches_zip(lead.zip, self.zip_prefixes):
            return False
        if self.tag_ids and not (self.tag_ids & lead.tag_ids):
            return False
        if self.source_ids and lead.source_id not in self.source_ids:
            return False
        if self.lang_codes:
            codes = [code.strip().lower() for code in self.lang_codes.split(",") if code.strip()]
            lang = (lead.intake_lang or "").lower()
            if not lang or not any(lang == code or lang.startswith(code + "_") for code in codes):
                return False
        return True

    @api.model
    def _open_lead_counts(self, user_ids):
        """{user id: open leads and opportunities} in one query."""
        if not user_ids:
            return {}
        # what a read_group of the leads (sudo) counts, without its reading of the users' names:
        # this runs for every request a rule assigns (Odoo 11 writes at once: nothing to flush)
        self.env.cr.execute("SELECT user_id, count(*) FROM crm_lead WHERE user_id IN %s AND probability < 100 "
                            "AND active GROUP BY user_id", (tuple(user_ids),))
        return dict(self.env.cr.fetchall())

    def _pick_user(self, exclude=()):
        """The salesperson who gets the next lead of this rule (empty when all are full)."""
        with self._assignment_turns(exclude) as states:
            user_id = self._assignment_next(states[self])
        return self.env["res.users"].browse(user_id)

    def _assignment_state(self, exclude=()):
        """Read, once and without any lock, what choosing this rule's salespeople needs
        (whose turn it is comes from ``_assignment_turns``)."""
        self.ensure_one()
        members = [(member.user_id.id, member.weight) for member in self.member_ids if member.user_id.active]
        user_ids = [user_id for user_id, _weight in members]
        rule_counts = {}
        if self.distribution == "weight":
            groups = self.env["crm.lead"].sudo().with_context(active_test=False).read_group(
                [("intake_rule_id", "=", self.id), ("user_id", "in", user_ids)], ["user_id"], ["user_id"])
            rule_counts = {group["user_id"][0]: group["user_id_count"] for group in groups}
        return {"members": members, "open_counts": self._open_lead_counts(user_ids), "rule_counts": rule_counts,
                "last_user_id": None, "exclude": tuple(exclude or ())}

    @contextmanager
    def _assignment_turns(self, exclude=()):
        """Yield ``{rule: state}`` for these rules, each state holding whose turn it is, and
        keep the turns the caller moved (with ``_assignment_next``) for the next request.

        The turns are read and moved in a short transaction of their own, which locks the
        rules' rows (all at once, in id order) only while the caller picks the salespeople
        and commits at once: concurrent requests take turns one after the other instead of
        holding the rule until they commit, and none of them fails on a concurrent update of
        the rule (the request's own transaction never writes the rule). A rule this
        transaction created (not visible yet to another one), a rule this transaction
        changed (found after ``TURN_LOCK_TIMEOUT`` seconds), and a database in test mode
        have their turn moved in the request's own transaction instead.

        A turn moved in the short transaction is committed before the request's; when the
        request then fails (rolled back, retried by Odoo after a serialization failure, its
        process killed), its salesperson would lose that turn for good. So each turn given
        is written down with the request's token, which the request's transaction holds an
        advisory lock on and marks as used when it commits: a turn whose token is unlocked
        and unused belongs to a request that ended without its lead, and the next request
        gives it to the same salesperson (``_assignment_next``)."""
        rules = self.sudo().sorted("id")
        states = {rule: rule._assignment_state(exclude) for rule in rules}
        side, turns, token, returned = None, {}, None, {}
        if rules and self.pool.test_cr is None:
            side = self.pool.cursor()
        try:
            if side is not None:
                token = self._turn_token()
                try:
                    side.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    # a row this request's transaction changed would wait for it forever
                    side.execute("SET LOCAL lock_timeout = '%ds'" % TURN_LOCK_TIMEOUT)
                    side.execute(TURNS_LOCK_SQL, (tuple(rules.ids),))
                    turns = dict(side.fetchall())
                except psycopg2.OperationalError as error:
                    if error.pgcode != LOCK_NOT_AVAILABLE:
                        raise
                    side.rollback()
                    turns = {}
                counted = [rule for rule in rules if rule.id in turns]
                for _attempt in range(5):
                    running, running_tokens = {}, []
                    returned = self._returned_turns(side, list(turns), running, running_tokens) if turns else {}
                    self._shares_now(side, counted, states, running)
                    # a request that committed between the two reads had its lead counted
                    # twice (running, then committed): read again until none ended between
                    if not any(self._token_ended(side, token) for token in running_tokens):
                        break
            own = [rule_id for rule_id in rules.ids if rule_id not in turns]
            if own:
                self.env.cr.execute(TURNS_LOCK_SQL, (tuple(own),))
                own_turns = dict(self.env.cr.fetchall())
            else:
                own_turns = {}
            for rule, state in states.items():
                state["last_user_id"] = turns[rule.id] if rule.id in turns else own_turns.get(rule.id)
                state["returned"] = returned.get(rule.id, []) if rule.id in turns else []
                state["given"], state["taken_back"] = [], []
            before = {rule: state["last_user_id"] for rule, state in states.items()}
            yield states
            ledger = False
            for rule, state in states.items():
                cr = side if rule.id in turns else self.env.cr
                if state["last_user_id"] and state["last_user_id"] != before[rule]:
                    cr.execute("UPDATE crm_lead_assignment_rule SET last_user_id = %s WHERE id = %s",
                               (state["last_user_id"], rule.id))
                stale = tuple(turn_id for turn_id, user_id in state["returned"]
                              if rule.distribution != "round_robin"
                              or user_id not in [member_id for member_id, _weight in state["members"]])
                if stale:
                    side.execute("DELETE FROM crm_lead_assignment_turn WHERE id IN %s", (stale,))
                if rule.id in turns and (state["given"] or state["taken_back"]):
                    ledger = True
                    if state["taken_back"]:
                        side.execute("UPDATE crm_lead_assignment_turn SET token = %s WHERE id IN %s",
                                     (token, tuple(state["taken_back"])))
                    if state["given"]:
                        side.execute("INSERT INTO crm_lead_assignment_turn (rule_id, user_id, token) "
                                     "SELECT %s, unnest(%s::int[]), %s", (rule.id, state["given"], token))
            if ledger:
                # committed with the request: its turns were used
                self.env.cr.execute("INSERT INTO crm_lead_assignment_turn_done (token) VALUES (%s)", (token,))
            if side is not None:
                side.commit()
            rules.invalidate_cache(["last_user_id"], rules.ids)
        finally:
            if side is not None:
                side.close()

    @api.model
    def _turn_token(self):
        """A new token for this request's turns, locked until its transaction ends."""
        cr = self.env.cr
        cr.execute("SELECT nextval('crm_lead_assignment_turn_token_seq')")
        token = cr.fetchone()[0]
        cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (TURN_LOCK_NAMESPACE, token % 2147483647))
        return token

    @api.model
    def _shares_now(self, side, rules, states, running):
        """'By weight' and 'by load' rules, and round robin rules with a cap ("Maximum Open
        Leads"): count what each salesperson holds now, in the short transaction ``side``
        that holds the rules' rows: the leads committed so far
        plus the leads given by requests still running (``running``: ``{rule id: [user
        id]}`` of their turns). The counts read in the request's own snapshot miss both, and
        concurrent requests would all give their lead to the same salesperson."""
        for rule in rules:
            state = states[rule]
            # round robin needs the counts only for its cap ("Maximum Open Leads")
            if rule.distribution not in ("weight", "load") and not rule.max_open_leads:
                continue
            user_ids = [user_id for user_id, _weight in state["members"]]
            if not user_ids:
                continue
            in_flight = {}
            for user_id in running.get(rule.id, []):
                in_flight[user_id] = in_flight.get(user_id, 0) + 1
            side.execute("SELECT user_id, count(*) FROM crm_lead WHERE user_id = ANY(%s) AND active "
                         "AND probability < 100 GROUP BY user_id", (user_ids,))
            state["open_counts"] = {user_id: count + in_flight.get(user_id, 0) for user_id, count in side.fetchall()}
            for user_id, count in in_flight.items():
                state["open_counts"].setdefault(user_id, count)
            if rule.distribution == "weight":
                side.execute("SELECT user_id, count(*) FROM crm_lead WHERE intake_rule_id = %s "
                             "AND user_id = ANY(%s) GROUP BY user_id", (rule.id, user_ids))
                state["rule_counts"] = {user_id: count + in_flight.get(user_id, 0)
                                        for user_id, count in side.fetchall()}
                for user_id, count in in_flight.items():
                    state["rule_counts"].setdefault(user_id, count)

    @api.model
    def _token_ended(self, side, turn_token):
        """Whether the request that holds ``turn_token`` has ended (its lock is free)."""
        side.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (TURN_LOCK_NAMESPACE, turn_token % 2147483647))
        return side.fetchone()[0]

    @api.model
    def _returned_turns(self, side, rule_ids, running=None, running_tokens=None):
        """``{rule id: [(turn id, user id)]}``: the turns of these rules that a request took
        and never used (its transaction ended without marking its token as used), oldest
        first. Read in the short transaction ``side``, which holds the rules' rows; the turns
        of used tokens are forgotten there. The turns of requests still running are added to
        ``running`` (``{rule id: [user id]}``) when given."""
        side.execute("SELECT token, array_agg(id ORDER BY id), array_agg(rule_id ORDER BY id), "
                     "array_agg(user_id ORDER BY id) FROM crm_lead_assignment_turn WHERE rule_id IN %s "
                     "GROUP BY token ORDER BY min(id)", (tuple(rule_ids),))
        returned, forget, tokens_done = {}, [], []
        for turn_token, turn_ids, turn_rule_ids, user_ids in side.fetchall():
            side.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                         (TURN_LOCK_NAMESPACE, turn_token % 2147483647))
            if not side.fetchone()[0]:
                # its request is still running
                if running is not None:
                    for rule_id, user_id in zip(turn_rule_ids, user_ids):
                        running.setdefault(rule_id, []).append(user_id)
                if running_tokens is not None:
                    running_tokens.append(turn_token)
                continue
            # the lock is free once the request's commit is visible: read after taking it
            side.execute("SELECT 1 FROM crm_lead_assignment_turn_done WHERE token = %s", (turn_token,))
            if side.fetchone():
                forget.extend(turn_ids)
                tokens_done.append(turn_token)
                continue
            for turn_id, rule_id, user_id in zip(turn_ids, turn_rule_ids, user_ids):
                returned.setdefault(rule_id, []).append((turn_id, user_id))
        if forget:
            side.execute("DELETE FROM crm_lead_assignment_turn WHERE id IN %s", (tuple(forget),))
            side.execute("DELETE FROM crm_lead_assignment_turn_done WHERE token IN %s "
                         "AND NOT EXISTS (SELECT 1 FROM crm_lead_assignment_turn turn "
                         "WHERE turn.token = crm_lead_assignment_turn_done.token)", (tuple(tokens_done),))
        return returned

    def _assignment_next(self, state):
        """The user id who gets the next lead (None when all are full), counted in ``state``
        as holding it."""
        self.ensure_one()
        user_id = self._assignment_take_back(state) if self.distribution == "round_robin" else None
        if not user_id:
            user_id = assignment.pick_user(self.distribution, state["members"], state["open_counts"],
                                           state["rule_counts"], self.max_open_leads, state["last_user_id"],
                                           state["exclude"])
            if not user_id:
                return None
            state["last_user_id"] = user_id
            # written down for every distribution: 'by weight' and 'by load' count the
            # leads of requests still running from them (``_shares_now``)
            if "given" in state:
                state["given"].append(user_id)
        for counts in (state["open_counts"], state["rule_counts"]):
            counts[user_id] = counts.get(user_id, 0) + 1
        return user_id

    def _assignment_take_back(self, state):
        """The salesperson of a turn that a failed request took (``state["returned"]``), when
        they can still have a lead: they get it without moving the rule's turn, which had
        already gone past them."""
        returned = state.get("returned") or []
        for index, (turn_id, user_id) in enumerate(returned):
            member = [(member_id, weight) for member_id, weight in state["members"] if member_id == user_id]
            if assignment.pick_user("round_robin", member, state["open_counts"], None, self.max_open_leads,
                                    None, state["exclude"]):
                del returned[index]
                state["taken_back"].append(turn_id)
                return user_id
        return None
