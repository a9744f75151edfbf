from odoo import api, fields, models, tools


class CrmLeadForecastReport(models.Model):
    """Open pipeline by month of expected closing, stage, salesperson and team.

    One row per (month, stage, salesperson, team, company), aggregated by PostgreSQL
    (parallel scan of crm_lead), instead of one row per lead as in crm.opportunity.report.
    """

    _name = "crm.lead.forecast.report"
    _description = "Pipeline forecast"
    _auto = False
    _rec_name = "closing_month"
    _order = "closing_month"

    closing_month = fields.Date(string="Expected Closing Month", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    expected_revenue = fields.Float(readonly=True)
    weighted_revenue = fields.Float(
        readonly=True,
        help="Expected revenue multiplied by each opportunity's probability.",
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW %s AS (
                SELECT min(l.id) AS id,
                       date_trunc('month', l.date_deadline)::date AS closing_month,
                       l.stage_id, l.user_id, l.team_id, l.company_id,
                       count(*) AS opportunity_count,
                       sum(r.revenue) AS expected_revenue,
                       sum(r.revenue * coalesce(l.probability, 0) / 100.0) AS weighted_revenue
                  FROM crm_lead l
                  -- a NaN or infinite revenue (stored before the web service refused them) counts as 0
                 CROSS JOIN LATERAL (
                     SELECT CASE WHEN l.planned_revenue IN ('NaN', 'Infinity', '-Infinity') THEN 0
                                 ELSE coalesce(l.planned_revenue, 0) END AS revenue) r
                 WHERE l.active AND l.type = 'opportunity' AND coalesce(l.probability, 0) < 100
                 GROUP BY date_trunc('month', l.date_deadline), l.stage_id, l.user_id, l.team_id, l.company_id
            )""" % self._table)
