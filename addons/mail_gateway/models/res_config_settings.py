from odoo import api, fields, models

from .mail_gateway_message import DEFAULTS, PARAM_PREFIX


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mail_gateway_throttle_limit = fields.Integer(
        "Messages per sender", help="Leads one sender may create in the period; 0 disables the throttle.")
    mail_gateway_throttle_period = fields.Integer("Throttle period (minutes)")
    mail_gateway_allow_list = fields.Char(
        "Never throttled", help="Addresses or domains, comma separated, that are never throttled.")
    mail_gateway_ack_template_id = fields.Many2one(
        "mail.template", "Acknowledgement", domain=[("model", "=", "crm.lead")],
        help="Sent to genuine senders of a new lead (never to auto-replies, bounces or bulk mail).")
    mail_gateway_http_secret = fields.Char(
        "Inbound hook secret", groups="base.group_system",
        help="Shared secret of the HTTP inbound hook and the MTA pipe; empty disables the hook.")
    mail_gateway_max_size = fields.Integer("Maximum size (bytes)")
    mail_gateway_inline_size = fields.Integer(
        "Processed at once up to (bytes)",
        help="Larger messages are stored and answered at once, then processed by a queue job of their own.")
    mail_gateway_retention_days = fields.Integer(
        "Keep raw sources (days)",
        help="Raw sources of processed and ignored messages are deleted after this many days; 0 keeps them.")
    mail_gateway_own_lists = fields.Char(
        "Own mailing lists", help="List-Ids (comma separated) of your own addresses that are mailing lists.")

    _gateway_keys = ("throttle_limit", "throttle_period", "allow_list", "ack_template_id", "http_secret", "max_size",
                     "inline_size", "retention_days", "own_lists")

    def _gateway_keys_for_user(self):
        # the secret is read and written by administrators only
        if self.env.user.has_group("base.group_system"):
            return self._gateway_keys
        return tuple(key for key in self._gateway_keys if key != "http_secret")

    @api.model
    def get_values(self):
        res = super(ResConfigSettings, self).get_values()
        params = self.env["ir.config_parameter"].sudo()
        settings = self.env["mail.gateway.message"]._settings()
        for key in self._gateway_keys_for_user():
            value = params.get_param(PARAM_PREFIX + key)
            if key == "allow_list":
                value = settings["allow_list"]
            elif key in DEFAULTS:
                value = int(value) if value not in (None, False, "") else DEFAULTS[key]
            elif key == "ack_template_id":
                value = int(value) if value else False
            res["mail_gateway_" + key] = value or (0 if key in DEFAULTS else False)
        return res

    @api.multi
    def set_values(self):
        res = super(ResConfigSettings, self).set_values()
        params = self.env["ir.config_parameter"].sudo()
        for key in self._gateway_keys_for_user():
            value = self["mail_gateway_" + key]
            if key == "ack_template_id":
                value = value.id or ""
            params.set_param(PARAM_PREFIX + key, value if value or key in DEFAULTS else "")
        return res
