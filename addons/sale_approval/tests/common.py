import base64

from odoo.tests.common import SavepointCase

# a 1x1 PNG, what the portal's signature pad sends (base64, without the data: prefix)
SIGNATURE = base64.b64encode(base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")).decode()


class ApprovalCase(SavepointCase):
    """A French company whose salesman sells a 100 € product (cost 60 €) to a business.

    Every rule of the database is archived: each test writes the rules it needs.
    """

    @classmethod
    def setUpClass(cls):
        super(ApprovalCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       no_reset_password=True))
        cls.env["sale.approval.rule"].search([]).write({"active": False})
        cls.company = cls.env.ref("base.main_company")
        cls.salesman = cls._user("salesman", ["sales_team.group_sale_salesman"])
        cls.leader = cls._user("leader", ["sales_team.group_sale_salesman_all_leads"], limit=50000)
        cls.director = cls._user("director", ["sales_team.group_sale_manager"], limit=0)
        cls.deputy = cls._user("deputy", ["sales_team.group_sale_salesman_all_leads"])
        cls.team = cls.env["crm.team"].create({"name": "Approval team", "user_id": cls.leader.id})
        cls.other_team = cls.env["crm.team"].create({"name": "Other team"})
        cls.customer = cls.env["res.partner"].create({"name": "Menuiserie Dupont SARL", "is_company": True,
                                                      "email": "achats@dupont.example.com"})
        cls.category = cls.env["product.category"].create({"name": "Machines"})
        cls.sub_category = cls.env["product.category"].create({"name": "Lathes", "parent_id": cls.category.id})
        cls.product = cls.env["product.product"].create({
            "name": "Oak table", "type": "consu", "list_price": 100.0, "standard_price": 60.0,
            "taxes_id": [(5, 0, 0)],
        })
        cls.lathe = cls.env["product.product"].create({
            "name": "Lathe", "type": "consu", "list_price": 100.0, "standard_price": 60.0,
            "categ_id": cls.sub_category.id, "taxes_id": [(5, 0, 0)],
        })

    @classmethod
    def _user(cls, login, groups, limit=0.0):
        return cls.env["res.users"].create({
            "name": login.title(), "login": "approval_" + login, "email": login + "@example.com",
            "company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)],
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id] + [cls.env.ref(g).id for g in groups])],
            "sale_approval_limit": limit,
        })

    @classmethod
    def _rule(cls, condition, tier=1, approver=None, **values):
        values.update({
            "name": "%s (tier %s)" % (condition, tier), "condition": condition, "tier": tier,
            "approver_kind": "user", "approver_user_id": (approver or cls.leader).id,
            "company_id": cls.company.id,
        })
        return cls.env["sale.approval.rule"].create(values)

    def _order(self, quantity=10, price=100.0, discount=0.0, product=None, **values):
        """A quotation of the salesman, created as the salesman."""
        product = product or self.product
        order_values = {
            "partner_id": self.customer.id, "user_id": self.salesman.id, "team_id": self.team.id,
            "order_line": [(0, 0, {
                "product_id": product.id, "name": product.name, "product_uom_qty": quantity,
                "product_uom": product.uom_id.id, "price_unit": price, "discount": discount,
                "tax_id": [(5, 0, 0)],
            })],
        }
        order_values.update(values)
        return self.env["sale.order"].sudo(self.salesman).create(order_values)

    def _matching(self, order, rule):
        return rule in order._approval_matching_rules()[order.id]
