"""What the two outside reviews of issue 19 still found open, each told as found, checked on posted entries."""
from odoo import fields, tools
from odoo.exceptions import UserError
from odoo.modules.module import get_resource_path

from .test_review19_open_points import ReviewCase


class TestForeignCurrencyDepositCancelled(ReviewCase):
    """1. A dollar deposit cancelled after the rate changed left 10.00 EUR on 445711: the credit note was
    converted at the rate of the day, not at the rate the deposit invoice was booked at."""

    def _usd(self, rate, day):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", usd.id)]).unlink()
        self.usd_rate = self.env["res.currency.rate"].create(
            {"currency_id": usd.id, "rate": rate, "name": day, "company_id": self.company.id})
        return self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})

    def _dollar_acompte(self, rate, day):
        # a 1 000 $ + 20% order, whose acompte of 30% (360 $, 60 $ of VAT) is invoiced at ``rate`` $ per euro
        order = self._acompte_order(pricelist_id=self._usd(rate, day).id)
        invoice = order.deposit_ids.invoice_id
        self.assertEqual((invoice.currency_id.name, invoice.amount_total), ("USD", 360.0))
        return order, invoice

    def assertDepositAccountsAtZero(self, order):
        self.assertAlmostEqual(self._account_balance("44571"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._declared_vat(), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_a_deposit_cancelled_after_the_rate_was_changed_the_same_day(self):
        # given the acompte booked at 1.20 $ per euro: 50.00 EUR of VAT, 250.00 EUR on 4191
        order, invoice = self._dollar_acompte(1.2, fields.Date.context_today(self.company))
        self.assertAlmostEqual(self._balance(invoice.move_id, "44571"), -50.0)
        # when the day's rate is corrected to 1.50 and a sales manager cancels the order
        self.usd_rate.rate = 1.5
        order.sudo(self.manager).action_cancel()
        # then the credit note takes back exactly the 50.00 EUR of VAT and the 250.00 EUR of the deposit
        credit_note = invoice.refund_invoice_ids
        self.assertEqual((credit_note.state, credit_note.amount_total), ("paid", 360.0))
        self.assertAlmostEqual(self._balance(credit_note.move_id, "44571"), 50.0)
        self.assertAlmostEqual(self._balance(credit_note.move_id, "4191"), 250.0)
        self.assertAlmostEqual(self._balance(credit_note.move_id, "411"), -300.0)
        self.assertDepositAccountsAtZero(order)
        # and nothing is left for an exchange difference to settle
        self.assertFalse(self.env["account.move"].search([("deposit_exchange_order_id", "=", order.id)]))

    def test_an_accountants_credit_note_dated_later_with_the_deposit_days_rate_corrected(self):
        # given the acompte invoiced on 2 November at 1.20 $ per euro
        order, invoice = self._dollar_acompte(1.2, "2026-11-02")
        self.env.cr.execute("UPDATE account_invoice SET date_invoice = '2026-11-02', date = '2026-11-02' "
                            "WHERE id = %s", (invoice.id,))
        self.env.cr.execute("UPDATE account_move SET date = '2026-11-02' WHERE id = %s", (invoice.move_id.id,))
        invoice.invalidate_cache()
        # when the rate of 2 November is corrected to 1.30, today's is 1.50, and the accountant credits the
        # deposit invoice today with Odoo's own "Add credit note"
        self.usd_rate.rate = 1.3
        self.env["res.currency.rate"].create({"currency_id": self.usd_rate.currency_id.id, "rate": 1.5,
                                              "name": fields.Date.context_today(self.company),
                                              "company_id": self.company.id})
        wizard = self.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_id=invoice.id, active_ids=invoice.ids).create(
            {"filter_refund": "refund", "description": "Deposit waived"})
        wizard.invoice_refund()
        credit_note = invoice.refund_invoice_ids
        credit_note.action_invoice_open()
        # then the VAT and the deposit account come back to zero in euros
        self.assertAlmostEqual(self._balance(credit_note.move_id, "44571"), 50.0)
        self.assertEqual(order.deposit_ids.state, "cancel")
        self.assertDepositAccountsAtZero(order)

    def test_the_final_invoice_deducts_a_dollar_deposit_and_4191_ends_at_zero(self):
        # given the acompte paid at 1.20 $ per euro, the dollar at 1.25 when the goods are invoiced (by lines)
        order, invoice = self._dollar_acompte(1.2, fields.Date.context_today(self.company))
        self._pay(invoice)
        self.usd_rate.rate = 1.25
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        # then the customer is asked 840 $, 4191 is at zero in euros, the order's VAT is declared once
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._declared_vat(), 50.0 + 140.0 / 1.25, places=2)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestCustomerTemplateAndTypedTerms(ReviewCase):
    """2. A customer's default deposit template plus one term typed on the order gave no deposit at all."""

    @classmethod
    def setUpClass(cls):
        super(TestCustomerTemplateAndTypedTerms, cls).setUpClass()
        cls.furniture = cls.env["sale.deposit.template"].create({
            "name": "Made-to-measure furniture", "deposit_kind": "acompte", "deposit_method": "percent_taxed",
            "deposit_value": 30, "deposit_confirm_unpaid": True, "deposit_deliver_unpaid": True})
        cls.business.deposit_template_id = cls.furniture

    def _line(self):
        return [(0, 0, {"product_id": self.product.id, "name": "Oak table", "product_uom_qty": 10,
                        "product_uom": self.product.uom_id.id, "price_unit": 100.0,
                        "tax_id": [(6, 0, self.vat20.ids)]})]

    def test_a_term_typed_over_rpc_wins_and_the_customers_template_fills_the_rest(self):
        # when a salesperson creates the order over RPC with only the percentage typed (40%)
        order = self.env["sale.order"].sudo(self.salesman).create(
            {"partner_id": self.business.id, "deposit_value": 40, "order_line": self._line()})
        # then the order has the template's terms with the 40% typed, and asks 480.00 at confirmation
        self.assertEqual(order.deposit_template_id, self.furniture)
        self.assertEqual((order.deposit_kind, order.deposit_method, order.deposit_value),
                         ("acompte", "percent_taxed", 40.0))
        self.assertAlmostEqual(order.deposit_expected, 480.0)
        order.action_confirm()
        self.assertAlmostEqual(order.deposit_ids.invoice_id.amount_total, 480.0)

    def test_a_term_typed_on_the_form_wins_over_the_customers_template(self):
        # given a new quotation on the form: the customer picked fills the terms of his template
        Order = self.env["sale.order"].sudo(self.salesman)
        spec = Order._onchange_spec()
        # the web client sends every field of the form, empty ones included
        values = dict({name: False for name in spec if "." not in name and Order._fields[name].type != "one2many"},
                      **Order.default_get(list(Order._fields)))
        values["partner_id"] = self.business.id
        changes = Order.onchange(values, "partner_id", spec)["value"]
        # what the form sends: the stored fields it may write
        values.update({name: value[0] if isinstance(value, tuple) else value for name, value in changes.items()
                       if name in Order._fields and Order._fields[name].store and not Order._fields[name].compute
                       and Order._fields[name].type != "one2many"})
        self.assertEqual((values["deposit_template_id"], values["deposit_value"]), (self.furniture.id, 30.0))
        # when the salesperson types 40% and saves
        values.update(deposit_value=40, order_line=self._line())
        order = Order.create(values)
        # then the typed term wins
        self.assertEqual((order.deposit_method, order.deposit_value), ("percent_taxed", 40.0))
        self.assertAlmostEqual(order.deposit_expected, 480.0)


class TestNegativeOrderWithDeposit(ReviewCase):
    """3. Order lines brought below zero after a deposit was invoiced: the credit note Odoo made instead of an
    invoice deducted nothing, and 300.00 stayed on 4191 with the order invoiced."""

    def test_a_negative_order_is_not_invoiced_while_its_deposit_is_left_to_deduct(self):
        # given an acompte of 300.00 (fixed) on a 1 200.00 order
        order = self._acompte_order(deposit_method="fixed", deposit_value=300)
        self.assertAlmostEqual(order.deposit_ids.invoice_id.amount_total, 300.0)
        # when a line of -1 500.00 is added on the confirmed order, it is refused with the reason and the way out
        goodwill = {
            "order_id": order.id, "product_id": self.product.id, "name": "Goodwill", "product_uom_qty": 1,
            "product_uom": self.product.uom_id.id, "price_unit": -1500.0, "tax_id": [(6, 0, self.vat20.ids)]}
        with self.assertRaisesRegex(UserError, "to -600.00.{0,3}, below its deposits of 300.00.*refund the deposits"), \
                self.env.cr.savepoint():
            self.env["sale.order.line"].create(goodwill)
        order.invalidate_cache()
        self.assertEqual(len(order.order_line), 1)
        self.assertFalse(order.invoice_ids.filtered(lambda i: not i.deposit_order_id))
        # and once a sales manager cancelled the unpaid deposit, the line is taken and the order credited:
        # 4191 at zero
        order.deposit_ids.sudo(self.manager).action_cancel_unpaid()
        self.env["sale.order.line"].create(goodwill)
        self.assertLess(order.amount_total, 0.0)
        credit_note = self._final_invoice(order)
        self.assertEqual(credit_note.type, "out_refund")
        credit_note.action_invoice_open()
        self.assertAlmostEqual(credit_note.amount_total, 600.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._account_balance("411"), -600.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestWithdrawalAfterDelivery(ReviewCase):
    """4. A customer withdrawing from arrhes after the goods were delivered got Odoo's raw stock error."""

    def test_the_withdrawal_after_delivery_is_refused_as_a_return_matter(self):
        # given a consumer's arrhes paid and the goods delivered
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        self._pay(order.deposit_ids.invoice_id)
        picking = self._deliver(order)
        # when the customer withdraws, or a sales manager cancels
        for action in ("action_deposit_customer_withdraws", "action_cancel"):
            with self.assertRaisesRegex(UserError, "already delivered.*%s.*return" % picking.name, msg=action):
                getattr(order.sudo(self.manager), action)()
        # then nothing was booked: the arrhes are still to deduct, the order confirmed
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.deposit_ids.invoice_id.refund_invoice_ids)
        self.assertAlmostEqual(order.deposit_ids.amount_remaining, 360.0)


class TestFrenchWording(ReviewCase):
    """5. French read wrong: "Déduction de Acompte", arrhes announced as "Facture d'acompte", the late
    delivery activity in the administrator's language."""

    @classmethod
    def setUpClass(cls):
        super(TestFrenchWording, cls).setUpClass()
        # the addon's French loaded, as an install with French does
        cls.env["res.lang"].load_lang("fr_FR")
        tools.trans_load(cls.env.cr, get_resource_path("sale_deposit", "i18n", "fr.po"), "fr_FR",
                         verbose=False, module_name="sale_deposit")
        cls.consumer.lang = "fr_FR"
        cls.salesman.lang = "fr_FR"

    def test_arrhes_read_as_arrhes_in_french(self):
        # given a French consumer's order of 1 200.00 with arrhes of 30%, made by a French salesperson
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes", deposit_deliver_unpaid=True)
        invoice = order.deposit_ids.invoice_id
        # then the invoice reads "Arrhes de 30 %", never "acompte"
        self.assertEqual(invoice.invoice_line_ids.name, "Arrhes de 30 %% sur la commande %s" % order.name)
        self.assertEqual(invoice.comment, "Arrhes sur la commande %s" % order.name)
        # and the order's history, in the salesperson's French, announces an arrhes invoice of 360,00 €
        as_salesman = order.sudo(self.salesman).with_context(lang="fr_FR")
        order.message_ids.unlink()
        as_salesman.create_deposit(method="fixed", value=120.0)
        body = order.message_ids[:1].body
        self.assertIn("Facture d'arrhes", body)
        self.assertNotIn("acompte", body)
        self.assertIn("120,00", body)
        # when the goods are invoiced, the deductions read "Déduction des arrhes"
        self._deliver(order)
        final = self._final_invoice(order)
        names = final.invoice_line_ids.filtered("deduct_deposit_id").mapped("name")
        self.assertEqual(len(names), 2)
        for deposit_invoice, name in zip(order.deposit_ids.mapped("invoice_id"), names):
            self.assertEqual(name, "Déduction des arrhes de la facture %s, commande %s"
                             % (deposit_invoice.number, order.name))

    def test_a_down_payment_deduction_reads_de_l_acompte(self):
        self.business.lang = "fr_FR"
        order = self._acompte_order(deposit_method="fixed", deposit_value=300)
        self.assertEqual(order.deposit_ids.invoice_id.invoice_line_ids.name,
                         "Acompte sur la commande %s" % order.name)
        self._deliver(order)
        line = self._final_invoice(order).invoice_line_ids.filtered("deduct_deposit_id")
        self.assertEqual(line.name, "Déduction de l'acompte de la facture %s, commande %s"
                         % (order.deposit_ids.invoice_id.number, order.name))

    def test_the_late_delivery_activity_reads_in_the_salespersons_language(self):
        # given a consumer who paid 360.00 of arrhes on 15 January 2026 and still waits for the goods
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        order.deposit_ids.invoice_id.pay_and_reconcile(self.bank, 360.0, "2026-01-15")
        # when the daily job runs as the administrator, in English
        self.env["sale.order"].with_context(lang="en_US")._cron_deposit_flag_late_orders()
        # then the French salesperson's activity is in French, the interest written the French way
        activity = self.env["mail.activity"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.summary,
                         "Livraison en retard : intérêts au taux légal sur les sommes versées d'avance")
        self.assertIn("Un versement d'avance sur la commande %s" % order.name, activity.note)
        interest = order.with_context(lang="fr_FR")._deposit_format(order._deposit_late_interest(
            fields.Date.from_string(fields.Date.context_today(order)))[1])
        self.assertRegex(interest, r"^\d+,\d\d\W€$")
        self.assertIn(interest, activity.note)


class TestCashBasisVatOfADepositDeductedUnpaid(ReviewCase):
    """6. With VAT on deposits when paid, a deposit still unpaid when the final invoice was validated had its
    VAT declared twice (260.00 for an order whose VAT is 200.00) once the deposit was paid first, or not at
    all (140.00) once the final invoice was paid first."""

    def _invoiced_unpaid(self, quantity=None, **terms):
        # an order of 1 000.00 + 20% VAT, an acompte of 30% (360.00, 60.00 of VAT) left unpaid when the goods
        # are delivered and invoiced
        self.company.deposit_cash_basis_vat = True
        order = self._acompte_order(**terms)
        self._deliver(order, quantity)
        final = self._final_invoice(order)
        final.action_invoice_open()
        return order, final

    def test_deposit_paid_after_the_final_invoice(self):
        order, final = self._invoiced_unpaid()
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        # when the deposit is paid, then the final invoice: the order's 200.00 stay declared once
        self._pay(order.deposit_ids.invoice_id)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self._pay(final)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_a_final_invoice_credited_takes_the_deposits_vat_back(self):
        order, final = self._invoiced_unpaid()
        # when the accountant cancels the final invoice with Odoo's credit note: nothing is declared
        wizard = self.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_id=final.id, active_ids=final.ids).create(
            {"filter_refund": "cancel", "description": "Wrong address"})
        wizard.invoice_refund()
        self.assertAlmostEqual(self._declared_vat(), 0.0)
        # and the order invoiced again, paid: 200.00
        again = self._final_invoice(order)
        again.action_invoice_open()
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self._pay(order.deposit_ids.invoice_id)
        self._pay(again)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_final_invoice_paid_before_the_deposit(self):
        order, final = self._invoiced_unpaid()
        self._pay(final)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self._pay(order.deposit_ids.invoice_id)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_partial_deliveries_declare_the_goods_invoiced_and_the_deposit_paid_beyond(self):
        # given 10 chairs invoiced as delivered, 4 delivered and invoiced with the acompte unpaid
        order, first = self._invoiced_unpaid(quantity=4, lines=[(self.delivered_product, 10, 100.0, self.vat20)])
        deducted = -sum(first.invoice_line_ids.filtered("deduct_deposit_id").mapped("price_total"))
        self.assertGreater(deducted, 0.0)
        # then the 80.00 of VAT of the 4 chairs are declared, the deposit's share deducted with them included
        self.assertAlmostEqual(self._declared_vat(), 80.0)
        # when the deposit is paid, the VAT of its part not deducted yet is declared too
        self._pay(order.deposit_ids.invoice_id)
        self.assertAlmostEqual(self._declared_vat(), 80.0 + round((360.0 - deducted) / 6.0, 2))
        # and once the rest is delivered and invoiced, and everything paid: 200.00, nothing left waiting
        self._deliver(order)
        second = self._final_invoice(order)
        second.action_invoice_open()
        self._pay(first)
        self._pay(second)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])
