from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, at_install, post_install


@at_install(False)
@post_install(True)
class TestVisitorEventRace(TransactionCase):
    """The tracker sends the form's event while the form is posted: two requests at the same
    time, each in its own committed transaction, neither seeing the other's writes. The
    event joins the lead whichever commits first."""

    def setUp(self):
        super(TestVisitorEventRace, self).setUp()
        self.lead_ids, self.visitors = [], []
        self.addCleanup(self._cleanup)

    def _cursor_env(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _cleanup(self):
        env = self._cursor_env()
        env["crm.lead.event"].search([("visitor_id", "in", self.visitors)]).unlink()
        env["crm.lead"].browse(self.lead_ids).exists().unlink()
        env.cr.commit()  # pylint: disable=invalid-commit

    def _race(self, lead_commits_first):
        """The form's event and the form's lead written at the same time; one commits first."""
        with api.Environment.manage():
            event_env, lead_env = self._cursor_env(), self._cursor_env()
            company_id = event_env.user.company_id.id
            visitor = event_env["crm.lead.event"]._visitor_new(company_id)
            self.visitors.append(visitor)
            # both requests have started: each reads the database before the other commits
            lead_env["crm.lead"].search_count([])
            event_env["crm.lead.event"].record_events(
                [{"type": "form", "url": "/contact", "visitor_id": visitor}], company_id=company_id,
                signed_visitors=True)
            lead = lead_env["crm.lead"].create({"name": "Racing form %s" % visitor, "visitor_id": visitor,
                                                "company_id": company_id, "type": "lead"})
            self.lead_ids.append(lead.id)
            first, second = (lead_env, event_env) if lead_commits_first else (event_env, lead_env)
            first.cr.commit()  # pylint: disable=invalid-commit
            second.cr.commit()  # pylint: disable=invalid-commit
        check = self._cursor_env()
        return check["crm.lead.event"].search([("visitor_id", "=", visitor)]), check["crm.lead"].browse(lead.id)

    def test_the_event_committed_first_joins_the_lead_committed_after(self):
        events, lead = self._race(lead_commits_first=False)
        self.assertEqual(events.mapped("lead_id"), lead)
        self.assertEqual(lead.event_count, 1)

    def test_the_lead_committed_first_gets_the_event_committed_after(self):
        events, lead = self._race(lead_commits_first=True)
        self.assertEqual(events.mapped("lead_id"), lead)
        self.assertEqual(lead.event_count, 1)
