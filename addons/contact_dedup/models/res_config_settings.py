from odoo import api, fields, models

from ..wizard.contact_dedup_settings import check_threshold


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    contact_dedup_threshold = fields.Float(
        string="Duplicate threshold",
        default=0.9,
        help="Probability (0 to 1) that two contacts are the same from which they are proposed as duplicates.",
    )
    contact_dedup_mode = fields.Selection(
        [("warn", "Warn"), ("block", "Block"), ("link", "Auto-link")],
        string="On a new duplicate",
        default="warn",
        help="Warn: show the possible duplicates. Block: refuse to create a contact or an inbound lead "
             "that duplicates an existing one. Auto-link: inbound leads are linked to the existing contact.",
    )
    contact_dedup_email_provider_rules = fields.Boolean(
        string="E-mail provider rules",
        default=True,
        help="Ignore dots and +tags where the provider does (Gmail...).",
    )

    @api.model
    def get_values(self):
        values = super(ResConfigSettings, self).get_values()
        params = self.env["ir.config_parameter"].sudo()
        values.update(
            contact_dedup_threshold=float(params.get_param("contact_dedup.threshold", "0.9")),
            contact_dedup_mode=params.get_param("contact_dedup.mode", "warn"),
            contact_dedup_email_provider_rules=params.get_param("contact_dedup.email_provider_rules", "1") != "0",
        )
        return values

    @api.multi
    def set_values(self):
        result = super(ResConfigSettings, self).set_values()
        params = self.env["ir.config_parameter"].sudo()
        check_threshold(self.contact_dedup_threshold)
        params.set_param("contact_dedup.threshold", repr(self.contact_dedup_threshold))
        params.set_param("contact_dedup.mode", self.contact_dedup_mode or "warn")
        params.set_param("contact_dedup.email_provider_rules", "1" if self.contact_dedup_email_provider_rules else "0")
        return result
