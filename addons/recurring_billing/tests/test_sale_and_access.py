from odoo import fields
from odoo.exceptions import AccessError

from .common import RecurringCase


class TestSaleOrderAndAccess(RecurringCase):

    def test_confirmed_order_with_a_subscription_starts_a_contract(self):
        # given a subscription product and a one-off product on a quotation
        subscription = self.env["product.product"].create({
            "name": "Monthly maintenance", "type": "service", "list_price": 80.0, "recurring_ok": True,
            "invoice_policy": "order", "taxes_id": [(6, 0, self.tax.ids)]})
        setup = self.env["product.product"].create({
            "name": "Setup", "type": "service", "list_price": 300.0, "invoice_policy": "order"})
        order = self.env["sale.order"].sudo(self.salesman).create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": subscription.id, "product_uom_qty": 2, "price_unit": 80.0}),
                           (0, 0, {"product_id": setup.id, "product_uom_qty": 1, "price_unit": 300.0})],
        })
        # when it is confirmed
        order.action_confirm()
        # then a running contract bills the subscription, and the order bills only the setup
        contract = order.recurring_contract_ids
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.state, "running")
        self.assertEqual(contract.line_ids.product_id, subscription)
        self.assertEqual(contract.amount_period, 160.0)
        self.assertEqual(order.order_line.filtered(lambda l: l.product_id == subscription).qty_to_invoice, 0)
        self.assertEqual(order.order_line.filtered(lambda l: l.product_id == setup).qty_to_invoice, 1)

    def test_salesman_sees_own_contracts_manager_sees_all(self):
        own = self.make_contract(user_id=self.salesman.id)
        other = self.make_contract(user_id=self.other_salesman.id)
        visible = self.Contract.sudo(self.salesman).search([("id", "in", (own | other).ids)])
        self.assertEqual(visible, own)
        with self.assertRaises(AccessError):
            other.sudo(self.salesman).read(["name"])
        self.assertEqual(self.Contract.sudo(self.manager).search([("id", "in", (own | other).ids)]), own | other)
        with self.assertRaises(AccessError):
            own.sudo(self.salesman).unlink()

    def test_salesman_invoices_own_contract(self):
        contract = self.make_contract(user_id=self.salesman.id, start="2026-01-01")
        contract.sudo(self.salesman).with_context(recurring_no_commit=True).action_invoice_now()
        # every monthly period due since January 2026, up to this month, for the customer
        today = fields.Date.from_string(fields.Date.context_today(contract))
        self.assertEqual(len(contract.invoice_ids), (today.year - 2026) * 12 + today.month)
        self.assertEqual(contract.invoice_ids.mapped("partner_id"), contract.partner_id)

    def test_portal_customer_sees_only_their_contracts(self):
        portal_user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Martin portal", "login": "rb_portal", "partner_id": self.customer.id,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        mine = self.make_contract()
        stranger = self.env["res.partner"].create({"name": "Someone else"})
        theirs = self.make_contract(partner_id=stranger.id)
        visible = self.Contract.sudo(portal_user).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            mine.sudo(portal_user).write({"note": "hacked"})

    def test_public_user_cannot_read_contracts(self):
        public = self.env.ref("base.public_user")
        contract = self.make_contract()
        with self.assertRaises(AccessError):
            contract.sudo(public).read(["name"])
