from .common import IntakeCase


class TestForecast(IntakeCase):

    def test_manager_sees_weighted_revenue_by_month_and_stage(self):
        # given two open opportunities closing in June and a won one
        stage = self.env["crm.stage"].create({"name": "Proposal (test)", "probability": 40})
        common = {"type": "opportunity", "team_id": self.team.id, "user_id": self.alice.id, "stage_id": stage.id,
                  "date_deadline": "2031-06-10"}
        self.Lead.create(dict(common, name="A", planned_revenue=1000, probability=40))
        self.Lead.create(dict(common, name="B", planned_revenue=3000, probability=10, date_deadline="2031-06-28"))
        self.Lead.create(dict(common, name="Won", planned_revenue=9000, probability=100))
        # when the manager reads the forecast by month and stage
        Report = self.env["crm.lead.forecast.report"].sudo(self.manager)
        rows = Report.read_group([("team_id", "=", self.team.id)],
                                 ["closing_month", "stage_id", "expected_revenue", "weighted_revenue",
                                  "opportunity_count"],
                                 ["closing_month:month", "stage_id"], lazy=False)
        # then June shows the two open ones, weighted by probability, and not the won one
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["opportunity_count"], 2)
        self.assertAlmostEqual(rows[0]["expected_revenue"], 4000)
        self.assertAlmostEqual(rows[0]["weighted_revenue"], 400 + 300)
