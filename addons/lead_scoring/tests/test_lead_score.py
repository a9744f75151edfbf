from unittest.mock import patch

from odoo.exceptions import ValidationError

from ..models import crm_lead as crm_lead_module

from .common import LeadScoringCase


class TestLeadScore(LeadScoringCase):

    def test_engaged_prospect_ranks_above_idle_one(self):
        # given two French leads alike
        active = self._lead("Active prospect", country_id=self.france.id)
        idle = self._lead("Idle prospect", country_id=self.france.id)
        self.assertEqual((active.score, idle.score), (30, 30))
        # when one visits the pricing page and downloads two white papers
        self._events(active, ("page_view", "https://www.example.com/pricing", 0),
                     ("download", "/papers/a.pdf", 1), ("download", "/papers/b.pdf", 0))
        # then it ranks above the other, is hot with three stars, and the reasons are written
        self.assertEqual(active.score, 80)
        self.assertEqual(active.score_fit, 30)
        self.assertEqual(active.score_engagement, 50)
        self.assertEqual(active.score_grid, "B1")
        self.assertEqual(active.priority, "3")
        self.assertEqual(idle.score, 30)
        self.assertEqual(idle.priority, "1")
        self.assertIn("+30 Based in France", active.score_explanation)
        self.assertIn("+30 Downloaded two white papers (2 times)", active.score_explanation)
        self.assertIn("+20 Visited the pricing page", active.score_explanation)
        self.assertEqual(active.event_count, 3)

    def test_negative_rule_lowers_score_and_is_explained(self):
        lead = self._lead("Student", country_id=self.france.id, function="Director",
                          email_from="jane@univ.edu")
        self.assertEqual(lead.score, 25)
        self.assertIn("Lowered by:\n-25 Student e-mail address", lead.score_explanation)

    def test_profile_change_rescores_the_lead(self):
        lead = self._lead("Moving lead", country_id=self.usa.id)
        self.assertEqual(lead.score, 0)
        self.assertEqual(lead.priority, "0")
        lead.write({"country_id": self.france.id, "function": "Sales Director"})
        self.assertEqual(lead.score, 50)
        self.assertEqual(lead.priority, "2")

    def test_old_interest_fades(self):
        fresh = self._lead("Fresh visit")
        old = self._lead("Old visit")
        self._events(fresh, ("page_view", "/pricing", 0))
        self._events(old, ("page_view", "/pricing", 30))
        self.assertEqual(fresh.score_engagement, 20)
        self.assertAlmostEqual(old.score_engagement, 10, places=1)

    def test_downloads_outside_window_do_not_count(self):
        lead = self._lead("Old downloads")
        self._events(lead, ("download", "/a.pdf", 200), ("download", "/b.pdf", 1))
        self.assertEqual(lead.score_engagement, 0)

    def test_turning_hot_alerts_the_assignee(self):
        lead = self._lead("Soon hot", country_id=self.france.id, function="Director", user_id=self.salesman.id)
        self.assertFalse(lead.activity_ids)
        self._events(lead, ("page_view", "/pricing", 0))
        self.assertEqual(lead.score, 70)
        self.assertEqual(len(lead.activity_ids), 1)
        self.assertEqual(lead.activity_ids.user_id, self.salesman)
        self.assertIn("Hot lead", lead.activity_ids.summary)
        # staying hot does not alert twice
        self._events(lead, ("page_view", "/pricing", 0))
        self.assertEqual(len(lead.activity_ids), 1)

    def test_events_for_unknown_lead_are_refused_and_nothing_is_recorded(self):
        count = self.env["crm.lead.event"].search_count([])
        with self.assertRaisesRegex(ValidationError, "Unknown lead 999999"):
            self.env["crm.lead.event"].record_events([
                {"type": "page_view", "url": "/pricing", "visitor_id": "v1"},
                {"type": "page_view", "url": "/pricing", "lead_id": 999999}])
        with self.assertRaisesRegex(ValidationError, "Unknown event type"):
            self.env["crm.lead.event"].record_events([{"type": "teleport", "visitor_id": "v1"}])
        with self.assertRaisesRegex(ValidationError, "lead_id or a visitor_id"):
            self.env["crm.lead.event"].record_events([{"type": "page_view"}])
        self.assertEqual(self.env["crm.lead.event"].search_count([]), count)

    def test_anonymous_visitor_events_join_the_lead_on_form_submission(self):
        # given an anonymous visitor who looked at the pricing page
        self.env["crm.lead.event"].record_events([
            {"type": "page_view", "url": "/pricing", "visitor_id": "visitor-42"}])
        # when the visitor submits a form (through the crm_leads intake)
        lead = self.env["crm.lead"].intake_create({"name": "Web form", "visitor_id": "visitor-42"}, "form")
        # then the visit is on the lead and counts in its score
        self.assertEqual(lead.event_count, 1)
        self.assertEqual(lead.score_engagement, 20)
        # and later visits go straight to the lead
        self.env["crm.lead.event"].record_events([
            {"type": "download", "url": "/a.pdf", "visitor_id": "visitor-42"},
            {"type": "download", "url": "/b.pdf", "visitor_id": "visitor-42"}])
        self.assertEqual(lead.event_count, 3)
        self.assertEqual(lead.score_engagement, 50)

    def test_visitor_id_given_as_an_intake_option_joins_the_visits(self):
        # given a visitor who downloaded two white papers before filling the form
        self.env["crm.lead.event"].record_events([
            {"type": "download", "url": "/a.pdf", "visitor_id": "visitor-api-9"},
            {"type": "download", "url": "/b.pdf", "visitor_id": "visitor-api-9"}])
        # when a web service passes the tracking id beside the lead values (an intake option)
        lead = self.env["crm.lead"].intake_create({"name": "API form", "email_from": "api9@example.fr"}, "api",
                                                  visitor_id="visitor-api-9")
        # then the lead keeps the visitor id and its downloads count in its score
        self.assertEqual(lead.visitor_id, "visitor-api-9")
        self.assertEqual(lead.event_count, 2)
        self.assertEqual(lead.score_engagement, 30)

    def test_events_follow_the_contact_the_lead_converts_to(self):
        lead = self._lead("Converting", contact_name="Jean Dupont")
        events = self._events(lead, ("email_open", False, 0))
        partner = self.env["res.partner"].create({"name": "Jean Dupont"})
        lead.write({"partner_id": partner.id})
        self.assertEqual(events.partner_id, partner)

    def test_salesperson_reads_scores_but_portal_user_sees_nothing(self):
        lead = self._lead("Shared", country_id=self.france.id, user_id=self.salesman.id)
        self.assertEqual(lead.sudo(self.salesman).score, 30)
        self.assertIn("+30 Based in France", lead.sudo(self.salesman).score_explanation)
        # a salesperson may record events from the pipeline
        self.env["crm.lead.event"].sudo(self.salesman).record_events([{"type": "form", "lead_id": lead.id}])
        from odoo.exceptions import AccessError
        with self.assertRaises(AccessError):
            self.env["crm.lead.event"].sudo(self.portal).search([])
        with self.assertRaises(AccessError):
            self.env["lead.scoring.rule"].sudo(self.portal).search([])

    def test_full_recompute_matches_record_by_record(self):
        leads = self._lead("A", country_id=self.france.id) | self._lead("B", function="Director") | self._lead("C")
        self._events(leads[2], ("page_view", "/pricing", 3))
        expected = {lead.id: lead.score for lead in leads}
        self.env.cr.execute("UPDATE crm_lead SET score = 0, score_explanation = NULL WHERE id IN %s",
                            (tuple(leads.ids),))
        leads.invalidate_cache()
        # the path for large bases (COPY into a temporary table) is taken from the first lead on
        with patch.object(crm_lead_module, "BULK_ROWS", 1):
            self.env["crm.lead"]._scoring_recompute_all()
        self.assertEqual({lead.id: lead.score for lead in leads}, expected)
        self.assertTrue(all(lead.score_explanation for lead in leads))
        # three days into a 30-day half-life: 20 points faded to 19
        self.assertIn("+19 Visited the pricing page", leads[2].score_explanation)

    def test_a_lead_warmed_by_its_score_becomes_qualified_when_its_answers_are_known(self):
        # given a French lead whose need, budget and timing are known, cold at 30 points
        lead = self._lead("Ready to talk", country_id=self.france.id, qualification_need="A new roof",
                          qualification_budget="10 k", qualification_timing="Before summer")
        self.assertEqual((lead.score, lead.temperature, lead.is_qualified), (30, "cold", False))
        # when its visit of the pricing page warms it (50 points)
        self._events(lead, ("page_view", "https://www.example.com/pricing", 0))
        # then it is qualified, as a lead warmed by hand would be
        self.assertEqual((lead.score, lead.temperature, lead.is_qualified), (50, "warm", True))
        # and when the rule that warmed it is withdrawn (every lead re-scored in SQL), it cools down
        # and is no longer qualified
        self.rule_pricing.write({"active": False})
        self.assertEqual((lead.score, lead.temperature, lead.is_qualified), (30, "cold", False))
