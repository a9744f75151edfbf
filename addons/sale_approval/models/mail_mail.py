from odoo import api, models


class MailMail(models.Model):
    """An e-mail about a quotation written straight as mail.mail (a template's *send_mail*, the
    composer's mass mailing) is checked like a message: not to the customer while it waits
    for approval."""

    _inherit = "mail.mail"

    @api.model
    def create(self, values):
        if values.get("model") == "sale.order" and values.get("res_id") and not values.get("mail_message_id"):
            order = self.env["sale.order"].browse(values["res_id"])
            recipients = [command for command in values.get("recipient_ids") or []]
            if values.get("email_to") or values.get("email_cc"):
                # a typed address is nobody's employee
                recipients.append(order.sudo().partner_id.id)
            order._approval_check_customer_message(recipients, False, author_id=values.get("author_id"))
        return super(MailMail, self).create(values)
