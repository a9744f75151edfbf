from odoo.exceptions import AccessError

from .common import IntakeCase


class TestCodeDrivenFields(IntakeCase):
    """What only the application sets on a lead (intake bookkeeping, qualification flag) is
    refused to users; the pipeline still sets it when a user runs it."""

    def test_salesperson_cannot_write_intake_bookkeeping(self):
        # given a lead of the web service, assigned to Alice
        lead = self.Lead.sudo().intake_create({"name": "Site", "email_from": "site@example.com",
                                               "country_id": self.france.id}, "api", api_key=self.key)
        self.assertEqual(lead.intake_channel, "api")
        mine = lead.sudo(lead.user_id)
        # when she rewrites the channel, the key or whether it is qualified, she is refused
        for values in ({"intake_channel": "manual"}, {"intake_api_key_id": False}, {"is_qualified": True}):
            with self.assertRaises(AccessError) as refused:
                mine.write(values)
            self.assertIn(list(values)[0], refused.exception.name)
        # and a context key opens nothing
        with self.assertRaises(AccessError):
            mine.with_context(lead_scoring_no_recompute=True, install_mode=True).write({"intake_channel": "form"})
        # while her own qualification stays hers
        mine.write({"temperature": "hot", "qualification_need": "CRM"})
        self.assertEqual(lead.temperature, "hot")
        # and a copy of her lead does not carry the bookkeeping
        copy = mine.copy()
        self.assertFalse(copy.intake_channel or copy.intake_api_key_id)

    def test_refusal_is_in_french(self):
        self.env["ir.translation"].load_module_terms(["crm_leads"], ["fr_FR"])
        lead = self.Lead.sudo(self.alice).create({"name": "Piste", "user_id": self.alice.id,
                                                  "team_id": self.team.id})
        with self.assertRaises(AccessError) as refused:
            lead.with_context(lang="fr_FR").write({"intake_channel": "api"})
        self.assertIn("sont renseignés par l'application seule", refused.exception.name)
        self.assertIn("intake_channel", refused.exception.name)

    def test_pipeline_run_by_a_salesperson_sets_its_bookkeeping(self):
        # given the pipeline run by Alice herself (a lead typed in by hand)
        lead = self.Lead.sudo(self.alice).intake_create({"name": "Salon", "email_from": "salon@example.com",
                                                         "country_id": self.france.id}, "manual")
        # then the lead is hers to read and the pipeline's bookkeeping is set
        self.assertEqual(lead.sudo().intake_channel, "manual")
        self.assertTrue(lead.sudo().intake_rule_id)
        self.assertEqual(lead.env.uid, self.alice.id)

    def test_forged_default_sets_nothing(self):
        # a default_<field> context key sent over RPC does not fill what the code sets
        lead = self.Lead.sudo(self.alice).with_context(default_intake_channel="api").create({
            "name": "Piste", "user_id": self.alice.id, "team_id": self.team.id})
        self.assertFalse(lead.sudo().intake_channel)
