from odoo.exceptions import UserError, ValidationError

from .common import RecurringCase


class TestValidation(RecurringCase):

    def test_end_before_start_is_refused_with_a_clear_error(self):
        count = self.Contract.search_count([])
        with self.assertRaisesRegex(ValidationError, "before its start date"), self.env.cr.savepoint():
            self.make_contract(start="2027-03-01", date_end="2027-02-28")
        self.assertEqual(self.Contract.search_count([]), count)

    def test_zero_or_negative_frequency_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a valid frequency"), self.env.cr.savepoint():
            self.make_contract(recurring_interval=0)
        contract = self.make_contract()
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            contract.recurring_interval = -2
        contract.invalidate_cache()
        self.assertEqual(contract.recurring_interval, 1)

    def test_negative_quantity_and_usage_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.env.cr.savepoint():
            self.make_contract(quantity=-1)
        contract = self.make_contract()
        with self.assertRaises(ValidationError):
            contract.line_ids.apply_change("2027-01-10", quantity=-3)
        self.assertEqual(contract.line_ids.quantity, 1.0)
        usage_line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        with self.assertRaisesRegex(ValidationError, "usage quantity cannot be negative"), \
                self.env.cr.savepoint():
            self.env["recurring.usage"].create({"line_id": usage_line.id, "quantity": -5})
        with self.assertRaisesRegex(ValidationError, "not invoiced by usage"):
            self.env["recurring.usage"].create({"line_id": contract.line_ids[0].id, "quantity": 5})

    def test_contract_without_lines_cannot_start(self):
        contract = self.Contract.create({"partner_id": self.customer.id, "date_start": "2027-01-01"})
        with self.assertRaisesRegex(UserError, "no line"):
            contract.action_start()
        self.assertEqual(contract.state, "draft")

    def test_invoiced_usage_cannot_be_changed(self):
        contract = self.make_contract(start="2027-01-01", invoicing_mode="arrears")
        usage_line = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True})
        usage = self.env["recurring.usage"].create({"line_id": usage_line.id, "date": "2027-01-10",
                                                    "quantity": 10})
        invoice = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(usage.invoice_line_id.invoice_id, invoice)
        self.assertEqual(usage.invoice_line_id.quantity, 10)
        with self.assertRaisesRegex(ValidationError, "cannot be changed"):
            usage.quantity = 20
