from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError

from .common import ApprovalCase


class TestRules(ApprovalCase):
    """Each condition kind applies its rule to the quotations it describes, and only to them."""

    def test_untaxed_total_above_threshold(self):
        rule = self._rule("amount", amount_threshold=1000.0)
        self.assertFalse(self._matching(self._order(quantity=10), rule), "1,000 € is not above 1,000 €")
        self.assertTrue(self._matching(self._order(quantity=11), rule))

    def test_a_line_discount_above_threshold(self):
        rule = self._rule("discount", percent_threshold=10.0)
        self.assertFalse(self._matching(self._order(discount=10.0), rule))
        self.assertTrue(self._matching(self._order(discount=12.5), rule))

    def test_margin_below_threshold_from_product_cost(self):
        rule = self._rule("margin", percent_threshold=30.0)
        # cost 60: sold 100 -> 40 % margin; sold 80 -> 25 %
        self.assertFalse(self._matching(self._order(price=100.0), rule))
        self.assertTrue(self._matching(self._order(price=80.0), rule))

    def test_customer_over_credit_limit_or_with_overdue_invoice(self):
        rule = self._rule("credit")
        self.customer.credit_limit = 1500.0
        self.assertFalse(self._matching(self._order(quantity=10), rule), "1,000 € fits in 1,500 €")
        self.assertTrue(self._matching(self._order(quantity=20), rule), "2,000 € exceeds 1,500 €")
        late_payer = self.env["res.partner"].create({"name": "Late payer", "is_company": True})
        account = self.env["account.account"].search([
            ("company_id", "=", self.company.id),
            ("user_type_id", "=", self.env.ref("account.data_account_type_revenue").id)], limit=1)
        invoice = self.env["account.invoice"].create({
            "partner_id": late_payer.id, "type": "out_invoice",
            "date_invoice": fields.Date.to_string(fields.Date.from_string(fields.Date.today()) - timedelta(days=60)),
            "invoice_line_ids": [(0, 0, {"name": "Old sale", "price_unit": 100.0, "quantity": 1,
                                         "account_id": account.id})],
        })
        invoice.action_invoice_open()
        self.assertLess(invoice.date_due, fields.Date.today())
        self.assertTrue(self._matching(self._order(quantity=1, partner_id=late_payer.id), rule))

    def test_payment_terms_longer_than_days(self):
        rule = self._rule("payment_term", days_threshold=45)
        term = self.env["account.payment.term"].create({
            "name": "60 days", "line_ids": [(0, 0, {"value": "balance", "days": 60,
                                                    "option": "day_after_invoice_date"})]})
        short = self.env["account.payment.term"].create({
            "name": "30 days", "line_ids": [(0, 0, {"value": "balance", "days": 30,
                                                    "option": "day_after_invoice_date"})]})
        self.assertTrue(self._matching(self._order(payment_term_id=term.id), rule))
        self.assertFalse(self._matching(self._order(payment_term_id=short.id), rule))
        self.assertFalse(self._matching(self._order(payment_term_id=False), rule))

    def test_product_category_and_its_subcategories(self):
        rule = self._rule("category", category_ids=[(6, 0, self.category.ids)])
        self.assertTrue(self._matching(self._order(product=self.lathe), rule))
        self.assertFalse(self._matching(self._order(), rule))

    def test_domain_for_the_rest(self):
        rule = self._rule("domain", domain="[('partner_id.name', 'ilike', 'Dupont')]")
        other = self.env["res.partner"].create({"name": "Durand SA", "is_company": True})
        self.assertTrue(self._matching(self._order(), rule))
        self.assertFalse(self._matching(self._order(partner_id=other.id), rule))

    def test_rule_applies_to_its_teams_only(self):
        rule = self._rule("amount", amount_threshold=0.0, team_ids=[(6, 0, self.other_team.ids)])
        self.assertFalse(self._matching(self._order(), rule))
        self.assertTrue(self._matching(self._order(team_id=self.other_team.id), rule))

    def test_invalid_domain_is_refused_with_a_clear_error(self):
        with self.assertRaises(ValidationError):
            self._rule("domain", domain="[('no_such_field', '=', 1)]")
