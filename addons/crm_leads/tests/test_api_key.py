from odoo.exceptions import AccessError, UserError, ValidationError

from .common import IntakeCase


class TestApiKey(IntakeCase):

    def test_key_is_stored_hashed_and_authenticates(self):
        # the secret itself is nowhere in the database, only its hash
        self.assertNotEqual(self.key.sudo().hashed_key, self.secret)
        self.assertEqual(self.key.key_prefix, self.secret[:8])
        self.assertEqual(self.env["crm.lead.api.key"]._authenticate(self.secret), self.key)
        self.assertFalse(self.env["crm.lead.api.key"]._authenticate("crm_wrong"))
        self.assertFalse(self.env["crm.lead.api.key"]._authenticate(None))

    def test_revoked_key_no_longer_authenticates(self):
        self.key.action_revoke()
        self.assertFalse(self.env["crm.lead.api.key"]._authenticate(self.secret))

    def test_manager_generates_a_key_shown_once(self):
        key = self.env["crm.lead.api.key"].sudo(self.manager).create({"name": "ERP", "team_id": self.team.id})
        action = key.action_generate_key()
        secret = action["context"]["crm_leads_new_key"][str(key.id)]
        shown = key.with_context(**action["context"]).new_key
        self.assertEqual(shown, secret)
        # read again later, the key is not shown
        self.assertFalse(key.new_key)
        self.assertEqual(self.env["crm.lead.api.key"]._authenticate(secret), key)

    def test_salesman_cannot_see_or_make_keys(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead.api.key"].sudo(self.alice).search([])
        with self.assertRaises(AccessError):
            self.env["crm.lead.api.key"].sudo(self.alice).create({"name": "Mine", "team_id": self.team.id})

    def test_a_publishable_key_says_its_kind_and_cannot_become_secret(self):
        # the keys made before kinds existed, and new ones by default, are secret: they create leads
        self.assertEqual(self.key.key_kind, "secret")
        self.assertTrue(self.key.can_create_leads())
        # a key for the tracking script is publishable: its prefix says so and it creates no lead
        key, secret = self.env["crm.lead.api.key"]._generate({
            "name": "Tracker", "team_id": self.team.id, "key_kind": "publishable"})
        self.assertTrue(secret.startswith("crm_pk_"))
        self.assertEqual(key.key_prefix, "crm_pk_" + secret[7])
        self.assertFalse(key.can_create_leads())
        # once published, it never gets the secret key's rights
        with self.assertRaises(UserError):
            key.write({"key_kind": "secret"})
        self.assertEqual(key.key_kind, "publishable")

    def test_negative_settings_are_refused_with_a_message_in_the_managers_language(self):
        # given a manager who types -1 in a number of the key
        for field in ("form_min_seconds", "rate_limit", "form_ip_rate_limit"):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.key.sudo(self.manager).write({field: -1})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["crm.lead.api.key"].sudo(self.manager).create(
                {"name": "Negative", "team_id": self.team.id, "form_min_seconds": -5})
        # then the key keeps its values, and 0 (no minimum) is still accepted
        self.assertEqual(self.key.form_min_seconds, 3)
        self.key.write({"form_min_seconds": 0})
        # and a French manager reads why in French
        self.env["ir.translation"].load_module_terms(["crm_leads"], ["fr_FR"])
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self.key.sudo(self.manager).with_context(lang="fr_FR").write({"form_min_seconds": -1})
        self.assertIn("temps minimum de remplissage", caught.exception.name)
