import datetime

from odoo import fields
from odoo.exceptions import ValidationError

from .common import LeadScoringCase


class TestFutureEvents(LeadScoringCase):
    """An event dated in the future cannot pump a score: refused at intake, and one recorded
    before that decays from the day it arrived."""

    def _in_days(self, days):
        return fields.Datetime.to_string(datetime.datetime.utcnow() + datetime.timedelta(days=days))

    def test_an_event_dated_next_year_is_refused_and_nothing_is_recorded(self):
        lead = self._lead("Pumped")
        Event = self.env["crm.lead.event"]
        with self.assertRaises(ValidationError) as caught:
            Event.record_events([{"lead_id": lead.id, "type": "page_view", "url": "/pricing"},
                                 {"lead_id": lead.id, "type": "page_view", "url": "/pricing",
                                  "timestamp": self._in_days(365)}])
        self.assertEqual(caught.exception.field, "timestamp")
        self.assertIn("future", caught.exception.name)
        self.assertFalse(Event.search([("lead_id", "=", lead.id)]))
        # a sender's clock a minute ahead is still taken
        Event.record_events([{"lead_id": lead.id, "type": "page_view", "url": "/pricing",
                              "timestamp": self._in_days(1.0 / 1440)}])
        self.assertEqual(lead.score_engagement, 20)

    def test_a_future_event_recorded_before_decays_from_its_arrival(self):
        # given a lead with an event dated next year, recorded before such events were refused
        lead = self._lead("Dated next year")
        self.env["crm.lead.event"].create({"lead_id": lead.id, "event_type": "page_view", "url": "/pricing",
                                           "timestamp": self._in_days(365)})
        # when it is scored 60 days later (two half-lives of the pricing rule)
        later = datetime.datetime.utcnow() + datetime.timedelta(days=60)
        computed = self.env["crm.lead"]._scoring_compute([lead.id], now=later)[lead.id][0]
        # then its 20 points faded to 5, as for an event of the day it arrived
        self.assertAlmostEqual(computed.engagement, 5, places=0)
        # and the full recompute inside PostgreSQL agrees
        self.env["crm.lead"]._scoring_recompute_sql(now=later)
        lead.invalidate_cache()
        self.assertAlmostEqual(lead.score_engagement, 5, places=0)
