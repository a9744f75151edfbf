from .common import IntakeCase


class TestIntakeNotification(IntakeCase):

    def _mails_during(self, function):
        """What ``function`` returns, and the values of every e-mail it queued or sent."""
        MailMail = type(self.env["mail.mail"])
        original = MailMail.create
        mails = []

        def create(records, values):
            mails.append(values)
            return original(records, values)

        MailMail.create = create
        try:
            result = function()
        finally:
            MailMail.create = original
        return result, mails

    def test_the_salesperson_gets_one_email_naming_the_lead(self):
        # when a lead comes through the web service and a rule gives it to a salesperson
        lead, mails = self._mails_during(lambda: self.Lead.intake_create(
            {"name": "Pompe à chaleur Rouen", "email_from": "client@example.fr", "country_code": "FR"},
            "api", api_key=self.key))
        partner = lead.user_id.partner_id
        self.assertIn(lead.user_id, self.alice | self.bob)
        # then one e-mail reaches the salesperson, the pipeline's alert naming the lead (not
        # Odoo's "you have been assigned" e-mail besides)
        to_salesperson = [mail for mail in mails if (4, partner.id) in (mail.get("recipient_ids") or [])]
        self.assertEqual(len(to_salesperson), 1, mails)
        self.assertIn("Pompe à chaleur Rouen", to_salesperson[0]["subject"])
        # with a follow-up activity, and following the lead
        self.assertEqual(lead.intake_activity_id.user_id, lead.user_id)
        self.assertIn(partner, lead.message_partner_ids)
        # and the chatter shows the creation with its assignment in one tracking message
        tracked = lead.message_ids.filtered("tracking_value_ids")
        self.assertEqual(len(tracked), 1)
        values = {value.field: value for value in tracked.tracking_value_ids}
        self.assertEqual(values["user_id"].new_value_integer, lead.user_id.id)
        self.assertEqual(values["team_id"].new_value_integer, self.team.id)
        self.assertEqual(values["stage_id"].new_value_integer, lead.stage_id.id)

    def test_through_the_web_service_the_alert_follows_from_one_queue_job(self):
        from odoo.addons.queue_job.job import Job
        last_job = max(self.env["queue.job"].search([]).ids or [0])
        # when a lead comes through the web service, whose answer does not wait for the alert
        lead, mails = self._mails_during(lambda: self.Lead.intake_create(
            {"name": "Isolation Caen", "email_from": "caen@example.fr", "country_code": "FR"},
            "api", api_key=self.key, notify_later=True))
        partner = lead.user_id.partner_id
        # then it is assigned at once, and its alert and creation tracking wait in one queue job
        self.assertIn(lead.user_id, self.alice | self.bob)
        self.assertFalse(lead.intake_activity_id)
        self.assertFalse(lead.message_ids.filtered("tracking_value_ids"))
        self.assertFalse([mail for mail in mails if (4, partner.id) in (mail.get("recipient_ids") or [])])
        jobs = self.env["queue.job"].search([("id", ">", last_job), ("method_name", "=", "_job_intake_notify")])
        self.assertEqual(len(jobs), 1)
        # when the job runs, even twice (a retry after an answer lost), the salesperson is alerted once
        _result, mails = self._mails_during(lambda: [Job.load(self.env, jobs.uuid).perform() for _run in range(2)])
        to_salesperson = [mail for mail in mails if (4, partner.id) in (mail.get("recipient_ids") or [])]
        self.assertEqual(len(to_salesperson), 1, mails)
        self.assertIn("Isolation Caen", to_salesperson[0]["subject"])
        self.assertEqual(lead.intake_activity_id.user_id, lead.user_id)
        self.assertEqual(len(lead.activity_ids), 1)
        # and the chatter shows the creation with its assignment in one tracking message
        tracked = lead.message_ids.filtered("tracking_value_ids")
        self.assertEqual(len(tracked), 1)
        values = {value.field: value for value in tracked.tracking_value_ids}
        self.assertEqual(values["user_id"].new_value_integer, lead.user_id.id)
        self.assertEqual(values["team_id"].new_value_integer, self.team.id)

    def test_a_lead_no_rule_takes_keeps_its_creation_tracking(self):
        self.env.user.company_id.intake_default_team_id = self.other_team
        lead, mails = self._mails_during(lambda: self.Lead.intake_create(
            {"name": "Anfrage", "email_from": "hans@example.de", "country_code": "DE"}, "manual"))
        self.assertFalse(lead.user_id)
        self.assertFalse(mails)
        tracked = lead.message_ids.mapped("tracking_value_ids")
        self.assertIn("stage_id", tracked.mapped("field"))
        self.assertEqual(tracked.filtered(lambda value: value.field == "team_id").new_value_integer,
                         self.other_team.id)
