from odoo.exceptions import ValidationError

from ..models.crm_lead_event import InvalidVisitor
from .common import LeadScoringCase


class TestSignedVisitorIds(LeadScoringCase):
    """A website names only the visitors the server handed out to its company."""

    @classmethod
    def setUpClass(cls):
        super(TestSignedVisitorIds, cls).setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Autre Société (visiteurs)"})
        cls.Event = cls.env["crm.lead.event"]
        team = cls.env["crm.team"].create({"name": "Site web (visiteurs)"})
        cls.key, _secret = cls.env["crm.lead.api.key"]._generate({"name": "Site web (visiteurs)",
                                                                  "team_id": team.id})

    def test_events_of_a_made_up_or_foreign_visitor_are_refused_whole(self):
        ours = self.Event._visitor_new(self.company.id)
        theirs = self.Event._visitor_new(self.other_company.id)
        for visitor in ("visitor-123", theirs, ours[:-1] + ("0" if ours[-1] != "0" else "1")):
            with self.assertRaises(InvalidVisitor) as refused:
                self.Event.record_events([{"type": "page_view", "url": "/pricing", "visitor_id": ours},
                                          {"type": "page_view", "url": "/pricing", "visitor_id": visitor}],
                                         company_id=self.company.id, signed_visitors=True)
            self.assertIn("/api/crm/v1/visitor", refused.exception.name)
        # nothing was recorded, not even the good event of the refused calls
        self.assertFalse(self.Event.search([("visitor_id", "=", ours)]))
        # the id the server handed out to our website is taken
        events = self.Event.record_events([{"type": "page_view", "url": "/pricing", "visitor_id": ours}],
                                          company_id=self.company.id, signed_visitors=True)
        self.assertEqual(len(events), 1)

    def test_api_lead_with_a_made_up_visitor_is_refused_and_a_handed_out_one_takes_its_events(self):
        Lead = self.env["crm.lead"]
        visitor = self.Event._visitor_new(self.company.id)
        self.Event.record_events([{"type": "page_view", "url": "/pricing", "visitor_id": visitor}],
                                 company_id=self.company.id, signed_visitors=True)
        # a lead claiming a visitor the server never handed out is refused with the reason
        for made_up in ("visitor-123", self.Event._visitor_new(self.other_company.id)):
            with self.assertRaises(ValidationError) as refused:
                Lead.intake_create({"name": "Claimed visitor", "email_from": "claim@example.fr"}, "api",
                                   api_key=self.key, utm={}, visitor_id=made_up)
            self.assertIn("was not handed out", refused.exception.name)
        self.assertFalse(Lead.search([("email_from", "=", "claim@example.fr")]))
        # the visitor's own id brings its past visits into the lead
        lead = Lead.intake_create({"name": "Known visitor", "email_from": "known@example.fr"}, "api",
                                  api_key=self.key, utm={}, visitor_id=visitor)
        self.assertEqual(lead.visitor_id, visitor)
        self.assertEqual(lead.event_count, 1)
        self.assertEqual(lead.score_engagement, 20)

    def test_publishable_key_names_a_lead_only_with_its_visitor(self):
        # given a lead made from the form of a browser with a handed out visitor id
        visitor = self.Event._visitor_new(self.company.id)
        lead = self.env["crm.lead"].create({"name": "Formulaire du site", "visitor_id": visitor,
                                            "company_id": self.company.id})
        missing = lead.id + 100000
        answers = []
        # when a publishable key names it, or a missing lead, by the id alone
        for lead_id in (lead.id, missing):
            with self.assertRaises(ValidationError) as refused:
                self.Event.record_events([{"type": "form", "url": "/contact", "lead_id": lead_id}],
                                         company_id=self.company.id, signed_visitors=True, publishable=True)
            answers.append(refused.exception.name.replace(str(lead_id), "<id>"))
        # then nothing is recorded, and the answers do not tell which lead exists
        self.assertEqual(answers[0], answers[1])
        self.assertFalse(lead.event_ids)
        # with that browser's visitor id the event is the lead's
        events = self.Event.record_events([{"type": "form", "url": "/contact", "lead_id": lead.id,
                                            "visitor_id": visitor}],
                                          company_id=self.company.id, signed_visitors=True, publishable=True)
        self.assertEqual(events.lead_id, lead)
