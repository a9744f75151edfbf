import json
import logging

from odoo import _, api, fields, models

from odoo.addons.crm_leads import access_guard

from ..lib import predictive

_logger = logging.getLogger(__name__)

REVENUE_EDGES = [1000, 5000, 20000, 100000]
LEAD_FEATURES = ["country_id", "state_id", "source_id", "medium_id", "campaign_id", "team_id"]
WON = "active AND probability >= 100"
LOST = "NOT active AND COALESCE(probability, 0) = 0"


class LeadScoringModel(models.Model):
    _name = "lead.scoring.model"
    _inherit = "crm_leads.admin_field_guard"  # the trained model: no query criterion but for administrators
    _description = "Predictive Lead Scoring Model"
    _order = "trained_date desc, id desc"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    trained_date = fields.Datetime(
        string="Trained On",
        readonly=True,
    )
    sample_count = fields.Integer(
        string="Closed Leads Learnt From",
        readonly=True,
    )
    won_count = fields.Integer(
        string="Won",
        readonly=True,
    )
    auc = fields.Float(
        string="Model AUC",
        readonly=True,
        digits=(3, 3),
        help="On held-out history: chance that a won lead ranks above a lost one (0.5 is chance, 1 is perfect).",
    )
    rule_auc = fields.Float(
        string="Rule Score AUC",
        readonly=True,
        digits=(3, 3),
        help="The same measure for the rule-based score, on the same held-out leads.",
    )
    in_use = fields.Boolean(
        readonly=True,
        help="The predicted win chance is shown on leads only when the model ranks better than the rules.",
    )
    note = fields.Char(
        readonly=True,
    )
    model_data = fields.Text(
        readonly=True,
        groups="base.group_system",
    )

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "One predictive model per company."),
    ]

    # ------------------------------------------------------------------ access guards

    @api.model
    def create(self, vals):
        access_guard.check_links(self, vals, ("company_id",))
        record = super(LeadScoringModel, self).create(vals)
        # new leads ask which models are in use from a cache (crm.lead._scoring_models_in_use)
        self.clear_caches()
        return record

    @api.multi
    def write(self, vals):
        access_guard.check_links(self, vals, ("company_id",))
        result = super(LeadScoringModel, self).write(vals)
        if "in_use" in vals or "company_id" in vals:
            self.clear_caches()
        return result

    @api.multi
    def unlink(self):
        result = super(LeadScoringModel, self).unlink()
        self.clear_caches()
        return result

    @api.model
    def _lead_features(self, company_id, where):
        """{lead id: (features dict, won)} read with two queries."""
        cr = self.env.cr
        cr.execute(
            "SELECT id, %s, %s, planned_revenue, function IS NOT NULL AND function != '', "
            "partner_name IS NOT NULL AND partner_name != '', score "
            "FROM crm_lead WHERE COALESCE(company_id, 0) = %%s AND (%s)" % (
                ", ".join(LEAD_FEATURES), WON, where),
            [company_id or 0])
        rows = cr.fetchall()
        leads = {}
        size = len(LEAD_FEATURES)
        for row in rows:
            features = {name: row[1 + index] or 0 for index, name in enumerate(LEAD_FEATURES)}
            features["revenue"] = predictive.bucket(row[size + 2] or 0, REVENUE_EDGES)
            features["job_title"] = bool(row[size + 3])
            features["company_name"] = bool(row[size + 4])
            leads[row[0]] = [features, bool(row[size + 1]), row[size + 5] or 0]
        if leads:
            cr.execute("SELECT lead_id, event_type, COUNT(*) FROM crm_lead_event WHERE lead_id = ANY(%s) "
                       "GROUP BY lead_id, event_type", [list(leads)])
            for lead_id, event_type, count in cr.fetchall():
                leads[lead_id][0]["event:%s" % event_type] = predictive.count_bucket(count)
        return leads

    @api.model
    def _train_company(self, company):
        history = self._lead_features(company.id, "(%s) OR (%s)" % (WON, LOST))
        samples = [(lead_id, features, won) for lead_id, (features, won, _score) in history.items()]
        rule_scores = {lead_id: score for lead_id, (_features, _won, score) in history.items()}
        result = predictive.train_and_evaluate(samples, rule_scores)
        values = {
            "trained_date": fields.Datetime.now(),
            "sample_count": len(samples),
            "won_count": sum(1 for _key, _features, won in samples if won),
            "auc": result["auc"] or 0.0,
            "rule_auc": result["rule_auc"] or 0.0,
            "in_use": result["use"],
            "model_data": json.dumps(result["model"].to_dict()) if result["model"].trained else False,
        }
        if result["auc"] is None:
            values["note"] = _("Not enough won and lost history to learn from.")
        elif not result["use"]:
            values["note"] = _("The rule score ranks past leads better: the prediction is not shown.")
        else:
            values["note"] = _("The prediction ranks past leads better than the rules: shown on leads.")
        record = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if record:
            record.write(values)
        else:
            values["company_id"] = company.id
            record = self.sudo().create(values)
        record._apply()
        return record

    @api.multi
    def _apply(self, lead_ids=None):
        """Write the predicted win chance of the open leads (cleared when not in use)."""
        cr = self.env.cr
        for record in self.sudo():
            where = "active AND COALESCE(probability, 0) < 100"
            if lead_ids is not None:
                # integers only: "IN (5,)", what a one-element tuple prints, is not SQL
                where += " AND id IN (%s)" % (",".join(str(int(lead_id)) for lead_id in lead_ids) or "0")
            if not record.in_use or not record.model_data:
                cr.execute("UPDATE crm_lead SET predictive_probability = 0 WHERE COALESCE(company_id, 0) = %%s "
                           "AND predictive_probability != 0 AND %s" % where, [record.company_id.id or 0])
                continue
            predict = predictive.NaiveBayes.from_dict(json.loads(record.model_data)).predictor()
            leads = self._lead_features(record.company_id.id, where)
            ids = list(leads)
            values = [round(100.0 * predict(leads[lead_id][0]), 1) for lead_id in ids]
            if ids:
                cr.execute("UPDATE crm_lead AS lead SET predictive_probability = v.p "
                           "FROM unnest(%s::int[], %s::float8[]) AS v(id, p) WHERE lead.id = v.id", [ids, values])
        self.env["crm.lead"].invalidate_cache(["predictive_probability"])

    @api.model
    def _cron_train(self):
        """Retrain every company's model from its won / lost history (daily cron)."""
        for company in self.env["res.company"].sudo().search([]):
            record = self._train_company(company)
            _logger.info("Lead scoring model of %s: %d leads, AUC %.3f (rules %.3f), in use: %s",
                         company.name, record.sample_count, record.auc, record.rule_auc, record.in_use)
        return True

    @api.model
    def action_train(self):
        self._train_company(self.env.user.company_id)
        return True
