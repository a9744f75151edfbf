from odoo.exceptions import AccessError, UserError

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
