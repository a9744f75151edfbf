from odoo import api, fields, models


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

    @api.model
    def _gc_old_requests(self, days=7):
        """Forget idempotency keys after a week (cron)."""
        self.env.cr.execute("DELETE FROM crm_lead_api_request WHERE create_date < now() - interval '%s days'",
                            (days,))
        return True
