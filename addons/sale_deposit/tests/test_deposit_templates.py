from odoo.exceptions import AccessError, ValidationError

from .common import DepositCase


class TestDepositTemplates(DepositCase):
    """Named deposit terms a quotation picks: made by sales managers, picked by salespeople."""

    @classmethod
    def setUpClass(cls):
        super(TestDepositTemplates, cls).setUpClass()
        Template = cls.env["sale.deposit.template"].sudo(cls.manager)
        cls.furniture = Template.create({
            "name": "Made-to-measure furniture", "deposit_kind": "acompte", "deposit_method": "percent_taxed",
            "deposit_value": 30, "deposit_confirm_unpaid": True, "deposit_deliver_unpaid": True})
        cls.kitchen = Template.create({
            "name": "Fitted kitchen", "deposit_kind": "arrhes", "deposit_method": "percent_taxed",
            "deposit_value": 50, "deposit_deliver_unpaid": False})
        cls.company.write({"deposit_kind": "acompte", "deposit_method": "fixed", "deposit_value": 100})

    def test_a_quotation_picking_a_template_takes_its_terms(self):
        # given a new quotation of the salesman for a customer with no terms of his own
        order = self.env["sale.order"].sudo(self.salesman).new({"partner_id": self.business.id})
        order._onchange_partner_deposit_terms()
        self.assertEqual((order.deposit_method, order.deposit_value), ("fixed", 100.0))
        # when he picks the kitchen template
        order.deposit_template_id = self.kitchen
        order._onchange_deposit_template()
        # then the quotation has its terms
        self.assertEqual((order.deposit_kind, order.deposit_method, order.deposit_value),
                         ("arrhes", "percent_taxed", 50.0))
        self.assertFalse(order.deposit_deliver_unpaid)

    def test_the_template_comes_before_the_customer_which_comes_before_the_company(self):
        Order = self.env["sale.order"].sudo(self.salesman)
        # the company's defaults for a customer with nothing of his own
        order = Order.create({"partner_id": self.business.id})
        self.assertEqual((order.deposit_method, order.deposit_value), ("fixed", 100.0))
        self.assertFalse(order.deposit_template_id)
        # the customer's own terms come before the company's
        self.consumer.write({"deposit_kind": "arrhes", "deposit_method": "percent_untaxed", "deposit_value": 20})
        self.assertEqual(Order.create({"partner_id": self.consumer.id}).deposit_value, 20.0)
        # the customer's default template comes before his own terms
        self.consumer.deposit_template_id = self.furniture
        order = Order.create({"partner_id": self.consumer.id})
        self.assertEqual(order.deposit_template_id, self.furniture)
        self.assertEqual((order.deposit_kind, order.deposit_method, order.deposit_value),
                         ("acompte", "percent_taxed", 30.0))
        # and the template picked on the order comes first, also when the customer is chosen after it
        order = Order.create({"partner_id": self.consumer.id, "deposit_template_id": self.kitchen.id})
        self.assertEqual((order.deposit_kind, order.deposit_value), ("arrhes", 50.0))
        draft = Order.new({"deposit_template_id": self.kitchen.id})
        draft._onchange_deposit_template()
        draft.partner_id = self.consumer
        draft._onchange_partner_deposit_terms()
        self.assertEqual((draft.deposit_template_id, draft.deposit_value), (self.kitchen, 50.0))
        # terms typed on the order win over everything
        order = Order.create({"partner_id": self.consumer.id, "deposit_template_id": self.kitchen.id,
                              "deposit_method": "fixed", "deposit_value": 75})
        self.assertEqual((order.deposit_method, order.deposit_value), ("fixed", 75.0))

    def test_a_salesman_may_pick_a_template_that_lets_the_order_go_unpaid(self):
        # the furniture template, made by a sales manager, lets the goods go before payment
        order = self.env["sale.order"].sudo(self.salesman).create({"partner_id": self.business.id})
        self.assertFalse(order.deposit_deliver_unpaid)
        order.write({"deposit_template_id": self.furniture.id})
        self.assertTrue(order.deposit_deliver_unpaid)
        self.assertEqual(order.deposit_value, 30.0)
        # but not unlock it beyond the template's terms
        order.write({"deposit_template_id": self.kitchen.id})
        with self.assertRaises(AccessError):
            order.write({"deposit_deliver_unpaid": True})
        self.assertFalse(order.deposit_deliver_unpaid)

    def test_changing_the_template_after_a_deposit_changes_nothing_already_invoiced(self):
        # given the order on the furniture template: its 360 deposit invoice validated
        order = self._order(deposit_template_id=self.furniture.id)
        self.assertEqual(order.deposit_value, 30.0)
        order.action_confirm()
        deposit = order.deposit_ids
        invoice = deposit.invoice_id
        self.assertAlmostEqual(invoice.amount_total, 360.0)
        # when the sales manager moves the order to the kitchen template (arrhes of 50%): the terms of an
        # invoiced deposit are his decision
        order.sudo(self.manager).write({"deposit_template_id": self.kitchen.id})
        self.assertEqual((order.deposit_kind, order.deposit_value), ("arrhes", 50.0))
        # then the deposit and its invoice are as they were
        self.assertEqual((deposit.kind, deposit.amount, invoice.amount_total, invoice.state),
                         ("acompte", 360.0, 360.0, "open"))
        self.assertEqual(len(invoice.invoice_line_ids), 1)
        self.assertAlmostEqual(invoice.invoice_line_ids.price_subtotal, 300.0)
        # the new terms ask for the rest of their deposit only (600 in all), and the final invoice
        # deducts the 360 invoiced: 1 200 billed for the order
        self.assertAlmostEqual(order.deposit_expected, 600.0)
        self.assertAlmostEqual(order.deposit_invoiced, 360.0)
        order.sudo(self.manager).write({"deposit_deliver_unpaid": True})
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_sales_managers_manage_templates_salesmen_read_them(self):
        Template = self.env["sale.deposit.template"]
        self.assertIn(self.kitchen, Template.sudo(self.salesman).search([]))
        with self.assertRaises(AccessError):
            Template.sudo(self.salesman).create({"name": "Mine", "deposit_method": "fixed", "deposit_value": 1})
        with self.assertRaises(AccessError):
            self.kitchen.sudo(self.salesman).write({"deposit_deliver_unpaid": True})
        self.kitchen.sudo(self.manager).write({"deposit_value": 40})
        self.assertEqual(self.kitchen.deposit_value, 40.0)
        with self.assertRaises(ValidationError):
            self.kitchen.sudo(self.manager).write({"deposit_value": 120})

    def test_another_company_s_templates_are_neither_seen_nor_picked(self):
        other = self.env["res.company"].create({"name": "Autre Société SAS"})
        theirs = self.env["sale.deposit.template"].create({
            "name": "Their terms", "company_id": other.id, "deposit_method": "fixed", "deposit_value": 10})
        self.assertNotIn(theirs, self.env["sale.deposit.template"].sudo(self.salesman).search([]))
        # a customer's default template of another company is not taken
        self.business.with_context(force_company=other.id).sudo().deposit_template_id = theirs
        order = self.env["sale.order"].sudo(self.salesman).create({"partner_id": self.business.id})
        self.assertFalse(order.deposit_template_id)
        with self.assertRaises(ValidationError):
            order.sudo().write({"deposit_template_id": theirs.id})
