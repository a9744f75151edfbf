import random
import time

from odoo import api, fields, models

from ..lib import api as api_lib

RATE_WINDOW = 60
# the counts of the rate limits: one row per bucket and second, shared by all workers
# (UNLOGGED: a crash may forget the last minute's counts, which only lets a few more in)
RATE_TABLE_SQL = """
CREATE UNLOGGED TABLE IF NOT EXISTS crm_lead_api_rate (
    bucket varchar NOT NULL,
    second bigint NOT NULL,
    hits integer NOT NULL,
    PRIMARY KEY (bucket, second)
)"""
RATE_COUNTED_SQL = """
SELECT pg_advisory_xact_lock(hashtext('crm_leads.rate'), hashtext(%(bucket)s));
SELECT second, hits FROM crm_lead_api_rate WHERE bucket = %(bucket)s AND second > %(since)s ORDER BY second"""
RATE_COUNT_SQL = """
INSERT INTO crm_lead_api_rate AS rate (bucket, second, hits) VALUES (%(bucket)s, %(second)s, %(cost)s)
ON CONFLICT (bucket, second) DO UPDATE SET hits = rate.hits + EXCLUDED.hits"""


class CrmLeadApiRequest(models.Model):
    """The first answer to each ``Idempotency-Key`` of each API key: a client's retry gets
    it again and creates nothing."""

    _name = "crm.lead.api.request"
    _description = "Lead web service request (idempotency)"
    _order = "id desc"

    api_key_id = fields.Many2one("crm.lead.api.key", required=True, ondelete="cascade", index=True)
    idempotency_key = fields.Char(required=True)
    status = fields.Integer()
    response = fields.Text()
    company_id = fields.Many2one(related="api_key_id.company_id", store=True, readonly=True)

    _sql_constraints = [
        ("idempotency_key_unique", "unique(api_key_id, idempotency_key)",
         "An Idempotency-Key is used once per API key."),
    ]

    @api.model_cr
    def init(self):
        self.env.cr.execute(RATE_TABLE_SQL)

    @api.model
    def _rate_limit_hit(self, bucket, limit, cost=1):
        """Count ``cost`` requests in ``bucket`` if the last minute leaves room for them:
        ``(allowed, retry_after)``. No limit (0) always allows. Counted in a short
        transaction of its own, committed at once, so that the requests of all workers share
        the count and neither wait for each other's end nor conflict."""
        if not limit or limit <= 0:
            return True, 0
        if self.pool.test_cr is not None:
            # tests share one transaction: count in it
            return self._rate_limit_count(self.env.cr, bucket[:255], limit, cost)
        with self.pool.cursor() as cr:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            return self._rate_limit_count(cr, bucket[:255], limit, cost)

    @api.model
    def _rate_limit_count(self, cr, bucket, limit, cost):
        now = time.time()
        # one request of the bucket at a time (for milliseconds): the check and the count agree
        cr.execute(RATE_COUNTED_SQL, {"bucket": bucket, "since": int(now) - RATE_WINDOW})
        allowed, retry_after = api_lib.rate_decision(cr.fetchall(), now, limit, cost, RATE_WINDOW)
        if allowed:
            cr.execute(RATE_COUNT_SQL, {"bucket": bucket, "second": int(now), "cost": cost})
        if random.random() < 0.01:
            cr.execute("DELETE FROM crm_lead_api_rate WHERE second < %s", (int(now) - 2 * RATE_WINDOW,))
        return allowed, retry_after

    @api.model
    def _gc_old_requests(self, days=7):
        """Forget idempotency keys after a week (cron)."""
        self.env.cr.execute("DELETE FROM crm_lead_api_request WHERE create_date < now() - interval '%s days'",
                            (days,))
        return True
