"""The intake pipeline: one method chain that every inbound lead goes through.

Every entry point (the JSON web service, the embeddable website form, the e-mail
gateway of mail_gateway) calls ``crm.lead.intake_create``. Each step is a small
method that other addons extend with ``super()``:

    _intake_prepare_context  who sends it: channel, team, source, API key, UTM
    _intake_normalise        clean the payload into crm.lead values
    _intake_check_duplicates contact_dedup links or flags duplicates here
    _intake_score            lead_scoring sets the score here
    _intake_create_record    the create itself
    _intake_assign           crm_leads assignment rules
    _intake_notify           activity and e-mail to the assignee
"""
from odoo import api, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def intake_create(self, values, channel, **options):
        """Create one lead from an inbound payload and return it.

        :param values: dict of crm.lead values (already mapped from the payload)
        :param channel: 'api', 'form', 'email' or 'manual'
        :param options: extra facts about the sender (``team_id``, ``source_id``,
            ``api_key``, ``utm``...), kept in the pipeline context
        """
        context = self._intake_prepare_context(channel, options)
        vals = self._intake_normalise(dict(values), context)
        vals = self._intake_check_duplicates(vals, context)
        vals = self._intake_score(vals, context)
        lead = self._intake_create_record(vals, context)
        lead._intake_assign(context)
        lead._intake_notify(context)
        return lead

    @api.model
    def _intake_prepare_context(self, channel, options):
        """Return the dict that every later step receives."""
        context = dict(options)
        context["channel"] = channel
        return context

    @api.model
    def _intake_normalise(self, vals, context):
        """Return cleaned crm.lead values."""
        if context.get("team_id") and not vals.get("team_id"):
            vals["team_id"] = context["team_id"]
        if context.get("source_id") and not vals.get("source_id"):
            vals["source_id"] = context["source_id"]
        return vals

    @api.model
    def _intake_check_duplicates(self, vals, context):
        """Return the values, possibly linked to existing records (contact_dedup)."""
        return vals

    @api.model
    def _intake_score(self, vals, context):
        """Return the values with a score (lead_scoring)."""
        return vals

    @api.model
    def _intake_create_record(self, vals, context):
        """Create and return the lead."""
        return self.create(vals)

    def _intake_assign(self, context):
        """Route the new lead to a team and a salesperson."""
        return True

    def _intake_notify(self, context):
        """Tell the assignee."""
        return True
