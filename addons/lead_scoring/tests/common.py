import datetime

from odoo import fields
from odoo.tests.common import SavepointCase


class LeadScoringCase(SavepointCase):
    """A company with a few scoring rules, a salesperson, a sales manager and a portal user."""

    @classmethod
    def setUpClass(cls):
        super(LeadScoringCase, cls).setUpClass()
        # the re-score after a rule is saved runs at once (a background job otherwise)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       lead_scoring_recompute_now=True))
        cls.company = cls.env.user.company_id
        cls.company.write({
            "lead_scoring_fit_cap": 50, "lead_scoring_engagement_cap": 50,
            "lead_scoring_hot_threshold": 70, "lead_scoring_warm_threshold": 40,
        })
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.salesman = Users.create({
            "name": "Sophie Vendeuse", "login": "sophie.scoring", "email": "sophie@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        cls.manager = Users.create({
            "name": "Marc Directeur", "login": "marc.scoring", "email": "marc@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_manager").id])],
        })
        cls.portal = Users.create({
            "name": "Paul Portail", "login": "paul.scoring", "email": "paul@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
        })
        # the demo rules are left out: each test knows exactly which rules count
        cls.env["lead.scoring.rule"].search([]).write({"active": False})
        Rule = cls.env["lead.scoring.rule"]
        cls.rule_france = Rule.create({
            "name": "Based in France", "rule_type": "profile",
            "domain": "[('country_id.code', '=', 'FR')]", "points": 30,
        })
        cls.rule_title = Rule.create({
            "name": "Decision maker", "rule_type": "profile",
            "domain": "[('function', 'ilike', 'director')]", "points": 20,
        })
        cls.rule_student = Rule.create({
            "name": "Student e-mail address", "rule_type": "profile",
            "domain": "[('email_from', 'ilike', '.edu')]", "points": -25,
        })
        cls.rule_pricing = Rule.create({
            "name": "Visited the pricing page", "rule_type": "behaviour",
            "event_type": "page_view", "url_pattern": "/pricing", "points": 20, "half_life": 30,
        })
        cls.rule_papers = Rule.create({
            "name": "Downloaded two white papers", "rule_type": "behaviour",
            "event_type": "download", "min_count": 2, "window_days": 90, "points": 30,
        })
        cls.france = cls.env.ref("base.fr")
        cls.usa = cls.env.ref("base.us")

    @classmethod
    def _lead(cls, name, **values):
        vals = {"name": name, "type": "lead"}
        vals.update(values)
        return cls.env["crm.lead"].create(vals)

    @staticmethod
    def _ago(days):
        return fields.Datetime.to_string(datetime.datetime.utcnow() - datetime.timedelta(days=days))

    def _events(self, lead, *specs):
        """specs: (type, url, days ago)"""
        return self.env["crm.lead.event"].record_events([
            {"lead_id": lead.id, "type": event_type, "url": url, "timestamp": self._ago(days)}
            for event_type, url, days in specs])
