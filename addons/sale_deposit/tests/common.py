from odoo.tests.common import SavepointCase


class DepositCase(SavepointCase):
    """A French company selling a 100 € (tax excluded, 20% VAT) product to a business and a consumer."""

    @classmethod
    def setUpClass(cls):
        super(DepositCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.env.ref("base.main_company")
        cls.company.write({
            "deposit_method": False, "deposit_kind": False, "deposit_deduction_mode": "lines",
            "deposit_legal_interest_rate": 3.65,
        })
        Tax = cls.env["account.tax"]
        tax_domain = [("type_tax_use", "=", "sale"), ("company_id", "=", cls.company.id)]
        cls.vat20 = Tax.search(tax_domain + [("amount", "=", 20), ("price_include", "=", False)], limit=1)
        cls.vat20_included = Tax.search(tax_domain + [("amount", "=", 20), ("price_include", "=", True)], limit=1)
        cls.vat55 = Tax.search(tax_domain + [("amount", "=", 5.5), ("price_include", "=", False)], limit=1)
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.business = cls.env["res.partner"].create({"name": "Menuiserie Dupont SARL", "is_company": True})
        cls.consumer = cls.env["res.partner"].create({"name": "Jeanne Martin", "is_company": False})
        cls.product = cls._product("Oak table", 100.0, cls.vat20, "order")
        cls.delivered_product = cls._product("Oak chair", 100.0, cls.vat20, "delivery")
        cls.salesman = cls._user("salesman", ["base.group_user", "sales_team.group_sale_salesman"])
        cls.manager = cls._user("sales_manager", ["base.group_user", "sales_team.group_sale_manager",
                                                  "account.group_account_invoice"])

    @classmethod
    def _product(cls, name, price, tax, policy):
        return cls.env["product.product"].create({
            "name": name, "type": "consu", "list_price": price, "invoice_policy": policy,
            "taxes_id": [(6, 0, tax.ids)],
        })

    @classmethod
    def _user(cls, login, groups):
        return cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": login.replace("_", " ").title(), "login": "deposit_" + login, "email": login + "@example.com",
            "company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)],
            "groups_id": [(6, 0, [cls.env.ref(group).id for group in groups])],
        })

    def _order(self, partner=None, lines=None, **terms):
        partner = partner or self.business
        lines = lines or [(self.product, 10, 100.0, self.vat20)]
        values = {
            "partner_id": partner.id,
            "user_id": self.salesman.id,
            "order_line": [(0, 0, {
                "product_id": product.id, "name": product.name, "product_uom_qty": qty,
                "product_uom": product.uom_id.id, "price_unit": price, "tax_id": [(6, 0, tax.ids)],
            }) for product, qty, price, tax in lines],
        }
        values.update(terms)
        return self.env["sale.order"].create(values)

    def _pay(self, invoice, amount=None):
        invoice.pay_and_reconcile(self.bank, amount)

    def _deliver(self, order, quantity=None):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty if quantity is None else quantity
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            self.env["stock.backorder.confirmation"].create({"pick_ids": [(4, picking.id)]}).process()
        return picking

    def _final_invoice(self, order):
        return self.env["account.invoice"].browse(order.action_invoice_create())

    def assertBalanced(self, move):
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")), places=2)

    def _balance(self, move, code):
        lines = move.line_ids.filtered(lambda l: l.account_id.code.startswith(code))
        return sum(lines.mapped("debit")) - sum(lines.mapped("credit"))
