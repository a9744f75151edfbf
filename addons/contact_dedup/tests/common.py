from odoo.tests.common import SavepointCase


class DedupCase(SavepointCase):
    """An address book with one company typed twice and one contact typed twice, and real roles."""

    @classmethod
    def setUpClass(cls):
        super(DedupCase, cls).setUpClass()
        cls.Partner = cls.env["res.partner"].with_context(tracking_disable=True)
        cls.Group = cls.env["contact.dedup.group"]
        cls.france = cls.env.ref("base.fr")
        cls.acme = cls.Partner.create({
            "name": "Acme Industries SARL", "is_company": True, "email": "contact@acme-industries.fr",
            "phone": "01 44 55 66 77", "vat": "FR40303265045", "street": "5 rue de la Paix", "zip": "75002",
            "city": "Paris", "country_id": cls.france.id,
        })
        cls.acme_copy = cls.Partner.create({
            "name": "ACME INDUSTRIES", "is_company": True, "phone": "+33 1 44 55 66 77",
            "website": "https://www.acme-industries.fr", "street": "5 r. de la Paix", "zip": "75002",
            "city": "Paris", "country_id": cls.france.id,
        })
        cls.jean = cls.Partner.create({
            "name": "Jean Dupont", "parent_id": cls.acme.id, "email": "jean.dupont@acme-industries.fr",
            "mobile": "06 11 22 33 44",
        })
        cls.jean_copy = cls.Partner.create({
            "name": "DUPONT, Jean", "parent_id": cls.acme_copy.id, "email": "Jean.Dupont@acme-industries.fr ",
            "mobile": "+33611223344",
        })
        cls.other = cls.Partner.create({
            "name": "Marie Curie", "parent_id": cls.acme.id, "email": "marie.curie@acme-industries.fr",
        })
        users = cls.env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
        cls.salesman = users.create({
            "name": "Sam Seller", "login": "dedup_salesman", "email": "sam@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        cls.manager = users.create({
            "name": "Mia Manager", "login": "dedup_manager", "email": "mia@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id, cls.env.ref("base.group_partner_manager").id,
                                  cls.env.ref("sales_team.group_sale_manager").id])],
        })

    def set_mode(self, mode):
        self.env["ir.config_parameter"].sudo().set_param("contact_dedup.mode", mode)

    def group_of(self, partner):
        return self.Group.search([("partner_ids", "in", partner.ids), ("state", "=", "open")])
