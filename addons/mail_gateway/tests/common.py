import base64

from odoo.tests.common import SavepointCase


class GatewayCase(SavepointCase):
    """A sales channel with the alias sales-gw@, a manager, a salesman, a portal user."""

    @classmethod
    def setUpClass(cls):
        super(GatewayCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        cls.Gateway = cls.env["mail.gateway.message"]
        cls.Lead = cls.env["crm.lead"]
        cls.team = cls.env["crm.team"].create({"name": "E-mail desk", "use_leads": True, "alias_name": "sales-gw"})
        cls.other_team = cls.env["crm.team"].create({"name": "Export desk"})
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.manager = Users.create({
            "name": "Gateway Manager", "login": "gw_manager", "email": "gw_manager@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_manager").id])]})
        cls.salesman = Users.create({
            "name": "Gateway Salesman", "login": "gw_salesman", "email": "gw_salesman@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])]})
        cls.portal = Users.create({
            "name": "Gateway Portal", "login": "gw_portal", "email": "gw_portal@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])]})
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param("mail_gateway.throttle_limit", "20")
        cls.params.set_param("mail_gateway.allow_list", "")
        cls.params.set_param("mail_gateway.ack_template_id", "")

    @staticmethod
    def mail(body="Hello,\n\nWe need a quote for 40 chairs.\n", subject="Quote request", sender=None,
             to="sales-gw@example.com", message_id="<m1@client.example>", headers=None):
        """Raw bytes of a plain text message."""
        lines = ["From: %s" % (sender or '"Claire Martin" <claire@durand.example>'), "To: %s" % to,
                 "Subject: %s" % subject]
        if message_id:
            lines.append("Message-Id: %s" % message_id)
        lines += ["%s: %s" % item for item in (headers or {}).items()]
        lines += ["Content-Type: text/plain; charset=utf-8", "", body]
        return "\r\n".join(lines).encode("utf-8")

    @staticmethod
    def raw_source(record):
        """The stored raw message, decoded."""
        return base64.b64decode(record.with_context(bin_size=False).raw or b"")

    def leads_from(self, email):
        return self.Lead.search([("email_from", "ilike", email)])
