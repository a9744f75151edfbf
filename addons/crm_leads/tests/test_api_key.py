from odoo.exceptions import AccessError

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
