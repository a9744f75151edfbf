from odoo import api, fields, models, tools
from odoo.addons.crm_leads import access_guard

#: A rule routes a company's mail to one of its teams: both must be the user's to read.
LINK_FIELDS = ("team_id", "company_id")


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

    @api.model
    @tools.ormcache()
    def _cached_rules(self):
        """The active rules in their order, as plain dicts, read once per registry
        (any change of a rule clears the cache)."""
        return tuple(self.sudo().search([]).read(["recipient", "sender_domain", "keywords"], load=None))

    @api.model
    def create(self, vals):
        access_guard.check_links(self, vals, LINK_FIELDS)
        self.clear_caches()
        return super(MailGatewayRule, self).create(vals)

    @api.multi
    def write(self, vals):
        access_guard.check_links(self, vals, LINK_FIELDS)
        self.clear_caches()
        return super(MailGatewayRule, self).write(vals)

    @api.multi
    def unlink(self):
        self.clear_caches()
        return super(MailGatewayRule, self).unlink()
