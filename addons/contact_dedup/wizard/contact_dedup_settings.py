from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

MODES = [("warn", "Warn"), ("block", "Block"), ("link", "Auto-link")]


def check_threshold(value):
    """The threshold is a probability: above 0, at most 1; anything else is refused, not bent."""
    if not 0 < value <= 1:
        raise ValidationError(_("The duplicate threshold is a probability between 0 and 1 (0.9 by default), "
                                "not %s.") % value)


class ContactDedupSettings(models.TransientModel):
    """The Duplicates settings for sales managers, who cannot open the whole Settings page."""

    _name = "contact.dedup.settings"
    _description = "Duplicate settings"

    threshold = fields.Float(
        string="Duplicate threshold",
        default=lambda self: self.env["contact.dedup.group"]._dedup_threshold(),
        help="Probability (0 to 1) that two contacts are the same from which they are proposed as duplicates.",
    )
    mode = fields.Selection(
        MODES,
        string="On a new duplicate",
        default=lambda self: self.env["contact.dedup.group"]._dedup_mode(),
        help="Warn: show the possible duplicates. Block: refuse to create a contact or an inbound lead "
             "that duplicates an existing one. Auto-link: inbound leads are linked to the existing contact.",
    )
    email_provider_rules = fields.Boolean(
        string="E-mail provider rules",
        default=lambda self: self.env["ir.config_parameter"].sudo().get_param(
            "contact_dedup.email_provider_rules", "1") != "0",
        help="Ignore dots and +tags where the provider does (Gmail...).",
    )

    @api.constrains("threshold")
    def _check_threshold(self):
        for settings in self:
            check_threshold(settings.threshold)

    @api.multi
    def action_save(self):
        self.ensure_one()
        # a wizard any user may open: the settings themselves are the sales managers'
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only sales managers may change the duplicate settings."))
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("contact_dedup.threshold", repr(self.threshold))
        params.set_param("contact_dedup.mode", self.mode or "warn")
        params.set_param("contact_dedup.email_provider_rules", "1" if self.email_provider_rules else "0")
        return {"type": "ir.actions.act_window_close"}
