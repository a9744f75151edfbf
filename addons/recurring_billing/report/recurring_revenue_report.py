from odoo import fields, models, tools


class RecurringRevenueReport(models.Model):
    """Monthly recurring revenue by month, contract, customer and product: one row per
    contract line and month it runs, plus a 'lost' row the month after it ends."""

    _name = "recurring.revenue.report"
    _description = "Recurring revenue analysis"
    _auto = False
    _order = "month desc"

    month = fields.Date(
        readonly=True,
    )
    contract_id = fields.Many2one(
        "recurring.contract",
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
    )
    product_id = fields.Many2one(
        "product.product",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("paused", "Paused"),
         ("to_renew", "To renew"), ("closed", "Closed")],
        readonly=True,
    )
    mrr = fields.Float(
        string="MRR",
        readonly=True,
    )
    arr = fields.Float(
        string="ARR",
        readonly=True,
    )
    new_mrr = fields.Float(
        string="New MRR",
        readonly=True,
    )
    lost_mrr = fields.Float(
        string="Lost MRR (churn)",
        readonly=True,
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW %s AS (
            WITH lines AS (
                SELECT l.id AS line_id, c.id AS contract_id, c.partner_id, l.product_id, c.user_id,
                       c.company_id, c.state,
                       date_trunc('month', c.date_start)::date AS first_month,
                       date_trunc('month', c.date_end)::date AS last_month,
                       l.quantity * l.price_unit / NULLIF(CASE c.recurring_unit
                           WHEN 'day' THEN c.recurring_interval * 12 / 365.0
                           WHEN 'week' THEN c.recurring_interval * 12 / 52.0
                           WHEN 'year' THEN c.recurring_interval * 12.0
                           ELSE c.recurring_interval * 1.0 END, 0) AS mrr
                  FROM recurring_contract_line l
                  JOIN recurring_contract c ON c.id = l.contract_id
                 WHERE c.state != 'draft' AND NOT COALESCE(c.is_template, FALSE)
                   AND NOT COALESCE(l.is_usage, FALSE) AND c.date_start IS NOT NULL
            )
            SELECT row_number() OVER () AS id, s.month::date AS month, lines.contract_id, lines.partner_id,
                   lines.product_id, lines.user_id, lines.company_id, lines.state,
                   CASE WHEN lines.last_month IS NULL OR s.month <= lines.last_month THEN lines.mrr ELSE 0 END
                       AS mrr,
                   CASE WHEN lines.last_month IS NULL OR s.month <= lines.last_month THEN lines.mrr * 12 ELSE 0 END
                       AS arr,
                   CASE WHEN s.month = lines.first_month THEN lines.mrr ELSE 0 END AS new_mrr,
                   CASE WHEN lines.state = 'closed' AND s.month > lines.last_month THEN lines.mrr ELSE 0 END
                       AS lost_mrr
              FROM lines
              CROSS JOIN LATERAL generate_series(
                  lines.first_month,
                  LEAST(COALESCE(lines.last_month + interval '1 month', 'infinity'),
                        date_trunc('month', now()) + interval '12 months'),
                  interval '1 month') AS s(month)
            )
        """ % self._table)
