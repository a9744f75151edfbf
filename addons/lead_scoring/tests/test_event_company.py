from odoo.exceptions import ValidationError

from .common import LeadScoringCase


class TestEventCompany(LeadScoringCase):
    """A website's events touch only the leads of its key's company."""

    @classmethod
    def setUpClass(cls):
        super(TestEventCompany, cls).setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Autre Société (test)"})
        cls.other_lead = cls._lead("Other company's prospect", company_id=cls.other_company.id,
                                   visitor_id="visitor-shared")

    def test_an_event_naming_another_companys_lead_is_refused_as_unknown(self):
        Event = self.env["crm.lead.event"]
        with self.assertRaises(ValidationError) as refused:
            Event.record_events([{"type": "page_view", "url": "/pricing", "lead_id": self.other_lead.id}],
                                company_id=self.company.id)
        # the answer does not tell that the lead exists elsewhere
        self.assertIn("Unknown lead %d" % self.other_lead.id, refused.exception.name)
        self.assertEqual(self.other_lead.event_count, 0)
        # the company's own lead takes the event
        own = self._lead("Own prospect")
        Event.record_events([{"type": "page_view", "url": "/pricing", "lead_id": own.id}],
                            company_id=self.company.id)
        self.assertEqual(own.event_count, 1)
        self.assertEqual(own.score_engagement, 20)

    def test_a_visitor_id_joins_only_the_leads_of_the_same_company(self):
        # when the website of our company reports a visitor id that a lead of the other company has
        events = self.env["crm.lead.event"].record_events(
            [{"type": "page_view", "url": "/pricing", "visitor_id": "visitor-shared"}], company_id=self.company.id)
        # then the event stays anonymous in our company
        self.assertFalse(events.lead_id)
        self.assertEqual(events.company_id, self.company)
        self.assertEqual(self.other_lead.event_count, 0)
        # and a lead of our company with that visitor id gets it, the other company's lead never does
        own = self._lead("Own visitor", visitor_id="visitor-shared")
        self.assertEqual(own.event_count, 1)
        self.assertEqual(self.other_lead.event_count, 0)
