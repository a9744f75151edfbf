"""The open points of the outside review of issue 19, each told as the reviewer found it, checked on the
posted journal entries (balances per account, the tax report's figures) as well as on what the order shows."""
from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import DepositCase


class ReviewCase(DepositCase):

    def _declared_vat(self, partner=None):
        """The VAT the tax report declares for the customer: exigible tax lines of posted entries, as
        Odoo's report reads them (``tax_exigible``), credit positive."""
        self.env["account.move.line"].recompute()
        self.env.cr.execute("""
            SELECT COALESCE(-SUM(l.balance), 0) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
             WHERE l.partner_id = %s AND l.tax_line_id IS NOT NULL AND l.tax_exigible AND m.state = 'posted'
        """, ((partner or self.business).commercial_partner_id.id,))
        return float(self.env.cr.fetchone()[0])

    def _account_balance(self, code, partner=None):
        """Balance (debit - credit) of the customer's posted lines on the accounts starting with ``code``."""
        self.env["account.move.line"].recompute()
        self.env.cr.execute("""
            SELECT COALESCE(SUM(l.balance), 0) FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id JOIN account_account a ON a.id = l.account_id
             WHERE l.partner_id = %s AND a.code LIKE %s AND m.state = 'posted'
        """, ((partner or self.business).commercial_partner_id.id, code + "%"))
        return float(self.env.cr.fetchone()[0])

    def _acompte_order(self, **terms):
        values = dict(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30,
                      deposit_deliver_unpaid=True)
        values.update(terms)
        order = self._order(**values)
        order.action_confirm()
        return order


class TestCashBasisVatDeclaredOnce(ReviewCase):
    """Point 2: with "VAT on deposits when paid", the VAT of a paid deposit was declared a second time by
    the final invoice until that was paid (260 declared for an order whose VAT is 200)."""

    def test_the_vat_of_a_paid_deposit_is_declared_once_at_every_moment(self):
        # given the option, an order of 1 000.00 + 20% VAT and an acompte of 30% (360.00, 60.00 of VAT)
        self.company.deposit_cash_basis_vat = True
        order = self._acompte_order()
        deposit_invoice = order.deposit_ids.invoice_id
        self.assertAlmostEqual(self._declared_vat(), 0.0)
        # when the deposit is paid, its 60.00 of VAT are declared
        self._pay(deposit_invoice)
        self.assertAlmostEqual(self._declared_vat(), 60.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        # and the goods delivered and invoiced (840.00): the order's VAT is 200.00, declared once
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertAlmostEqual(self._account_balance("44571"), -200.0)
        # and still once the final invoice is paid
        self._pay(final)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_an_unpaid_deposit_deducted_leaves_the_order_vat_declared_at_the_final_invoice(self):
        # given the option and the acompte left unpaid when the goods are invoiced
        self.company.deposit_cash_basis_vat = True
        order = self._acompte_order()
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        # then the order's 200.00 of VAT are declared, nothing waits on 445800
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        # and once both invoices are paid, still 200.00
        self._pay(order.deposit_ids.invoice_id)
        self._pay(final)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_a_half_paid_deposit_declares_its_vat_once(self):
        # given the option and half of the 360.00 acompte paid: 30.00 of VAT declared
        self.company.deposit_cash_basis_vat = True
        order = self._acompte_order()
        self._pay(order.deposit_ids.invoice_id, 180.0)
        self.assertAlmostEqual(self._declared_vat(), 30.0)
        # when the goods are invoiced, the deduction takes back the 30.00 declared and the 30.00 waiting
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(final.amount_total, 840.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(order._deposit_check_accounting(), [])


class TestSalespersonInvoicesForeignCurrency(ReviewCase):
    """Point 4: a salesperson's "Create invoice" on a dollar order in credit-note mode failed with "not
    allowed to create (account.move)" once the rate had changed (the exchange difference on 4191)."""

    def test_a_salesperson_invoices_a_dollar_order_after_the_rate_changed(self):
        # given a 1 200 $ order in credit-note mode whose 600 $ acompte is paid at 1.20 $ per euro (500 €)
        self.company.deposit_deduction_mode = "credit_note"
        usd = self.env.ref("base.USD")
        usd.active = True
        today = fields.Date.context_today(usd)
        self.env["res.currency.rate"].search([("currency_id", "=", usd.id), ("name", ">=", today)]).unlink()
        rate = self.env["res.currency.rate"].create({"currency_id": usd.id, "rate": 1.2, "name": today,
                                                     "company_id": self.company.id})
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        order = self._acompte_order(pricelist_id=pricelist.id, deposit_value=50)
        deposit_invoice = order.deposit_ids.invoice_id
        self._pay(deposit_invoice)
        # when the dollar falls to 1.25 per euro and, the goods delivered, the salesperson creates the invoice
        rate.rate = 1.25
        self._deliver(order)
        invoice = self.env["account.invoice"].browse(order.sudo(self.salesman).action_invoice_create())
        # then the invoice asks for the whole order, the credit note deducting the 600 $ is validated
        self.assertAlmostEqual(invoice.amount_total, 1200.0)
        credit_note = self.env["account.invoice"].search([("deposit_final_invoice_id", "=", invoice.id)])
        self.assertEqual((credit_note.state, credit_note.amount_total), ("open", 600.0))
        # and the 16.67 € the rate left on 4191 are booked as an exchange gain, the account at zero
        exchange = self.env["account.move"].search([("deposit_exchange_order_id", "=", order.id)])
        self.assertEqual(exchange.state, "posted")
        self.assertAlmostEqual(self._balance(exchange, "4191"), 16.67)
        self.assertAlmostEqual(self._balance(exchange, "766"), -16.67)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        invoice.action_invoice_open()
        self.assertAlmostEqual(invoice.residual, 600.0)
        self.assertEqual(order._deposit_check_accounting(), [])
        # the salesperson gets no write access to journal entries out of it
        with self.assertRaises(AccessError):
            self.env["account.move"].sudo(self.salesman).create({"journal_id": exchange.journal_id.id})


class TestBalancesAfterCredit(ReviewCase):
    """Point 9: after a deposit was credited or cancelled, the order's balances and the deposit's state are
    read from the posted documents (invoices open or paid, less the credit notes linked to them)."""

    def assertBalances(self, order, invoiced, paid, to_pay, to_deduct):
        order.invalidate_cache()
        self.assertEqual(
            [round(order[name], 2)
             for name in ("deposit_invoiced", "deposit_paid", "deposit_to_pay", "deposit_remaining")],
            [invoiced, paid, to_pay, to_deduct])

    def test_an_unpaid_deposit_waits_to_be_deducted(self):
        order = self._acompte_order()
        self.assertEqual(order.deposit_ids.state, "open")
        self.assertBalances(order, 360.0, 0.0, 360.0, 360.0)

    def test_cancel_unpaid_deposit_leaves_nothing_due_and_lets_the_goods_go(self):
        # given the acompte of 360.00 to pay before delivery, cancelled unpaid by a sales manager
        order = self._acompte_order(deposit_deliver_unpaid=False)
        deposit = order.deposit_ids
        deposit.sudo(self.manager).action_cancel_unpaid()
        # then the books show nothing owed on it, and the order and the deposit say so
        self.assertAlmostEqual(self._account_balance("411"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(deposit.state, "cancel")
        self.assertBalances(order, 0.0, 0.0, 0.0, 0.0)
        # and the goods can be delivered, then invoiced in full
        self._deliver(order)
        self.assertEqual(order.picking_ids.state, "done")
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(final.amount_total, 1200.0)
        self.assertAlmostEqual(self._account_balance("411"), 1200.0)

    def test_withdrawal_from_unpaid_arrhes_cancels_the_deposit(self):
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        deposit = order.deposit_ids
        order.sudo(self.salesman).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "cancel")
        self.assertAlmostEqual(self._account_balance("411", self.consumer), 0.0)
        self.assertAlmostEqual(self._declared_vat(self.consumer), 0.0)
        self.assertEqual(deposit.state, "cancel")
        self.assertBalances(order, 0.0, 0.0, 0.0, 0.0)

    def test_a_cancelled_order_owes_no_deposit(self):
        # given 100.00 paid on the 360.00 acompte, the company cannot deliver: the 100.00 are owed back
        order = self._acompte_order()
        deposit = order.deposit_ids
        self._pay(deposit.invoice_id, 100.0)
        order.sudo(self.manager).action_deposit_seller_fails()
        self.assertEqual(order.state, "cancel")
        self.assertAlmostEqual(self._account_balance("411"), -100.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(deposit.state, "cancel")
        self.assertAlmostEqual(deposit.amount_paid, 100.0)
        self.assertBalances(order, 0.0, 0.0, 0.0, 0.0)

    def test_credit_note_mode_settled_order_owes_nothing(self):
        # given the deduction by credit note, the acompte unpaid when the goods are invoiced
        self.company.deposit_deduction_mode = "credit_note"
        order = self._acompte_order()
        deposit = order.deposit_ids
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self._pay(final)
        # then the customer owed 1 200.00, paid them, and the deposit was settled by its deduction
        self.assertAlmostEqual(self._account_balance("411"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertEqual(deposit.state, "deducted")
        self.assertAlmostEqual(deposit.amount_to_pay, 0.0)
        self.assertBalances(order, 360.0, 0.0, 0.0, 0.0)

    def test_odoo_credit_note_on_the_deposit_invoice_cancels_it(self):
        # given an accountant's credit note made with Odoo's own "Add credit note" on the deposit invoice
        order = self._acompte_order(deposit_deliver_unpaid=False)
        deposit = order.deposit_ids
        wizard = self.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_id=deposit.invoice_id.id,
            active_ids=deposit.invoice_id.ids).create({"filter_refund": "refund", "description": "Deposit waived"})
        wizard.invoice_refund()
        credit_note = deposit.invoice_id.refund_invoice_ids
        credit_note.action_invoice_open()
        # then nothing is left to pay nor to deduct, the deposit is cancelled and the goods may go
        self.assertAlmostEqual(self._account_balance("411"), 0.0)
        self.assertEqual(deposit.state, "cancel")
        self.assertBalances(order, 0.0, 0.0, 0.0, 0.0)
        self._deliver(order)
        final = self._final_invoice(order)
        self.assertAlmostEqual(final.amount_total, 1200.0)


class TestConfirmBeforePaymentIsTheManagers(ReviewCase):
    """Point 5: a salesperson turned "Confirm before deposit is paid" back on over RPC, which a sales manager
    had turned off, and confirmed the order."""

    def test_a_salesperson_cannot_turn_the_managers_decision_back(self):
        # given a quotation the sales manager wants paid before confirmation (the company's default says
        # otherwise)
        self.company.deposit_confirm_unpaid = True
        order = self._order(deposit_kind="acompte", deposit_method="percent_taxed", deposit_value=30)
        order.sudo(self.manager).write({"deposit_confirm_unpaid": False})
        as_salesman = order.sudo(self.salesman)
        with self.assertRaises(UserError):
            as_salesman.action_confirm()
        # when the salesperson writes the field back over RPC, alone or with the order's own customer or
        # an empty template (which bring the company's default), the write is refused, naming the field
        for values in ({"deposit_confirm_unpaid": True},
                       {"deposit_confirm_unpaid": True, "partner_id": self.business.id},
                       {"deposit_confirm_unpaid": True, "deposit_template_id": False},
                       {"deposit_confirm_unpaid": True, "partner_id": self.business.id,
                        "deposit_template_id": False}):
            with self.assertRaisesRegex(AccessError, "Confirm before deposit is paid", msg=str(values)):
                as_salesman.write(values)
        # then the order is still refused confirmation, and no deposit invoice was made
        self.assertFalse(order.deposit_confirm_unpaid)
        with self.assertRaises(UserError):
            as_salesman.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(self.env["account.invoice"].search([("deposit_order_id", "=", order.id)]))


class TestDeliverBeforePaymentOnTheCustomerIsTheManagers(ReviewCase):
    """Second review, A: a salesperson set "Deliver/Confirm before deposit is paid" on the customer
    record over RPC; the customer's next order inherited it and was delivered unpaid."""

    def test_a_salesperson_cannot_set_the_override_on_a_customer(self):
        partner = self.business.sudo(self.salesman)
        for name in ("deposit_deliver_unpaid", "deposit_confirm_unpaid"):
            value = not self.business[name]
            with self.assertRaisesRegex(AccessError, "before deposit is paid", msg=name):
                partner.write({name: value})
            # nor on a new customer
            with self.assertRaisesRegex(AccessError, "before deposit is paid", msg=name):
                self.env["res.partner"].sudo(self.salesman).create({"name": "Client %s" % name, name: value})
        # what a form sends when saving (the values the customer already has), and other fields, pass
        partner.write({"deposit_deliver_unpaid": self.business.deposit_deliver_unpaid,
                       "deposit_confirm_unpaid": self.business.deposit_confirm_unpaid, "phone": "01 02 03 04 05"})
        self.env["res.partner"].sudo(self.salesman).create({
            "name": "Client neuf", "deposit_deliver_unpaid": False, "deposit_confirm_unpaid": True})
        # a sales manager decides
        self.business.sudo(self.manager).write({"deposit_deliver_unpaid": True})
        self.assertTrue(self.business.deposit_deliver_unpaid)


class TestCashBasisRoundingOnTheLastDeduction(ReviewCase):
    """Point 3: with VAT on deposits when paid and the deduction by credit notes, a cent of the deposit's
    VAT stayed on 445800 (399.99 on 445711 where 400.00 are due) after two partial invoices."""

    def test_the_last_deduction_takes_the_rounding_residue(self):
        # given 2 x 1 000.00 at 20% and 3 x 100.00 at 5.5% (2 716.50), delivered quantities invoiced, an
        # acompte of 40% of the taxed total (1 086.60), VAT on deposits when paid, deduction by credit note
        self.company.write({"deposit_cash_basis_vat": True, "deposit_deduction_mode": "credit_note"})
        sofa = self._product("Sofa", 1000.0, self.vat20, "delivery")
        vat55 = self.vat55
        chair = self._product("Reading chair", 100.0, vat55, "delivery")
        order = self._acompte_order(lines=[(sofa, 2, 1000.0, self.vat20), (chair, 3, 100.0, vat55)],
                                    deposit_value=40)
        self.assertAlmostEqual(order.amount_total, 2716.5)
        deposit_invoice = order.deposit_ids.invoice_id
        self.assertAlmostEqual(deposit_invoice.amount_total, 1086.6)
        # when 500.00 are paid, the goods delivered and invoiced in two parts, and every invoice paid
        self._pay(deposit_invoice, 500.0)
        finals = self.env["account.invoice"]
        for quantity in (1, None):
            self._deliver(order, quantity)
            final = self._final_invoice(order)
            final.action_invoice_open()
            self._pay(final)
            finals |= final
        # then the customer paid 2 716.50 in all and owes nothing
        self.assertEqual((deposit_invoice | finals).mapped("state"), ["paid"] * 3)
        self.assertAlmostEqual(self._account_balance("411"), 0.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        # and the VAT is declared to the cent: 400.00 at 20% and 16.50 at 5.5%, nothing left waiting
        self.assertAlmostEqual(self._account_balance("445800"), 0.0)
        self.assertAlmostEqual(self._account_balance(self.vat20.account_id.code), -400.0
                               if self.vat20.account_id != vat55.account_id else -416.5)
        self.assertAlmostEqual(self._declared_vat(), 416.5)
        self.assertEqual(order._deposit_check_accounting(), [])
        # the cent is moved by one entry in the cash basis journal, once
        rounding = self.env["account.move"].search([("deposit_cash_basis_order_id", "=", order.id)])
        self.assertEqual(len(rounding), 1)
        self.assertEqual(rounding.journal_id, self.company.tax_cash_basis_journal_id)
        self.assertAlmostEqual(abs(self._balance(rounding, "445800")), 0.01)


class TestInvoiceAgainAfterRefundCancel(ReviewCase):
    """Point 12: once its final invoice was cancelled by Odoo's credit note in "cancel" mode, an order with
    deposits stayed invoiced: "Create invoice" found no invoiceable line, and no way out was left."""

    def _refund(self, invoice, mode):
        wizard = self.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_id=invoice.id, active_ids=invoice.ids).create(
            {"filter_refund": mode, "description": "Wrong delivery address"})
        wizard.invoice_refund()
        return invoice.refund_invoice_ids

    def test_the_final_invoice_is_made_again_after_its_cancellation(self):
        # given the acompte of 360.00 paid and the final invoice of 840.00 validated, deposit deducted
        order = self._acompte_order()
        self._pay(order.deposit_ids.invoice_id)
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self.assertAlmostEqual(final.amount_total, 840.0)
        # when the accountant cancels it with Odoo's credit note ("cancel" mode)
        credit_note = self._refund(final, "cancel")
        self.assertEqual((final.state, credit_note.state), ("paid", "paid"))
        # then the goods and the deposit's deduction can be invoiced again
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertAlmostEqual(order.deposit_ids.amount_to_deduct, 360.0)
        again = self._final_invoice(order)
        again.action_invoice_open()
        self.assertAlmostEqual(again.amount_total, 840.0)
        self.assertAlmostEqual(again.amount_tax, 140.0)
        self.assertEqual(order.invoice_status, "invoiced")
        # and the books count the order once: 1 200.00 invoiced, 200.00 of VAT, 4191 at zero
        self.assertAlmostEqual(self._account_balance("411"), 840.0)
        self.assertAlmostEqual(self._account_balance("4191"), 0.0)
        self.assertAlmostEqual(self._declared_vat(), 200.0)
        self.assertEqual(order._deposit_check_accounting(), [])

    def test_a_modified_invoice_is_not_invoiced_twice(self):
        # Odoo's "modify" mode already gives the order a new draft invoice: nothing more to invoice
        order = self._acompte_order()
        self._deliver(order)
        final = self._final_invoice(order)
        final.action_invoice_open()
        self._refund(final, "modify")
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.order_line.mapped("qty_invoiced"), [10.0])
