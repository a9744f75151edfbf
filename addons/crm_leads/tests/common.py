from contextlib import contextmanager

from odoo.tests.common import SavepointCase


class HttpEnvMixin(object):
    """For HttpCase tests whose requests must see records the test writes."""

    @contextmanager
    def _http_env(self):
        # the HTTP requests share the registry's test cursor: write there, then let go of it
        cr = self.registry.cursor()
        try:
            yield self.env(cr=cr)
            # a test cursor's commit only moves its savepoint: the test still rolls it all back
            cr.commit()  # pylint: disable=invalid-commit
        finally:
            cr.close()


class IntakeCase(SavepointCase):
    """A French sales team with two salespeople, a manager, a portal user and an API key."""

    @classmethod
    def setUpClass(cls):
        super(IntakeCase, cls).setUpClass()
        env = cls.env
        Users = env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
        salesman_groups = [(6, 0, [env.ref("base.group_user").id, env.ref("sales_team.group_sale_salesman").id])]
        cls.alice = Users.create({"name": "Alice Vendeuse", "login": "alice.intake", "email": "alice@example.com",
                                  "groups_id": salesman_groups})
        cls.bob = Users.create({"name": "Bob Vendeur", "login": "bob.intake", "email": "bob@example.com",
                                "groups_id": salesman_groups})
        cls.carol = Users.create({"name": "Carol Other Team", "login": "carol.intake", "email": "carol@example.com",
                                  "groups_id": salesman_groups})
        cls.manager = Users.create({"name": "Marc Manager", "login": "marc.intake", "email": "marc@example.com",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                                          env.ref("sales_team.group_sale_manager").id])]})
        cls.portal = Users.create({"name": "Paula Portal", "login": "paula.intake", "email": "paula@example.com",
                                   "groups_id": [(6, 0, [env.ref("base.group_portal").id])]})
        cls.team = env["crm.team"].create({"name": "Web France", "user_id": cls.manager.id,
                                           "member_ids": [(6, 0, [cls.alice.id, cls.bob.id])]})
        cls.other_team = env["crm.team"].create({"name": "Export", "member_ids": [(6, 0, [cls.carol.id])]})
        cls.source = env["utm.source"].create({"name": "Company website"})
        cls.key, cls.secret = env["crm.lead.api.key"]._generate({
            "name": "Website", "team_id": cls.team.id, "source_id": cls.source.id, "rate_limit": 0,
            "allowed_origins": "https://www.example.com"})
        cls.france = env.ref("base.fr")
        cls.rule = env["crm.lead.assignment.rule"].create({
            "name": "France", "team_id": cls.team.id, "country_ids": [(6, 0, [cls.france.id])],
            "member_ids": [(0, 0, {"user_id": cls.alice.id}), (0, 0, {"user_id": cls.bob.id})]})
        cls.Lead = env["crm.lead"]
