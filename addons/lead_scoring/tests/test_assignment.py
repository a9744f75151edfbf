from .common import LeadScoringCase


class TestAssignment(LeadScoringCase):
    """crm_leads assignment rules take a score range; leads turning hot are routed."""

    @classmethod
    def setUpClass(cls):
        super(TestAssignment, cls).setUpClass()
        cls.env["crm.lead.assignment.rule"].search([]).write({"active": False})
        cls.team = cls.env["crm.team"].create({"name": "Grands comptes"})
        cls.hot_rule = cls.env["crm.lead.assignment.rule"].create({
            "name": "Hot leads to Sophie", "team_id": cls.team.id, "score_min": 70, "score_max": 100,
            "member_ids": [(0, 0, {"user_id": cls.salesman.id})],
        })

    def _visit(self, visitor):
        self.env["crm.lead.event"].record_events([
            {"type": "page_view", "url": "/pricing", "visitor_id": visitor},
            {"type": "download", "url": "/a.pdf", "visitor_id": visitor},
            {"type": "download", "url": "/b.pdf", "visitor_id": visitor}])

    def test_hot_lead_from_the_intake_goes_to_the_rule_of_its_score(self):
        # given a visitor who read the pricing and two white papers, then fills the form
        self._visit("visitor-hot")
        lead = self.env["crm.lead"].intake_create({
            "name": "Hot form", "visitor_id": "visitor-hot", "country_id": self.france.id,
            "function": "Director"}, "form")
        # then the lead is hot and the rule for hot leads assigned it
        self.assertEqual(lead.score, 100)
        self.assertEqual(lead.temperature, "hot")
        self.assertEqual(lead.user_id, self.salesman)
        # a cold lead is not taken by that rule
        cold = self.env["crm.lead"].intake_create({"name": "Cold form"}, "form")
        self.assertEqual(cold.score, 0)
        self.assertNotEqual(cold.user_id, self.salesman)

    def test_unassigned_lead_turning_hot_is_routed_and_alerted(self):
        lead = self._lead("Later hot", country_id=self.france.id, function="Director", user_id=False)
        self.assertFalse(lead.user_id)
        self._events(lead, ("page_view", "/pricing", 0))
        self.assertEqual(lead.temperature, "hot")
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.activity_ids.filtered(lambda a: "Hot lead" in (a.summary or "")).user_id,
                         self.salesman)

    def test_temperature_set_by_hand_stays_until_a_threshold_is_crossed(self):
        lead = self._lead("Qualified by phone", country_id=self.france.id)
        self.assertEqual(lead.temperature, "cold")
        lead.write({"temperature": "hot"})
        self._events(lead, ("email_open", False, 0))
        self.assertEqual(lead.temperature, "hot")
        # the score crosses into warm: scoring speaks again
        lead.write({"function": "Director"})
        self.assertEqual(lead.score, 50)
        self.assertEqual(lead.temperature, "warm")
