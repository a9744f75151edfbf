from odoo.exceptions import AccessError, ValidationError

from .common import LeadScoringCase


class TestScoringRule(LeadScoringCase):

    def test_bad_condition_is_refused_with_a_clear_error(self):
        count = self.env["lead.scoring.rule"].search_count([])
        for domain in ("[('no_such_field', '=', 1)]", "not python (", "42"):
            with self.assertRaisesRegex(ValidationError, "not a valid filter on leads"), self.env.cr.savepoint():
                self.env["lead.scoring.rule"].sudo(self.manager).create({
                    "name": "Broken", "rule_type": "profile", "domain": domain, "points": 5})
        self.assertEqual(self.env["lead.scoring.rule"].search_count([]), count)

    def test_rule_broken_after_saving_never_crashes_scoring(self):
        lead = self._lead("Safe", country_id=self.france.id)
        # a condition that became invalid (for example a field removed with its addon)
        self.env.cr.execute("UPDATE lead_scoring_rule SET domain = %s WHERE id = %s",
                            ("[('gone_field', '=', 1)]", self.rule_title.id))
        self.env["lead.scoring.rule"].invalidate_cache()
        # as after a module update, the compiled rules are read again
        self.env["crm.lead"].clear_caches()
        lead.write({"function": "Director"})
        self.assertEqual(lead.score, 30)
        self.env["crm.lead"]._scoring_recompute_all()
        self.assertEqual(lead.score, 30)

    def test_manager_previews_a_rule_before_saving(self):
        self._lead("French one", country_id=self.france.id)
        self._lead("French two", country_id=self.france.id, function="Director")
        draft = self.env["lead.scoring.rule"].sudo(self.manager).new({
            "name": "French again", "rule_type": "profile", "points": 40, "active": True,
            "domain": "[('country_id.code', '=', 'FR'), ('name', 'like', 'French')]",
        })
        self.assertEqual(draft.preview_match_count, 2)
        self.assertIn("2 match this rule", draft.preview_summary)
        # the second lead already has the most fit points (cap 50): only the first one changes
        self.assertIn("1 leads (1 up, 0 down)", draft.preview_summary)
        preview = self.env["crm.lead"]._scoring_preview_rule(draft)
        self.assertEqual(preview["warm_after"] - preview["warm_before"], 1)
        # nothing saved, no score changed
        self.assertFalse(self.env["lead.scoring.rule"].search([("name", "=", "French again")]))
        bad = self.env["lead.scoring.rule"].new({"name": "Bad", "rule_type": "profile", "domain": "[('x', '=', 1)]"})
        self.assertEqual(bad.preview_match_count, 0)
        self.assertIn("not a valid filter", bad.preview_summary)

    def test_saving_a_rule_rescores_every_lead(self):
        lead = self._lead("Big budget", planned_revenue=50000)
        self.assertEqual(lead.score, 0)
        rule = self.env["lead.scoring.rule"].sudo(self.manager).create({
            "name": "Budget of 20,000 or more", "rule_type": "profile",
            "domain": "[('planned_revenue', '>=', 20000)]", "points": 25})
        self.assertEqual(lead.score, 25)
        rule.sudo(self.manager).write({"active": False})
        self.assertEqual(lead.score, 0)

    def test_only_sales_managers_edit_rules(self):
        Rule = self.env["lead.scoring.rule"]
        self.assertIn(self.rule_france, Rule.sudo(self.salesman).search([]))
        with self.assertRaises(AccessError):
            Rule.sudo(self.salesman).create({"name": "Mine", "points": 100})
        with self.assertRaises(AccessError):
            self.rule_france.sudo(self.salesman).write({"points": 100})
        self.rule_france.sudo(self.manager).write({"points": 35})
        self.assertEqual(self.rule_france.points, 35)

    def test_rule_of_another_company_does_not_count(self):
        other = self.env["res.company"].create({"name": "Autre Société"})
        self.env["lead.scoring.rule"].create({
            "name": "Other company rule", "rule_type": "profile", "domain": "[]", "points": 40,
            "company_id": other.id})
        lead = self._lead("Here", country_id=self.france.id)
        self.assertEqual(lead.score, 30)
        self.assertNotIn("Other company rule", lead.score_explanation)

    def test_thresholds_are_checked_and_change_temperature(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.company.write({"lead_scoring_warm_threshold": 90})
        lead = self._lead("Thresholds", country_id=self.france.id)
        self.assertEqual(lead.priority, "1")
        self.company.write({"lead_scoring_warm_threshold": 20, "lead_scoring_hot_threshold": 30})
        self.env["crm.lead"]._scoring_recompute_all()
        self.assertEqual(lead.priority, "3")

    def test_rule_impact_shows_which_rules_point_to_buyers(self):
        won_stage = self.env["crm.stage"].search([("probability", "=", 100)], limit=1)
        for index in range(4):
            lead = self._lead("Won %d" % index, country_id=self.france.id, type="opportunity")
            lead.write({"stage_id": won_stage.id, "probability": 100})
            lost = self._lead("Lost %d" % index, country_id=self.usa.id, type="opportunity")
            lost.write({"active": False, "probability": 0})
        impact = self.rule_france.sudo(self.manager)
        self.assertGreater(impact.impact_won_rate, 50)
        self.assertGreater(impact.impact_lift, 1)

    def test_saving_a_rule_re_scores_every_lead_in_one_background_job(self):
        if "queue.job" not in self.env:
            self.skipTest("queue_job is not installed: the re-score runs at once")
        from odoo.addons.queue_job.job import Job
        lead = self._lead("Waiting for the re-score", country_id=self.france.id)
        self.assertEqual(lead.score, 30)
        # when the manager saves the rule twice, as a user does (no "at once" in the context)
        rule = self.rule_france.with_context(lead_scoring_recompute_now=False).sudo(self.manager)
        rule.write({"points": 40})
        rule.write({"points": 45})
        # then the save did not wait for the re-score: one job waits for the job runner
        lead.invalidate_cache()
        self.assertEqual(lead.score, 30)
        jobs = self.env["queue.job"].search([("identity_key", "=", "lead_scoring.full_recompute"),
                                             ("state", "=", "pending")])
        self.assertEqual(len(jobs), 1)
        # and when it runs, the lead has the new score
        Job.load(self.env, jobs.uuid).perform()
        lead.invalidate_cache()
        self.assertEqual(lead.score, 45)
