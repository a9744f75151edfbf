from odoo import api, fields, models

from ..lib import assignment


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
        groups = self.env["crm.lead"].sudo().read_group(
            [("user_id", "in", list(user_ids)), ("probability", "<", 100), ("active", "=", True)],
            ["user_id"], ["user_id"])
        return {group["user_id"][0]: group["user_id_count"] for group in groups}

    def _pick_user(self, exclude=()):
        """The salesperson who gets the next lead of this rule (empty when all are full)."""
        state = self._assignment_state(exclude)
        user_id = self._assignment_next(state)
        self._assignment_save(state)
        return self.env["res.users"].browse(user_id)

    def _assignment_state(self, exclude=()):
        """Lock the rule (one assignment at a time per rule, so that concurrent requests take
        turns) and read, once, what choosing its salespeople needs."""
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM crm_lead_assignment_rule WHERE id = %s FOR UPDATE", (self.id,))
        # a concurrent request may have moved the turn before the lock was ours
        self.invalidate_cache(["last_user_id"], self.ids)
        members = [(member.user_id.id, member.weight) for member in self.member_ids if member.user_id.active]
        user_ids = [user_id for user_id, _weight in members]
        rule_counts = {}
        if self.distribution == "weight":
            groups = self.env["crm.lead"].sudo().with_context(active_test=False).read_group(
                [("intake_rule_id", "=", self.id), ("user_id", "in", user_ids)], ["user_id"], ["user_id"])
            rule_counts = {group["user_id"][0]: group["user_id_count"] for group in groups}
        return {"members": members, "open_counts": self._open_lead_counts(user_ids), "rule_counts": rule_counts,
                "last_user_id": self.last_user_id.id, "exclude": tuple(exclude or ())}

    def _assignment_next(self, state):
        """The user id who gets the next lead (None when all are full), counted in ``state``
        as holding it."""
        self.ensure_one()
        user_id = assignment.pick_user(self.distribution, state["members"], state["open_counts"],
                                       state["rule_counts"], self.max_open_leads, state["last_user_id"],
                                       state["exclude"])
        if user_id:
            for counts in (state["open_counts"], state["rule_counts"]):
                counts[user_id] = counts.get(user_id, 0) + 1
            state["last_user_id"] = user_id
        return user_id

    def _assignment_save(self, state):
        """Keep whose turn it is for the next request."""
        self.ensure_one()
        if state["last_user_id"] and state["last_user_id"] != self.last_user_id.id:
            self.sudo().write({"last_user_id": state["last_user_id"]})
