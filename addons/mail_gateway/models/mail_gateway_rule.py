from odoo import api, fields, models


class MailGatewayRule(models.Model):
    _name = "mail.gateway.rule"
    _description = "Mail gateway routing rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    recipient = fields.Char(help="Address (sales@example.com) or local part (sales) the mail was sent to.")
    sender_domain = fields.Char(help="Sender's domain; sub-domains match too.")
    keywords = fields.Char(help="Comma-separated words; any of them in the subject or body matches.")
    team_id = fields.Many2one("crm.team", "Sales channel", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.user.company_id)

    @api.multi
    def _as_dict(self):
        self.ensure_one()
        return {"id": self.id, "recipient": self.recipient, "sender_domain": self.sender_domain,
                "keywords": self.keywords}
