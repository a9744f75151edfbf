import random

from .common import LeadScoringCase


class TestPredictive(LeadScoringCase):

    def _close_all_history(self):
        # the demo history is set aside: each test builds its own
        self.env.cr.execute("UPDATE crm_lead SET active = TRUE, probability = 50")

    def test_empty_history_gives_no_prediction_and_no_crash(self):
        self._close_all_history()
        lead = self._lead("Open lead", country_id=self.france.id)
        model = self.env["lead.scoring.model"]._train_company(self.company)
        self.assertFalse(model.in_use)
        self.assertEqual(model.sample_count, 0)
        self.assertIn("Not enough", model.note)
        lead.invalidate_cache()
        self.assertEqual(lead.predictive_probability, 0)

    def test_model_learnt_from_history_is_used_when_it_beats_the_rules(self):
        self._close_all_history()
        rng = random.Random(7)
        source_good = self.env["utm.source"].create({"name": "Salon Vivatech"})
        source_bad = self.env["utm.source"].create({"name": "Achat de fichier"})
        vals_list = []
        for index in range(300):
            good = rng.random() < 0.5
            won = rng.random() < (0.85 if good else 0.1)
            vals_list.append({
                "name": "History %d" % index, "type": "opportunity",
                "source_id": (source_good if good else source_bad).id,
                # the rules only see the country, which says nothing here
                "country_id": rng.choice([self.france, self.usa]).id,
                "probability": 100 if won else 0, "active": won,
            })
        Lead = self.env["crm.lead"].with_context(lead_scoring_no_recompute=True)
        for vals in vals_list:
            Lead.create(vals)
        self.env.cr.execute("UPDATE crm_lead SET probability = CASE WHEN active THEN 100 ELSE 0 END "
                            "WHERE name LIKE 'History %%'")
        hot = self._lead("From Vivatech", source_id=source_good.id)
        cold = self._lead("Bought list", source_id=source_bad.id)
        model = self.env["lead.scoring.model"]._train_company(self.company)
        self.assertEqual(model.sample_count, 300)
        self.assertGreater(model.auc, 0.75)
        self.assertLess(model.rule_auc, model.auc)
        self.assertTrue(model.in_use)
        hot.invalidate_cache()
        self.assertGreater(hot.predictive_probability, 70)
        self.assertLess(cold.predictive_probability, 30)
        # a lead created after the training has its prediction at once, not at the next training
        newcomer = self._lead("Also from Vivatech", source_id=source_good.id)
        self.assertGreater(newcomer.predictive_probability, 70)
        # cron retraining runs for every company without error
        self.env["lead.scoring.model"]._cron_train()
