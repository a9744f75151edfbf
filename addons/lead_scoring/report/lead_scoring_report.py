from odoo import api, fields, models, tools


class LeadScoringReport(models.Model):
    _name = "lead.scoring.report"
    _description = "Lead Scoring Analysis"
    _auto = False
    _rec_name = "lead_id"

    lead_id = fields.Many2one(comodel_name="crm.lead", string="Lead", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales Channel", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson", readonly=True)
    score = fields.Float(readonly=True, group_operator="avg")
    score_band = fields.Char(readonly=True)
    score_grid = fields.Char(string="Grid", readonly=True)
    temperature = fields.Selection(
        selection=[("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")],
        readonly=True,
    )
    status = fields.Selection(
        selection=[("open", "Open"), ("won", "Won"), ("lost", "Lost")],
        readonly=True,
    )
    lead_count = fields.Integer(string="Number of Leads", readonly=True)
    closed_count = fields.Integer(string="Closed", readonly=True)
    won_count = fields.Integer(string="Won", readonly=True)
    won_rate = fields.Float(
        string="Conversion Rate (%)",
        readonly=True,
        group_operator="avg",
        help="Share of the closed leads that were won (open leads left out).",
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW lead_scoring_report AS (
                SELECT lead.id AS id,
                       lead.id AS lead_id,
                       lead.company_id,
                       lead.team_id,
                       lead.user_id,
                       COALESCE(lead.score, 0) AS score,
                       LPAD((LEAST(COALESCE(lead.score, 0), 99) / 10 * 10)::text, 2, '0') || '-'
                           || LPAD((LEAST(COALESCE(lead.score, 0), 99) / 10 * 10 + 9)::text, 2, '0') AS score_band,
                       lead.score_grid,
                       CASE WHEN COALESCE(lead.score, 0) >= COALESCE(company.lead_scoring_hot_threshold, 70) THEN 'hot'
                            WHEN COALESCE(lead.score, 0) >= COALESCE(company.lead_scoring_warm_threshold, 40)
                                THEN 'warm'
                            ELSE 'cold' END AS temperature,
                       CASE WHEN lead.active AND lead.probability >= 100 THEN 'won'
                            WHEN NOT lead.active AND COALESCE(lead.probability, 0) = 0 THEN 'lost'
                            ELSE 'open' END AS status,
                       1 AS lead_count,
                       CASE WHEN (lead.active AND lead.probability >= 100)
                                OR (NOT lead.active AND COALESCE(lead.probability, 0) = 0) THEN 1 ELSE 0 END
                           AS closed_count,
                       CASE WHEN lead.active AND lead.probability >= 100 THEN 1 ELSE 0 END AS won_count,
                       CASE WHEN lead.active AND lead.probability >= 100 THEN 100.0
                            WHEN NOT lead.active AND COALESCE(lead.probability, 0) = 0 THEN 0.0
                            ELSE NULL END AS won_rate
                FROM crm_lead lead
                LEFT JOIN res_company company ON company.id = lead.company_id
                WHERE lead.active OR COALESCE(lead.probability, 0) = 0
            )
        """)
