from unittest.mock import patch

from ..models import crm_lead as crm_lead_module

from .common import LeadScoringCase

SHOWN = ("score", "score_fit", "score_engagement", "score_grid", "priority", "temperature", "score_explanation")


class TestFullRecompute(LeadScoringCase):
    """The nightly full recompute runs inside PostgreSQL: same scores and reasons as live scoring."""

    def _shown(self, leads):
        leads.invalidate_cache()
        return {lead.id: tuple(lead[name] for name in SHOWN) for lead in leads}

    def test_full_recompute_gives_the_live_scores_and_reasons(self):
        # given leads scored live: profile rules (one through the country's code), a negative
        # rule, events faded by a half-life and a rule needing two downloads
        leads = (self._lead("French director", country_id=self.france.id, function="Sales Director")
                 | self._lead("Student", country_id=self.france.id, email_from="kim@univ.edu")
                 | self._lead("American", country_id=self.usa.id)
                 | self._lead("Nobody"))
        self._events(leads[0], ("page_view", "/pricing", 12), ("download", "/a.pdf", 2), ("download", "/b.pdf", 5))
        self._events(leads[1], ("page_view", "https://www.example.com/pricing?from=mail", 45))
        live = self._shown(leads)
        self.assertEqual(live[leads[1].id][-1],
                         "Raised by:\n+30 Based in France\n+7 Visited the pricing page\n"
                         "Lowered by:\n-25 Student e-mail address")
        # when their scores are wiped and the full recompute runs
        self.env.cr.execute(
            "UPDATE crm_lead SET score = NULL, score_fit = NULL, score_engagement = NULL, score_grid = NULL, "
            "score_explanation = NULL, priority = '0' WHERE id IN %s", (tuple(leads.ids),))
        changed = self.env["crm.lead"]._scoring_recompute_all()
        # then every lead is back to its score, grid, stars, temperature and reasons
        self.assertGreaterEqual(changed, len(leads))
        self.assertEqual(self._shown(leads), live)
        self.assertIn("+30 Downloaded two white papers (2 times)", leads[0].score_explanation)
        # and neither the live scoring nor a second full recompute finds anything to change
        self.assertEqual(leads._scoring_recompute(), 0)
        self.assertEqual(self.env["crm.lead"]._scoring_recompute_all(), 0)

    def test_full_recompute_explains_the_five_strongest_reasons_of_each_side(self):
        # given a lead raised by six rules and lowered by two, one of which has faded below half a point
        Rule = self.env["lead.scoring.rule"].with_context(lead_scoring_no_recompute=True)
        for points in (1, 2, 3, 4):
            Rule.create({"name": "Busy %d" % points, "rule_type": "profile", "domain": "[('name', 'ilike', 'busy')]",
                         "points": points})
        Rule.create({"name": "Left the newsletter", "rule_type": "behaviour", "event_type": "newsletter",
                     "points": -1, "half_life": 1})
        lead = self._lead("Busy student", country_id=self.france.id, function="Director", email_from="kim@univ.edu")
        self._events(lead, ("newsletter", False, 6))
        expected = ("Raised by:\n+30 Based in France\n+20 Decision maker\n+4 Busy 4\n+3 Busy 3\n+2 Busy 2\n"
                    "Lowered by:\n-25 Student e-mail address")
        self.assertEqual(lead.score_explanation, expected)
        # when the scores are wiped and the full recompute runs
        self.env.cr.execute("UPDATE crm_lead SET score = NULL, score_explanation = NULL WHERE id = %s", (lead.id,))
        self.env["crm.lead"]._scoring_recompute_all()
        # then the lead shows the same five strongest raising reasons and the lowering one worth a point
        lead.invalidate_cache()
        self.assertEqual(lead.score_explanation, expected)
        self.assertEqual(lead.score_fit, 35.0)
        self.assertEqual(lead._scoring_recompute(), 0)

    def test_many_leads_turning_hot_are_alerted_by_queue_jobs(self):
        # given three warm leads of Sophie who opened our e-mails, which no rule rewards yet
        leads = self.env["crm.lead"]
        for index in range(3):
            lead = self._lead("Warm %d" % index, country_id=self.france.id, function="Director",
                              user_id=self.salesman.id)
            self._events(lead, ("email_open", False, 1))
            leads |= lead
        self.assertEqual(set(leads.mapped("temperature")), {"warm"})
        last_job = self.env["queue.job"].search([], order="id desc", limit=1).id or 0
        # when a manager rewards opened e-mails, in a base where alerts go in batches of two
        with patch.object(crm_lead_module, "HOT_BATCH", 2):
            self.env["lead.scoring.rule"].sudo(self.manager).create({
                "name": "Opened an e-mail", "rule_type": "behaviour", "event_type": "email_open", "points": 20})
        # then the leads are hot at once, and their alerts wait in queue jobs
        self.assertEqual(set(leads.mapped("score")), {70})
        self.assertFalse(leads.mapped("activity_ids"))
        jobs = self.env["queue.job"].search([("id", ">", last_job)])
        self.assertGreaterEqual(len(jobs), 2)
        # when the jobs run, Sophie gets one "call now" to-do per lead
        from odoo.addons.queue_job.job import Job
        for job in jobs:
            Job.load(self.env, job.uuid).perform()
        for lead in leads:
            self.assertEqual(len(lead.activity_ids), 1)
            self.assertEqual(lead.activity_ids.user_id, self.salesman)
            self.assertIn("Hot lead", lead.activity_ids.summary)
