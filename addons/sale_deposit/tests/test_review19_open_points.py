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
