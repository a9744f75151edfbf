from odoo.exceptions import UserError, ValidationError

from .common import DepositCase


class TestDepositInvoice(DepositCase):

    def test_confirmation_invoices_the_deposit_with_the_order_taxes(self):
        # given a 1 000 € HT order (1 200 TTC) with a 30% deposit on the untaxed total
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30)
        # when the salesperson confirms it
        order.action_confirm()
        # then a validated deposit invoice of 300 HT + 60 VAT is waiting for payment
        deposit = order.deposit_ids
        invoice = deposit.invoice_id
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.journal_id.type, "sale")
        self.assertAlmostEqual(invoice.amount_untaxed, 300.0)
        self.assertAlmostEqual(invoice.amount_tax, 60.0)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.env.ref("sale_deposit.product_deposit_acompte"))
        self.assertEqual(invoice.invoice_line_ids.invoice_line_tax_ids, self.vat20)
        self.assertEqual(invoice.invoice_line_ids.account_id.code, "419100")
        self.assertBalanced(invoice.move_id)
        self.assertAlmostEqual(self._balance(invoice.move_id, "4457"), -60.0)
        self.assertAlmostEqual(order.deposit_invoiced, 360.0)
        self.assertAlmostEqual(order.deposit_to_pay, 360.0)
        # and once paid, the order shows it paid and available for deduction
        self._pay(invoice)
        order.invalidate_cache()
        self.assertAlmostEqual(order.deposit_paid, 360.0)
        self.assertAlmostEqual(order.deposit_remaining, 360.0)
        self.assertAlmostEqual(order.deposit_to_pay, 0.0)

    def test_consumer_sale_with_no_kind_stated_is_earnest_money(self):
        order = self._order(partner=self.consumer, deposit_method="fixed", deposit_value=200)
        order.action_confirm()
        self.assertEqual(order.deposit_ids.kind, "arrhes")
        self.assertEqual(order.deposit_ids.invoice_id.invoice_line_ids.product_id,
                         self.env.ref("sale_deposit.product_deposit_arrhes"))
        self.assertAlmostEqual(order.deposit_ids.invoice_id.amount_total, 200.0)

    def test_customer_terms_apply_to_new_orders(self):
        self.business.write({"deposit_kind": "acompte", "deposit_method": "percent_taxed", "deposit_value": 40})
        order = self._order()
        self.assertEqual(order.deposit_method, "percent_taxed")
        self.assertAlmostEqual(order.deposit_expected, 480.0)

    def test_company_defaults_apply_to_customers_without_terms(self):
        self.company.write({"deposit_method": "percent_taxed", "deposit_value": 10})
        order = self._order()
        self.assertAlmostEqual(order.deposit_expected, 120.0)

    def test_two_vat_rates_and_tax_included_prices_split_the_deposit(self):
        # given a line at 120 € TTC (20% included) and one at 100 € HT with 5.5% VAT: 225.50 TTC
        book = self._product("Cookbook", 100.0, self.vat55, "order")
        order = self._order(lines=[(self.product, 1, 120.0, self.vat20_included), (book, 1, 100.0, self.vat55)],
                            deposit_kind="acompte", deposit_method="fixed", deposit_value=100)
        order.action_confirm()
        invoice = order.deposit_ids.invoice_id
        # then the deposit is exactly 100 TTC, split pro rata over both rates
        self.assertAlmostEqual(invoice.amount_total, 100.0)
        self.assertEqual(invoice.invoice_line_ids.mapped("invoice_line_tax_ids"), self.vat20_included | self.vat55)
        taxes = {line.tax_id: line.amount for line in invoice.tax_line_ids}
        self.assertAlmostEqual(taxes[self.vat20_included], 8.87, places=2)
        self.assertAlmostEqual(taxes[self.vat55], 2.44, places=2)

    def test_several_deposits_may_be_asked_up_to_the_total(self):
        order = self._order(deposit_kind="acompte")
        order.action_confirm()
        order.create_deposit("fixed", 600)
        order.create_deposit("percent_taxed", 50)
        self.assertEqual(len(order.deposit_ids), 2)
        self.assertAlmostEqual(order.deposit_invoiced, 1200.0)
        # a third one would exceed the order: clear error, nothing created
        with self.assertRaises(UserError):
            order.create_deposit("fixed", 0.01)
        self.assertEqual(len(order.deposit_ids), 2)

    def test_another_currency_invoices_the_deposit_in_the_order_currency(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        order = self._order(pricelist_id=pricelist.id, deposit_kind="acompte", deposit_method="percent_taxed",
                            deposit_value=50)
        order.action_confirm()
        invoice = order.deposit_ids.invoice_id
        self.assertEqual(invoice.currency_id, usd)
        self.assertAlmostEqual(invoice.amount_total, 600.0)
        # booked in euros at the day's rate, balanced
        receivable = invoice.move_id.line_ids.filtered(lambda l: l.account_id == invoice.account_id)
        euros = usd.with_context(date=invoice.date_invoice).compute(600.0, self.company.currency_id)
        self.assertAlmostEqual(receivable.debit, euros, places=2)
        self.assertBalanced(invoice.move_id)
        self.assertAlmostEqual(receivable.amount_currency, 600.0)


class TestDepositBadInput(DepositCase):

    def test_deposit_above_the_order_total_is_refused_and_nothing_is_created(self):
        order = self._order(deposit_method="fixed", deposit_value=1500)
        invoices_before = self.env["account.invoice"].search_count([])
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(self.env["account.invoice"].search_count([]), invoices_before)
        self.assertFalse(order.deposit_ids)

    def test_negative_percentage_is_refused(self):
        with self.assertRaises(ValidationError):
            self._order(deposit_method="percent_taxed", deposit_value=-10)
        order = self._order()
        with self.assertRaises(UserError):
            order.create_deposit("percent_untaxed", -5)
        self.assertFalse(order.deposit_ids)

    def test_percentage_above_hundred_is_refused(self):
        with self.assertRaises(ValidationError):
            self._order(deposit_method="percent_untaxed", deposit_value=150)

    def test_deposit_on_a_cancelled_order_is_refused(self):
        order = self._order()
        order.action_cancel()
        with self.assertRaises(UserError):
            order.create_deposit("fixed", 100)
        self.assertFalse(order.deposit_ids)
