import json
import random
import time

import psycopg2

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
    """The first answer to each ``Idempotency-Key`` of each API key (and to each one-time
    submission id of its website form, as ``form:<id>``): a client's retry gets it again and
    creates nothing; the same key with another body is refused (``request_hash``)."""

    _name = "crm.lead.api.request"
    _description = "Lead web service request (idempotency)"
    _order = "id desc"

    api_key_id = fields.Many2one("crm.lead.api.key", required=True, ondelete="cascade", index=True)
    idempotency_key = fields.Char(required=True)
    status = fields.Integer()
    response = fields.Text()
    request_hash = fields.Char(
        help="SHA-256 of the canonical body of the first request with this key: the same key with "
             "another body is refused instead of answered with the first answer.",
    )
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

    # ------------------------------------------------------------ idempotency

    @api.model
    def _stored_answer(self, api_key, idempotency_key):
        """``(status, answer, request_hash)`` committed for this key, or None; ``status`` is
        0 while the first request is still running. Read in the request's transaction, then
        in a cursor of its own, so that an answer committed by a concurrent request after this
        transaction began is seen too."""
        query = ("SELECT status, response, request_hash FROM crm_lead_api_request "
                 "WHERE api_key_id = %s AND idempotency_key = %s")
        self.env.cr.execute(query, (api_key.id, idempotency_key))
        row = self.env.cr.fetchone()
        if not row or not row[0]:
            with self.pool.cursor() as cr:
                cr.execute(query, (api_key.id, idempotency_key))
                row = cr.fetchone() or row
        if not row:
            return None
        return row[0] or 0, json.loads(row[1]) if row[1] else None, row[2]

    @api.model
    def _claim(self, api_key, idempotency_key, request_hash=None):
        """Claim the key in the current transaction: True, or False when another request
        holds it (a concurrent one waits here until the first one ends)."""
        cr = self.env.cr
        try:
            with cr.savepoint():
                cr.execute("INSERT INTO crm_lead_api_request "
                           "(api_key_id, idempotency_key, request_hash, create_date, write_date) "
                           "VALUES (%s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')",
                           (api_key.id, idempotency_key, request_hash),
                           # a key used before is an answer, not an error: nothing to log
                           log_exceptions=False)
        except psycopg2.IntegrityError:
            return False
        return True

    @api.model
    def _store_answer(self, api_key, idempotency_key, status, answer):
        """Keep the answer of a claimed key, in the same transaction as what it created."""
        self.env.cr.execute(
            "UPDATE crm_lead_api_request SET status = %s, response = %s "
            "WHERE api_key_id = %s AND idempotency_key = %s",
            (status, json.dumps(answer), api_key.id, idempotency_key))

    @api.model
    def _gc_old_requests(self, days=7):
        """Forget idempotency keys after a week (cron)."""
        self.env.cr.execute("DELETE FROM crm_lead_api_request WHERE create_date < now() - interval '%s days'",
                            (days,))
        return True
