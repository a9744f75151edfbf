from .common import LeadScoringCase


class TestPriorityManual(LeadScoringCase):
    """A priority set by a person is not overwritten by scoring, and the lead says so."""

    def test_hand_set_priority_survives_scoring_until_given_back(self):
        # given a French lead scored 30 (one star) and followed by the salesperson
        lead = self._lead("Hand-picked", country_id=self.france.id, user_id=self.salesman.id)
        self.assertEqual((lead.score, lead.priority, lead.priority_manual), (30, "1", False))
        # when the salesperson clicks no star at all on the card (an ORM write, as the UI does)
        lead.sudo(self.salesman).write({"priority": "0"})
        # then the lead remembers it was set by hand, and the explanation says so
        self.assertTrue(lead.priority_manual)
        self.assertTrue(lead.score_explanation.startswith(
            "Priority set by hand, kept: the score alone gives 1 star.\nRaised by:\n+30 Based in France"),
            lead.score_explanation)
        # when the lead turns hot, re-scored by its events and by the full recompute
        self._events(lead, ("page_view", "/pricing", 0), ("download", "/a.pdf", 0), ("download", "/b.pdf", 0))
        self.assertEqual(lead.score, 80)
        self.env["crm.lead"]._scoring_recompute_sql()
        lead.invalidate_cache()
        # then the priority stays as set, and the explanation gives the stars of the score
        self.assertEqual(lead.priority, "0")
        self.assertIn("the score alone gives 3 stars", lead.score_explanation)
        # when the priority is given back to scoring
        lead.sudo(self.salesman).action_priority_to_scoring()
        # then the stars follow the score again, and the note is gone
        self.assertFalse(lead.priority_manual)
        self.assertEqual(lead.priority, "3")
        self.assertNotIn("by hand", lead.score_explanation)

    def test_scoring_alone_does_not_mark_the_priority_as_hand_set(self):
        lead = self._lead("Scored only", country_id=self.france.id)
        lead.write({"function": "Sales Director"})
        self.assertEqual((lead.priority, lead.priority_manual), ("2", False))
