from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

STATES = [("draft", "Draft"), ("running", "Running"), ("paused", "Paused"), ("to_renew", "To renew"),
          ("closed", "Closed")]


class RecurringRevenueReport(models.Model):
    """Monthly recurring revenue by month and contract, read from the monthly snapshots
    (``recurring.mrr.snapshot``), with its movement from the month before: new,
    expansion, contraction, churn (lost) and reactivation."""

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
        STATES,
        string="Contract status",
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
    previous_mrr = fields.Float(
        string="MRR the month before",
        readonly=True,
    )
    new_mrr = fields.Float(
        string="New MRR",
        readonly=True,
    )
    expansion_mrr = fields.Float(
        string="Expansion MRR",
        readonly=True,
    )
    contraction_mrr = fields.Float(
        string="Contraction MRR",
        readonly=True,
        help="Negative: MRR lost by customers who stayed.",
    )
    lost_mrr = fields.Float(
        string="Lost MRR (churn)",
        readonly=True,
        help="Positive: the MRR the month before of the contracts that stopped.",
    )
    reactivation_mrr = fields.Float(
        string="Reactivation MRR",
        readonly=True,
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW %s AS (
            WITH snapshots AS (
                SELECT contract_id, partner_id, user_id, company_id, month, mrr FROM recurring_mrr_snapshot
            ), pairs AS (
                SELECT cur.contract_id, cur.partner_id, cur.user_id, cur.company_id, cur.month, cur.mrr,
                       COALESCE(prev.mrr, 0) AS previous_mrr
                  FROM snapshots cur
                  LEFT JOIN snapshots prev
                    ON prev.contract_id = cur.contract_id AND prev.month = (cur.month - interval '1 month')::date
            ), moves AS (
                SELECT pairs.*,
                       pairs.previous_mrr = 0 AND pairs.mrr > 0 AND EXISTS (
                           SELECT 1 FROM snapshots earlier
                            WHERE earlier.contract_id = pairs.contract_id AND earlier.month < pairs.month
                              AND earlier.mrr > 0) AS reactivated
                  FROM pairs
            )
            SELECT row_number() OVER (ORDER BY moves.month, moves.contract_id) AS id,
                   moves.month, moves.contract_id, moves.partner_id, moves.user_id, moves.company_id, c.state,
                   moves.mrr, moves.mrr * 12 AS arr, moves.previous_mrr,
                   CASE WHEN moves.previous_mrr = 0 AND moves.mrr > 0 AND NOT moves.reactivated
                        THEN moves.mrr ELSE 0 END AS new_mrr,
                   CASE WHEN moves.previous_mrr > 0 AND moves.mrr > moves.previous_mrr
                        THEN moves.mrr - moves.previous_mrr ELSE 0 END AS expansion_mrr,
                   CASE WHEN moves.previous_mrr > 0 AND moves.mrr > 0 AND moves.mrr < moves.previous_mrr
                        THEN moves.mrr - moves.previous_mrr ELSE 0 END AS contraction_mrr,
                   CASE WHEN moves.previous_mrr > 0 AND moves.mrr = 0 THEN moves.previous_mrr ELSE 0 END
                       AS lost_mrr,
                   CASE WHEN moves.reactivated THEN moves.mrr ELSE 0 END AS reactivation_mrr
              FROM moves
              JOIN recurring_contract c ON c.id = moves.contract_id
             WHERE moves.mrr != 0 OR moves.previous_mrr != 0
            )
        """ % self._table)

    @api.model
    def saas_metrics(self, month, domain=None):
        """The month's SaaS figures (``month``: its first day, ``YYYY-MM-01``): MRR, ARR, the
        movements, customer and revenue churn rates, net and gross revenue retention. Rates
        are shares of the MRR (or customers) at the start of the month, False without any
        (XML-RPC cannot carry None). Any other ``month`` gets a clear error."""
        metrics = self._saas_metrics(month, domain)
        return {key: False if value is None else value for key, value in metrics.items()}

    @api.model
    def _saas_metrics(self, month, domain=None):
        """``saas_metrics``, with None for a rate without a base."""
        try:
            day = fields.Date.from_string(month) if isinstance(month, str) and len(month) == 10 else None
        except ValueError:
            day = None
        if not day or day.day != 1:
            raise UserError(_("The month of the SaaS metrics is its first day, written YYYY-MM-01 (such as "
                              "2026-11-01): %s is not one.") % (month,))
        rows = self.search_read((domain or []) + [("month", "=", month)], [
            "partner_id", "mrr", "previous_mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "lost_mrr",
            "reactivation_mrr"])
        totals = {key: sum(row[key] for row in rows) for key in (
            "mrr", "previous_mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "lost_mrr", "reactivation_mrr")}
        by_customer = {}
        for row in rows:
            key = row["partner_id"] and row["partner_id"][0]
            before, now = by_customer.get(key, (0.0, 0.0))
            by_customer[key] = (before + row["previous_mrr"], now + row["mrr"])
        customers_before = [key for key, (before, _now) in by_customer.items() if before > 0]
        customers_lost = [key for key in customers_before if by_customer[key][1] <= 0]
        start = totals["previous_mrr"]
        totals.update({
            "arr": totals["mrr"] * 12,
            "customers": len([key for key, (_before, now) in by_customer.items() if now > 0]),
            "customers_before": len(customers_before),
            "customers_lost": len(customers_lost),
            "customer_churn_rate": len(customers_lost) / float(len(customers_before)) if customers_before else None,
            "revenue_churn_rate": (totals["lost_mrr"] - totals["contraction_mrr"]) / start if start else None,
            "net_revenue_retention": (start + totals["expansion_mrr"] + totals["contraction_mrr"]
                                      - totals["lost_mrr"]) / start if start else None,
            "gross_revenue_retention": (start + totals["contraction_mrr"] - totals["lost_mrr"]) / start
            if start else None,
        })
        return totals
