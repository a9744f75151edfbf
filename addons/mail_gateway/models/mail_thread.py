from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """A reply found by the reference in its subject goes to that record."""
        forced = self.env.context.get("mail_gateway_force_thread")
        if forced:
            return [(forced[0], forced[1], custom_values, self.env.uid, None)]
        return super(MailThread, self).message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values)
