from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_leads import access_guard

from ..lib import scoring
from .crm_lead_event import EVENT_TYPES


class LeadScoringRule(models.Model):
    _name = "lead.scoring.rule"
    _description = "Lead Scoring Rule"
    _order = "sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
        help="What the rule rewards, in the words shown in the lead's explanation.",
    )
    sequence = fields.Integer(
        default=10,
    )
    active = fields.Boolean(
        default=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        default=lambda self: self.env["res.company"]._company_default_get("lead.scoring.rule"),
        help="Leave empty to use the rule in every company.",
    )
    rule_type = fields.Selection(
        selection=[("profile", "Profile (fit)"), ("behaviour", "Behaviour (engagement)")],
        string="Type",
        required=True,
        default="profile",
        help="Profile rules look at the lead's fields and make its fit score; "
             "behaviour rules look at its events and make its engagement score.",
    )
    domain = fields.Char(
        string="Condition",
        default="[]",
        help="Profile rules: which leads get the points, as a filter on the lead's fields.",
    )
    event_type = fields.Selection(
        selection=EVENT_TYPES,
        help="Behaviour rules: the kind of event counted (empty: any).",
    )
    url_pattern = fields.Char(
        string="Page Pattern",
        help="Behaviour rules: part of the page or file address, * as wildcard (for example /pricing).",
    )
    min_count = fields.Integer(
        string="At Least",
        default=1,
        help="Behaviour rules: how many matching events are needed.",
    )
    window_days = fields.Integer(
        string="Within (Days)",
        default=0,
        help="Behaviour rules: only events of the last N days count (0: all events).",
    )
    points = fields.Integer(
        required=True,
        default=10,
        help="Points given when the rule matches; negative points lower the score.",
    )
    half_life = fields.Float(
        string="Half-Life (Days)",
        default=0.0,
        help="Points are halved every N days since the last matching event "
             "(profile rules: since the lead was created). 0: no decay.",
    )
    preview_match_count = fields.Integer(
        string="Matching Leads",
        compute="_compute_preview",
    )
    preview_summary = fields.Text(
        string="Effect Preview",
        compute="_compute_preview",
    )
    impact_won_rate = fields.Float(
        string="Won Rate of Matching Leads (%)",
        compute="_compute_impact",
    )
    impact_lift = fields.Float(
        string="Lift",
        compute="_compute_impact",
        help="Won rate of the leads this rule matches divided by the won rate of all closed leads: "
             "above 1 the rule points to buyers.",
    )

    @api.model
    def _parse_domain(self, domain):
        """The condition as a list (ValidationError when it is not a valid filter on leads)."""
        try:
            value = safe_eval(domain or "[]")
            if not isinstance(value, (list, tuple)):
                raise ValueError(_("a condition must be a list"))
            self.env["crm.lead"]._where_calc(list(value), active_test=False)
        except Exception as error:  # any parse or field error is the user's input
            raise ValidationError(_("The condition %(condition)s is not a valid filter on leads: %(error)s") % {
                "condition": domain, "error": error})
        return list(value)

    @api.constrains("domain", "rule_type")
    def _check_domain(self):
        for rule in self.filtered(lambda r: r.rule_type == "profile"):
            rule._parse_domain(rule.domain)

    @api.constrains("min_count", "window_days", "half_life", "url_pattern")
    def _check_behaviour(self):
        for rule in self:
            if rule.min_count < 1:
                raise ValidationError(_("Rule %s: at least one event is needed.") % rule.name)
            if rule.window_days < 0 or rule.half_life < 0:
                raise ValidationError(_("Rule %s: days cannot be negative.") % rule.name)

    @api.multi
    def _to_lib_rule(self):
        self.ensure_one()
        group = scoring.FIT if self.rule_type == "profile" else scoring.ENGAGEMENT
        return scoring.Rule(
            self.id or 0, self.name, group, self.points, half_life=self.half_life,
            event_type=self.event_type, url_pattern=self.url_pattern,
            min_count=self.min_count, window_days=self.window_days,
        )

    @api.depends("rule_type", "domain", "event_type", "url_pattern", "min_count", "window_days",
                 "points", "half_life", "active")
    def _compute_preview(self):
        lead_model = self.env["crm.lead"]
        for rule in self:
            try:
                if rule.rule_type == "profile":
                    rule._parse_domain(rule.domain)
            except ValidationError as error:
                rule.preview_match_count = 0
                rule.preview_summary = error.name
                continue
            preview = lead_model._scoring_preview_rule(rule)
            rule.preview_match_count = preview["matched"]
            rule.preview_summary = _(
                "Of %(total)d open leads, %(matched)d match this rule. Saving it would change "
                "the score of %(changed)d leads (%(raised)d up, %(lowered)d down): "
                "%(hot_before)d hot leads before, %(hot_after)d after; "
                "%(warm_before)d warm before, %(warm_after)d after."
            ) % preview

    @api.multi
    def _compute_impact(self):
        lead_model = self.env["crm.lead"]
        impact = lead_model._scoring_rule_impact(self)
        for rule in self:
            rule.impact_won_rate, rule.impact_lift = impact.get(rule.id, (0.0, 0.0))

    @api.model
    def create(self, vals):
        access_guard.check_links(self, vals, ("company_id",))
        rule = super(LeadScoringRule, self).create(vals)
        self.env["crm.lead"].clear_caches()
        self.env["crm.lead"]._scoring_schedule_full_recompute()
        return rule

    @api.multi
    def write(self, vals):
        access_guard.check_links(self, vals, ("company_id",))
        result = super(LeadScoringRule, self).write(vals)
        self.env["crm.lead"].clear_caches()
        self.env["crm.lead"]._scoring_schedule_full_recompute()
        return result

    @api.multi
    def unlink(self):
        result = super(LeadScoringRule, self).unlink()
        self.env["crm.lead"].clear_caches()
        self.env["crm.lead"]._scoring_schedule_full_recompute()
        return result
