from .common import LeadScoringCase


class TestReport(LeadScoringCase):

    def test_conversion_by_temperature_and_score_distribution(self):
        self.env.cr.execute("UPDATE crm_lead SET active = TRUE, probability = 50")
        won_stage = self.env["crm.stage"].search([("probability", "=", 100)], limit=1)
        hot = self._lead("Hot won", country_id=self.france.id, function="Director", type="opportunity")
        self._events(hot, ("page_view", "/pricing", 0))
        hot.write({"stage_id": won_stage.id, "probability": 100})
        cold = self._lead("Cold lost", type="opportunity")
        cold.write({"active": False, "probability": 0})
        self._lead("Cold open")
        Report = self.env["lead.scoring.report"].sudo(self.manager)
        rows = {row["temperature"]: row for row in Report.read_group(
            [("status", "!=", "open")], ["temperature", "won_rate", "closed_count"], ["temperature"])}
        self.assertEqual(rows["hot"]["won_rate"], 100)
        self.assertEqual(rows["cold"]["won_rate"], 0)
        bands = {row["score_band"]: row["lead_count"] for row in Report.read_group(
            [("lead_id", "in", (hot | cold).ids)], ["score_band", "lead_count"], ["score_band"])}
        self.assertEqual(bands, {"70-79": 1, "00-09": 1})
