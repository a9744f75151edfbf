"""The outside review of issue 17: one lead per filled website form, bounded tags, no
negative rate limit, leads stored with a NaN revenue cleaned and harmless."""
import math
import time

from odoo.exceptions import ValidationError

from ..models.crm_lead import clean_non_finite_revenue
from .common import IntakeCase


class TestFormSubmittedTwice(IntakeCase):

    def _posted(self, **values):
        posted = {"ts": self.key._form_sign(now=time.time() - 30), "contact_name": "Jeanne Martin",
                  "email": "jeanne@double.example.fr", "message": "Un devis",
                  "submission_id": self.key._form_new_submission_id()}
        posted.update(values)
        return posted

    def _leads(self):
        return self.Lead.search([("email_from", "=", "jeanne@double.example.fr")])

    def test_the_same_form_sent_three_times_makes_one_lead(self):
        # given a form the visitor sends three times (double click, the browser posting again)
        posted = self._posted()
        first = self.key._form_submit(dict(posted))
        second = self.key._form_submit(dict(posted))
        third = self.key._form_submit(dict(posted))
        # then one lead exists and the later posts get the first answer
        self.assertEqual(first[0], 201)
        self.assertEqual(second, (200, first[1]))
        self.assertEqual(third, (200, first[1]))
        self.assertEqual(len(self._leads()), 1)

    def test_a_new_page_load_or_an_old_form_makes_a_new_lead(self):
        self.key._form_submit(self._posted())
        # a new page load gives a new submission id: a new lead
        self.assertEqual(self.key._form_submit(self._posted())[0], 201)
        # a form embedded before submission ids posts none: taken as before
        old = self._posted()
        del old["submission_id"]
        self.assertEqual(self.key._form_submit(old)[0], 201)
        self.assertEqual(len(self._leads()), 3)

    def test_a_form_to_correct_keeps_its_id_and_a_forged_id_is_spam(self):
        posted = self._posted()
        # the visitor's first post lacks a valid e-mail: nothing is kept of it
        self.assertEqual(self.key._form_submit(dict(posted, email="jeanne@"))[0], 400)
        # the corrected form, same page, makes the lead
        self.assertEqual(self.key._form_submit(posted)[0], 201)
        self.assertEqual(len(self._leads()), 1)
        # a made-up submission id is a bot's: nothing created, counted as spam
        status, answer = self.key._form_submit(self._posted(submission_id="made-up.0000"))
        self.assertEqual((status, answer["status"]), (201, "created"))
        self.assertEqual(self.key.form_spam_count, 1)
        self.assertEqual(len(self._leads()), 1)


class TestIntakeBounds(IntakeCase):

    def test_a_lead_with_too_many_tags_is_refused_and_creates_no_tag(self):
        Tag = self.env["crm.lead.tag"]
        before = Tag.search_count([])
        with self.assertRaises(ValidationError):
            self.Lead.sudo().intake_create(
                {"name": "Tags", "email_from": "tags@example.fr", "tags": ["t%d" % n for n in range(1000)]},
                "api", api_key=self.key)
        self.assertEqual(Tag.search_count([]), before)
        # twenty tags are fine
        lead = self.Lead.sudo().intake_create(
            {"name": "Tags", "email_from": "tags@example.fr", "tags": ["r17 %d" % n for n in range(20)]},
            "api", api_key=self.key)
        self.assertEqual(len(lead.tag_ids), 20)

    def test_a_negative_rate_limit_is_refused(self):
        with self.assertRaises(ValidationError):
            self.key.sudo(self.manager).write({"rate_limit": -5})
        with self.assertRaises(ValidationError):
            self.key.sudo(self.manager).write({"form_ip_rate_limit": -1})
        # 0 still means no limit
        self.key.sudo(self.manager).write({"rate_limit": 0, "form_ip_rate_limit": 0})

    def test_the_form_code_says_where_its_address_comes_from(self):
        helps = self.env["crm.lead.api.key"].fields_get(["form_url", "form_snippet"], ["help"])
        for field in ("form_url", "form_snippet"):
            self.assertIn("web.base.url", helps[field]["help"])


class TestNonFiniteRevenue(IntakeCase):

    @classmethod
    def setUpClass(cls):
        super(TestNonFiniteRevenue, cls).setUpClass()
        stage = cls.env["crm.stage"].create({"name": "Proposal (review 17)", "probability": 50})
        common = {"type": "opportunity", "team_id": cls.team.id, "user_id": cls.alice.id, "stage_id": stage.id,
                  "date_deadline": "2032-03-10", "probability": 50}
        cls.good = cls.Lead.create(dict(common, name="Good", planned_revenue=1000))
        cls.nan = cls.Lead.create(dict(common, name="Broken revenue", planned_revenue=10))
        cls.infinite = cls.Lead.create(dict(common, name="Endless revenue", planned_revenue=10))
        # stored before the web service refused them
        cls.env.cr.execute("UPDATE crm_lead SET planned_revenue = 'NaN' WHERE id = %s", (cls.nan.id,))
        cls.env.cr.execute("UPDATE crm_lead SET planned_revenue = 'Infinity' WHERE id = %s", (cls.infinite.id,))
        cls.Lead.invalidate_cache()

    def _forecast(self):
        return self.env["crm.lead.forecast.report"].read_group(
            [("team_id", "=", self.team.id)], ["team_id", "expected_revenue", "weighted_revenue"], ["team_id"])[0]

    def test_forecast_and_export_ignore_a_nan_revenue_left(self):
        self.assertTrue(math.isnan(self.nan.planned_revenue))
        # the forecast counts it as 0
        row = self._forecast()
        self.assertAlmostEqual(row["expected_revenue"], 1000)
        self.assertAlmostEqual(row["weighted_revenue"], 500)
        # the exports too
        leads = self.good | self.nan | self.infinite
        self.assertAlmostEqual(leads._pipeline_summary()["total"]["expected_revenue"], 1000)
        csv = leads._pipeline_export_csv().lower()
        self.assertNotIn("nan", csv)
        self.assertNotIn("inf", csv)
        content, kind = self.env.ref("crm_leads.action_report_pipeline_xlsx").render_xlsx(leads.ids, {})
        self.assertEqual(kind, "xlsx")
        self.assertTrue(content)

    def test_migration_sets_them_to_zero_and_leaves_the_others(self):
        # when the migration to 11.0.1.1.0 runs
        cleaned = clean_non_finite_revenue(self.env.cr)
        self.Lead.invalidate_cache()
        # then only the NaN and infinite revenues became 0, nothing posted in their chatter
        self.assertEqual(sorted(cleaned), sorted((self.nan | self.infinite).ids))
        self.assertEqual((self.nan.planned_revenue, self.infinite.planned_revenue), (0, 0))
        self.assertEqual(self.good.planned_revenue, 1000)
        self.assertEqual(clean_non_finite_revenue(self.env.cr), [])
