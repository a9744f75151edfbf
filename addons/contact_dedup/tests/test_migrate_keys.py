from .common import DedupCase


class TestMigrateKeys(DedupCase):
    """The migrations that change the keys compute them again for every partner, archived
    ones too, and forget the model the last scan stored when its levels changed."""

    def test_keys_of_every_partner_are_computed_again(self):
        # given keys lost (as after a change of the key functions) and a stored model
        self.jean_copy.active = False
        self.env.cr.execute("UPDATE res_partner SET dedup_email = NULL, dedup_blocking = NULL "
                            "WHERE id IN %s", (tuple((self.jean | self.jean_copy).ids),))
        self.env["ir.config_parameter"].sudo().set_param("contact_dedup.model", '{"m": {}}')
        self.Partner.invalidate_cache()
        # when the migration runs
        count = self.Partner._dedup_migrate_keys()
        # then both contacts, the archived one too, have their keys again, and the model is forgotten
        self.Partner.invalidate_cache()
        self.assertGreaterEqual(count, 5)
        self.assertEqual(self.jean.dedup_email, self.jean_copy.dedup_email)
        self.assertTrue(self.jean_copy.dedup_email and self.jean_copy.dedup_blocking)
        self.assertFalse(self.env["ir.config_parameter"].sudo().get_param("contact_dedup.model"))

    def test_an_older_migration_keeps_the_stored_model(self):
        self.env["ir.config_parameter"].sudo().set_param("contact_dedup.model", '{"m": {}}')
        self.Partner._dedup_migrate_keys(forget_model=False)
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("contact_dedup.model"), '{"m": {}}')
