from odoo import _, api, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """New leads from the mail gateway go through crm_leads' intake pipeline."""
        parsed = self.env.context.get("mail_gateway_parsed")
        if parsed is None:
            return super(CrmLead, self).message_new(msg_dict, custom_values=custom_values)
        self = self.with_context(default_user_id=False)
        values = {
            "name": msg_dict.get("subject") or _("No Subject"),
            "email_from": msg_dict.get("from"),
            "email_cc": msg_dict.get("cc"),
            "partner_id": msg_dict.get("author_id", False),
        }
        if msg_dict.get("author_id"):
            values.update(self._onchange_partner_id_values(msg_dict["author_id"]))
        if msg_dict.get("priority") in dict(self._fields["priority"].selection):
            values["priority"] = msg_dict["priority"]
        values.update(custom_values or {})
        parsed = dict(parsed)
        form = parsed.pop("mail_gateway_form", False)
        for field, value in parsed.items():
            # a website form's fields win over the (robot) sender's; otherwise fill the gaps
            if value and (form or field == "description" or not values.get(field)):
                values[field] = value
        if form and parsed.get("email_from") and msg_dict.get("author_id"):
            values["partner_id"] = False
        team_id = self.env.context.get("mail_gateway_team_id")
        if team_id:
            values["team_id"] = team_id
        lead = self.intake_create(values, "email", team_id=values.get("team_id"),
                                  gateway_message_id=self.env.context.get("mail_gateway_message_id"),
                                  message=msg_dict)
        outcome = self.env.context.get("mail_gateway_outcome")
        if outcome is not None:
            outcome["lead"] = lead
        return lead
