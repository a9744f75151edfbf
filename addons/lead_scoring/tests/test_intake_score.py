from .common import LeadScoringCase

SCORE_COLUMNS = ("score", "score_fit", "score_engagement", "score_grid", "score_explanation", "priority",
                 "temperature", "is_qualified")


class TestIntakeScore(LeadScoringCase):
    """Scoring at intake is cut to a few queries (cached rules, scores put in the cache, the
    fields computed from the temperature written only when they change): what it leaves
    must be what a full re-score of the base gives."""

    def _stored(self, lead):
        self.env.cr.execute("SELECT %s FROM crm_lead WHERE id = %%s" % ", ".join(SCORE_COLUMNS), [lead.id])
        return self.env.cr.fetchone()

    def test_score_after_intake_is_the_full_recompute_one(self):
        # given a warm prospect whose answers are known, a cold one, and a student
        self.env["crm.lead.event"].record_events([
            {"type": "page_view", "url": "/pricing", "visitor_id": "visitor-intake"}])
        Lead = self.env["crm.lead"]
        leads = [
            Lead.intake_create({"name": "Ready", "email_from": "ready@corp.fr", "country_code": "FR",
                                "visitor_id": "visitor-intake", "qualification_need": "A new roof",
                                "qualification_budget": "10 k", "qualification_timing": "Before summer"}, "form"),
            Lead.intake_create({"name": "Director", "email_from": "boss@corp.fr", "country_code": "FR",
                                "function": "Sales Director"}, "api"),
            Lead.intake_create({"name": "Student", "email_from": "kid@school.edu", "country_code": "US"}, "api"),
        ]
        # when the intake returns, each lead shows the score stored in the database
        shown = [tuple(lead[name] or False for name in SCORE_COLUMNS) for lead in leads]
        stored = [tuple(value or False for value in self._stored(lead)) for lead in leads]
        self.assertEqual(shown, stored)
        self.assertEqual([row[0] for row in stored], [50, 50, 0])
        self.assertEqual([row[6] for row in stored], ["warm", "warm", "cold"])
        # the prospect warmed by its visit with its answers known is qualified, the others not
        self.assertEqual([row[7] for row in stored], [True, False, False])
        # then a full recompute of every lead changes none of them
        self.env["crm.lead"]._scoring_recompute_all()
        self.assertEqual([tuple(value or False for value in self._stored(lead)) for lead in leads], stored)

    def test_a_rule_created_after_the_fields_are_watched_applies_to_the_next_write(self):
        # given a lead already written (the watched fields are known and kept)
        lead = self._lead("Acme lead", country_id=self.france.id)
        lead.write({"function": "Buyer"})
        self.assertEqual(lead.score, 30)
        # when a rule on a field no rule named before is saved (the base is not re-scored)
        self.env["lead.scoring.rule"].with_context(lead_scoring_no_recompute=True).create({
            "name": "Large company", "rule_type": "profile", "domain": "[('partner_name', 'ilike', 'acme')]",
            "points": 10})
        self.assertEqual(lead.score, 30)
        # then the next change of that field re-scores the lead with the new rule
        lead.write({"partner_name": "Acme Industries"})
        self.assertEqual(lead.score, 40)
        self.assertIn("+10 Large company", lead.score_explanation)
        # and a rule switched off stops counting at the next change as well
        self.rule_france.with_context(lead_scoring_no_recompute=True).write({"active": False})
        lead.write({"function": "Sales Director"})
        self.assertEqual(lead.score, 30)
        self.assertNotIn("Based in France", lead.score_explanation)
