import odoo

from .common import SIGNATURE, ApprovalCase


@odoo.tests.common.at_install(False)
@odoo.tests.common.post_install(True)
class TestAcceptanceWithSaleDeposit(ApprovalCase):
    """With sale_deposit installed, the customer's acceptance confirms the quotation through
    the same confirmation, so its deposit terms apply (a deposit invoice at confirmation)."""

    def setUp(self):
        super(TestAcceptanceWithSaleDeposit, self).setUp()
        if "deposit_ids" not in self.env["sale.order"]._fields:
            self.skipTest("sale_deposit is not installed: no deposit terms to apply")

    def test_accepted_quotation_is_confirmed_and_its_deposit_invoiced(self):
        self._rule("amount", approver=self.leader, amount_threshold=500.0)
        vat20 = self.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("company_id", "=", self.company.id), ("amount", "=", 20),
            ("price_include", "=", False)], limit=1)
        self.assertTrue(vat20, "the French chart of accounts has a 20 % sales tax")
        order = self._order(deposit_kind="acompte", deposit_method="percent_untaxed", deposit_value=30,
                            deposit_due="confirmation")
        order.order_line.write({"tax_id": [(6, 0, vat20.ids)]})
        order.action_approval_request()
        order.sudo(self.leader).action_approval_approve()
        order.write({"state": "sent"})
        # the online page runs as the superuser after checking the customer's token
        order.sudo().action_customer_accept("Jeanne Dupont", SIGNATURE, ip_address="203.0.113.7")
        self.assertEqual((order.state, order.customer_answer), ("sale", "accepted"))
        invoice = order.sudo().deposit_ids.invoice_id
        self.assertEqual(len(invoice), 1, "one deposit invoice at confirmation")
        self.assertEqual(invoice.state, "open")
        self.assertAlmostEqual(invoice.amount_untaxed, 300.0)
        self.assertAlmostEqual(invoice.amount_tax, 60.0)
