from odoo import fields, tools
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_resource_path

from .common import DepositCase


class TestDepositReview19(DepositCase):
    """The outside review of issue 19: who may change an order's deposit terms or cancel it, Odoo's own
    down payments, templates with typed terms, and what the customer reads."""

    @classmethod
    def setUpClass(cls):
        super(TestDepositReview19, cls).setUpClass()
        cls.company.write({"deposit_confirm_unpaid": True})
        cls.kitchen = cls.env["sale.deposit.template"].sudo(cls.manager).create({
            "name": "Fitted kitchen", "deposit_kind": "arrhes", "deposit_method": "percent_taxed",
            "deposit_value": 50, "deposit_confirm_unpaid": True, "deposit_deliver_unpaid": True})

    def _acompte_order(self):
        # 1 200.00 tax included, an acompte of 30% (360.00) invoiced at confirmation and left unpaid
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30)
        order.action_confirm()
        self.assertAlmostEqual(order.deposit_ids.invoice_id.amount_total, 360.0)
        return order

    def test_only_a_manager_lets_an_order_be_confirmed_before_its_deposit_is_paid(self):
        # given a quotation the sales manager wants paid before confirmation
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30)
        order.sudo(self.manager).write({"deposit_confirm_unpaid": False})
        # the salesman cannot turn it back, though the company's default terms say so
        with self.assertRaises(AccessError):
            order.sudo(self.salesman).write({"deposit_confirm_unpaid": True})
        self.assertFalse(order.deposit_confirm_unpaid)
        with self.assertRaises(UserError):
            order.sudo(self.salesman).action_confirm()
        # a template made by a manager still brings its own value
        order.sudo(self.salesman).write({"deposit_template_id": self.kitchen.id})
        self.assertTrue(order.deposit_confirm_unpaid)

    def test_the_terms_of_an_invoiced_deposit_are_frozen_but_for_sales_managers(self):
        order = self._acompte_order()
        as_salesman = order.sudo(self.salesman)
        for values in ({"deposit_kind": "arrhes"}, {"deposit_value": 0.01}, {"deposit_method": "fixed"},
                       {"deposit_partial_delivery": False}, {"deposit_agreed_date": "2027-01-15"},
                       {"deposit_template_id": self.kitchen.id}):
            with self.assertRaises(AccessError, msg=str(values)):
                as_salesman.write(values)
        self.assertEqual((order.deposit_kind, order.deposit_value, order.deposit_method),
                         ("acompte", 30.0, "percent_taxed"))
        self.assertFalse(order.deposit_deliver_unpaid)
        # the form saving unchanged terms is not a change
        as_salesman.write({"deposit_kind": "acompte", "deposit_value": 30, "note": "Call before delivery"})
        # a sales manager may, and the chatter keeps the old kind
        order.sudo(self.manager).with_context(tracking_disable=False).write({"deposit_kind": "arrhes"})
        self.assertEqual(order.deposit_kind, "arrhes")
        tracked = order.message_ids.mapped("tracking_value_ids").filtered(lambda t: t.field == "deposit_kind")
        self.assertEqual(tracked.mapped("old_value_char"), ["Down payment (acompte)"])

    def test_only_a_sales_manager_cancels_an_order_with_an_acompte_invoiced(self):
        order = self._acompte_order()
        invoice = order.deposit_ids.invoice_id
        with self.assertRaisesRegex(UserError, "only a sales manager"):
            order.sudo(self.salesman).action_cancel()
        with self.assertRaisesRegex(UserError, "only a sales manager"):
            order.sudo(self.salesman).action_deposit_customer_withdraws()
        self.assertEqual((order.state, invoice.state, invoice.refund_invoice_ids.ids), ("sale", "open", []))
        order.sudo(self.manager).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(invoice.state, "paid")  # reconciled with its credit note

    def test_odoo_down_payments_cannot_take_the_deposits_above_the_order(self):
        order = self._acompte_order()
        Wizard = self.env["sale.advance.payment.inv"].with_context(active_ids=order.ids, active_model="sale.order")
        with self.assertRaisesRegex(UserError, "above the order total"):
            Wizard.create({"advance_payment_method": "percentage", "amount": 90}).create_invoices()
        self.assertFalse(order.order_line.filtered("is_downpayment"))
        # 360.00 + 500.00 stay within the 1 200.00
        Wizard.create({"advance_payment_method": "fixed", "amount": 500}).create_invoices()
        self.assertEqual(len(order.order_line.filtered("is_downpayment")), 1)
        with self.assertRaisesRegex(UserError, "above the order total"):
            Wizard.create({"advance_payment_method": "fixed", "amount": 341}).create_invoices()

    def test_invoiceable_lines_deduct_odoo_down_payments_beside_the_deposits(self):
        """Second review, 11: with our acompte of 360.00 and Odoo's down payment of 840.00 (all the room
        left), "Invoiceable lines" (without "deduct down payments") billed 1 200.00 more: 2 040.00 in all."""
        order = self._acompte_order()
        Wizard = self.env["sale.advance.payment.inv"].with_context(active_ids=order.ids, active_model="sale.order")
        Wizard.create({"advance_payment_method": "fixed", "amount": 840}).create_invoices()
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order)
        Wizard.create({"advance_payment_method": "delivered"}).create_invoices()
        invoices = self.env["account.invoice"].search([
            ("partner_id", "child_of", order.partner_id.commercial_partner_id.id), ("state", "!=", "cancel"),
            ("type", "in", ("out_invoice", "out_refund"))])
        self.assertIn(order.deposit_ids.invoice_id, invoices)
        invoices.filtered(lambda i: i.state == "draft").action_invoice_open()
        billed = sum(i.amount_total * (1 if i.type == "out_invoice" else -1) for i in invoices)
        seen = [(i.type, i.amount_total) for i in invoices]
        self.assertAlmostEqual(billed, 1200.0, msg="the customer is billed the order, deposits and down "
                                                   "payments included: %s" % seen)

    def test_terms_typed_with_a_template_win_field_by_field(self):
        order = self.env["sale.order"].sudo(self.salesman).create({
            "partner_id": self.consumer.id, "deposit_template_id": self.kitchen.id, "deposit_value": 20,
            "order_line": [(0, 0, {"product_id": self.product.id, "name": "Oak table", "product_uom_qty": 10,
                                   "product_uom": self.product.uom_id.id, "price_unit": 100.0,
                                   "tax_id": [(6, 0, self.vat20.ids)]})]})
        self.assertEqual((order.deposit_kind, order.deposit_method, order.deposit_value),
                         ("arrhes", "percent_taxed", 20.0))
        self.assertAlmostEqual(order.deposit_expected, 240.0)

    def test_the_customer_reads_his_language_and_amounts_in_the_currency_format(self):
        self.env["res.lang"].load_lang("fr_FR")
        tools.trans_load(self.env.cr, get_resource_path("sale_deposit", "i18n", "fr.po"), "fr_FR",
                         verbose=False, module_name="sale_deposit")
        self.business.lang = "fr_FR"
        order = self._acompte_order()
        line = order.deposit_ids.invoice_id.invoice_line_ids
        self.assertTrue(line.name.startswith("Acompte de 30 %"), line.name)
        self.assertNotIn("30.0%", line.name)
        message = order.message_ids.filtered(lambda m: "Down payment (acompte) invoice" in (m.body or ""))
        self.assertIn("360.00", message.body)
        order.action_cancel()
        credit_note = order.deposit_ids.invoice_id.refund_invoice_ids
        self.assertEqual(len(credit_note), 1)
        self.assertNotIn("Deduction", credit_note.invoice_line_ids.name)
        self.assertNotIn("Déduction", credit_note.invoice_line_ids.name)

    def test_a_deposit_cancelled_in_a_foreign_currency_reverses_the_vat_booked(self):
        # given a 1 000 $ + 20% order whose 360 $ acompte (60 $ of VAT) was invoiced at 1.20 $ per euro
        usd = self.env.ref("base.USD")
        usd.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "=", usd.id)]).unlink()
        Rate.create({"currency_id": usd.id, "rate": 1.2, "name": "2026-01-01", "company_id": self.company.id})
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        order = self._order(pricelist_id=pricelist.id, deposit_kind="acompte", deposit_method="percent_taxed",
                            deposit_value=30)
        order.action_confirm()
        invoice = order.deposit_ids.invoice_id
        # (invoiced on an earlier day: rates are per day)
        self.env.cr.execute("UPDATE account_invoice SET date_invoice = '2026-11-02', date = '2026-11-02' "
                            "WHERE id = %s", (invoice.id,))
        invoice.invalidate_cache()
        self.assertAlmostEqual(self._balance(invoice.move_id, "44571"), -50.0)
        # when the dollar falls to 1.50 per euro and the order is cancelled
        Rate.create({"currency_id": usd.id, "rate": 1.5, "name": fields.Date.context_today(usd),
                     "company_id": self.company.id})
        order.sudo(self.manager).action_cancel()
        # then the credit note reverses the 50.00 € of VAT and the 250.00 € on the deposit account
        credit_note = invoice.refund_invoice_ids
        self.assertAlmostEqual(credit_note.amount_total, 360.0)
        self.assertAlmostEqual(self._balance(credit_note.move_id, "44571"), 50.0)
        self.assertAlmostEqual(
            self._balance(invoice.move_id, "4191") + self._balance(credit_note.move_id, "4191"), 0.0)
