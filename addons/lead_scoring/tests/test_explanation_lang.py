from .common import LeadScoringCase


class TestExplanationLanguage(LeadScoringCase):
    """Why a score, read in the reader's language, whoever scored the lead; stars counted in
    the singular or the plural; a score of 0 says why."""

    @classmethod
    def setUpClass(cls):
        super(TestExplanationLanguage, cls).setUpClass()
        cls.env["ir.translation"].load_module_terms(["lead_scoring"], ["fr_FR"])
        cls.rule_france.with_context(lang="fr_FR").write({"name": "Basé en France"})
        cls.french = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Julie Commerciale", "login": "julie.scoring", "email": "julie@example.com", "lang": "fr_FR",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])],
        })

    def _read_as(self, lead, user, lang):
        # as the web client reads it, in a request of its own: the user's rights and language
        lead.invalidate_cache()
        return lead.sudo(user).with_context(lang=lang).read(["score_explanation_display"])[0][
            "score_explanation_display"]

    def test_a_french_salesperson_reads_in_french_a_lead_scored_in_english(self):
        # given a French purchasing director, scored by an English-speaking user
        lead = self._lead("Acheteur", country_id=self.france.id, function="Purchasing Director",
                          user_id=self.french.id)
        self.assertEqual(lead.score_explanation, "Raised by:\n+30 Based in France\n+20 Decision maker")
        # when a French salesperson opens it, the reasons and the rule names are in French
        self.assertEqual(self._read_as(lead, self.french, "fr_FR"),
                         "Augmenté par:\n+30 Basé en France\n+20 Decision maker")
        # and an English-speaking manager still reads English
        self.assertEqual(self._read_as(lead, self.manager, "en_US"),
                         "Raised by:\n+30 Based in France\n+20 Decision maker")

    def test_stars_are_counted_in_the_singular_and_the_plural(self):
        # given a lead scored 30 (one star) whose stars a salesperson set by hand
        lead = self._lead("Une étoile", country_id=self.france.id, user_id=self.french.id)
        lead.sudo(self.french).write({"priority": "0"})
        # then it says "1 star", in English and in French
        self.assertTrue(self._read_as(lead, self.manager, "en_US").startswith(
            "Priority set by hand, kept: the score alone gives 1 star.\n"))
        self.assertTrue(self._read_as(lead, self.french, "fr_FR").startswith(
            "Priorité fixée à la main, conservée : le score seul donne 1 étoile.\n"))
        # and the full recompute (in SQL) says the same
        self.env.cr.execute("UPDATE crm_lead SET score_explanation = NULL WHERE id = %s", (lead.id,))
        self.env["crm.lead"]._scoring_recompute_sql()
        lead.invalidate_cache()
        self.assertTrue(lead.score_explanation.startswith(
            "Priority set by hand, kept: the score alone gives 1 star.\n"), lead.score_explanation)
        # when the lead turns warm (two stars), the plural
        lead.write({"function": "Sales Director"})
        self.assertTrue(lead.score_explanation.startswith(
            "Priority set by hand, kept: the score alone gives 2 stars.\n"), lead.score_explanation)
        self.assertTrue(self._read_as(lead, self.french, "fr_FR").startswith(
            "Priorité fixée à la main, conservée : le score seul donne 2 étoiles.\n"))

    def test_a_score_of_zero_says_why(self):
        # given a lead no rule matches, with no behaviour yet
        lead = self._lead("Inconnu", country_id=self.usa.id, user_id=self.french.id)
        self.assertEqual(lead.score, 0)
        self.assertIn("no behaviour", self._read_as(lead, self.manager, "en_US"))
        self.assertIn("aucun comportement", self._read_as(lead, self.french, "fr_FR"))
        # when it reads the blog (an event no rule counts), it says that its events give no points
        self._events(lead, ("page_view", "/blog/annonce", 0))
        self.assertEqual(lead.score, 0)
        self.assertIn("nor its events", self._read_as(lead, self.manager, "en_US"))
        self.assertIn("ni ses événements", self._read_as(lead, self.french, "fr_FR"))

    def test_the_hot_lead_to_do_is_in_its_salespersons_language(self):
        # given a French salesperson's lead, scored by an English-speaking user
        lead = self._lead("Acheteur pressé", country_id=self.france.id, function="Purchasing Director",
                          user_id=self.french.id)
        # when its visits turn it hot
        self._events(lead, ("page_view", "/pricing", 0), ("download", "/a.pdf", 0), ("download", "/b.pdf", 0))
        self.assertGreaterEqual(lead.score, 70)
        # then her "call now" to-do and its reasons are in French
        activity = self.env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Piste chaude : appelez maintenant (score %d)" % lead.score)
        self.assertIn("Augmenté par:", activity.note)
        self.assertIn("+30 Basé en France", activity.note)

    def test_read_without_a_language_it_is_in_the_readers_language_throughout(self):
        # given a French salesperson's lead
        lead = self._lead("Acheteur RPC", country_id=self.france.id, function="Purchasing Director",
                          user_id=self.french.id)
        lead.invalidate_cache()
        # when she reads it over RPC without a context (no language given)
        over_rpc = lead.with_env(lead.env(user=self.french.id, context={}))
        text = over_rpc.read(["score_explanation_display"])[0]["score_explanation_display"]
        # then the reasons and the rule names are both in French, not mixed
        self.assertEqual(text, "Augmenté par:\n+30 Basé en France\n+20 Decision maker")
