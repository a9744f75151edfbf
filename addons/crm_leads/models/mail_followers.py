from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError


class MailFollowers(models.Model):
    """Odoo 11 lets any employee or portal user create a follower over RPC on any document,
    and following a document opens its chatter (and, for a portal user, the invoice or order
    itself through the portal rules on followers). Its own ``message_subscribe`` checks the
    document; a follower created directly must pass the same check: read access to follow it
    oneself, write access to make someone else (or a channel) follow it."""

    _inherit = "mail.followers"

    @api.model
    def create(self, vals):
        self._check_follow_rights(vals.get("res_model"), vals.get("res_id"), vals.get("partner_id"))
        return super(MailFollowers, self).create(vals)

    @api.multi
    def write(self, vals):
        if self.env.uid != SUPERUSER_ID:
            for follower in self:
                self._check_follow_rights(vals.get("res_model", follower.res_model),
                                          vals.get("res_id", follower.res_id),
                                          vals.get("partner_id", follower.partner_id.id))
        return super(MailFollowers, self).write(vals)

    @api.model
    def _check_follow_rights(self, model, res_id, partner_id):
        if self.env.uid == SUPERUSER_ID or not model or model not in self.env:
            return
        mode = "read" if partner_id and partner_id == self.env.user.partner_id.id else "write"
        document = self.env[model].browse(res_id)
        try:
            document.check_access_rights(mode)
            document.check_access_rule(mode)
            if res_id and not document.exists():
                raise AccessError(model)
        except AccessError:
            raise AccessError(_("You may follow a document only when you may read it, and make others "
                                "follow it only when you may change it."))
