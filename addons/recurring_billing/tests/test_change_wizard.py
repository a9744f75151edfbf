from odoo.exceptions import UserError

from .common import RecurringCase


class TestChangeWizard(RecurringCase):
    """The "Change quantity or price" wizard runs apply_change; an invoiced line's quantity
    and price change only that way."""

    def change(self, line, today, **values):
        wizard = self.env["recurring.contract.change.wizard"].with_context(recurring_today=today).create(
            dict({"contract_id": line.contract_id.id, "line_id": line.id}, **values))
        return wizard

    def test_wizard_mid_period_bills_what_apply_change_bills(self):
        # given two identical contracts at 30 a month aligned on the 1st from 16 April (first period clipped)
        by_rpc, by_wizard = [self.make_contract(start="2027-04-16", period_alignment="calendar", price=30.0)
                             for _index in range(2)]
        self.run_invoicing(by_rpc | by_wizard, "2027-04-16")
        # when on 21 April one goes to 3 seats over RPC, the other in the wizard
        by_rpc.line_ids.with_context(recurring_today="2027-04-21").apply_change("2027-04-21", quantity=3.0)
        wizard = self.change(by_wizard.line_ids, "2027-04-21", date="2027-04-21", quantity=3.0, price_unit=30.0)
        # then the wizard says what will happen before confirming: the date, old -> new, the charge
        self.assertIn("From 04/21/2027: Hosting goes from 1 x", wizard.summary)
        self.assertIn("to 3 x", wizard.summary)
        self.assertIn("charges 20.00 €", wizard.summary)
        self.assertFalse(by_wizard.adjustment_ids)
        wizard.action_confirm()
        # and May's invoices are the same: April's 10 days at 3 seats (20) and May at 3 seats
        may_rpc, may_wizard = (self.run_invoicing(contract, "2027-05-01") for contract in (by_rpc, by_wizard))
        lines = [sorted((line.price_subtotal, line.quantity) for line in invoice.invoice_line_ids)
                 for invoice in (may_rpc, may_wizard)]
        self.assertEqual(lines[0], [(20.0, 1.0), (90.0, 3.0)])
        self.assertEqual(lines[1], lines[0])
        self.assertEqual(by_wizard.line_ids.amendment_ids.mapped("state"), ["applied"])

    def test_plan_change_in_the_wizard_credits_the_old_plan_and_charges_the_new(self):
        # given Hosting at 3,100 a month in advance from 1 January, January invoiced
        contract = self.make_contract(start="2027-01-01", price=3100.0)
        self.run_invoicing(contract, "2027-01-01")
        premium = self.env["product.product"].create({
            "name": "Premium", "type": "service", "list_price": 6200.0, "taxes_id": [(6, 0, self.tax.ids)]})
        # when, from the contract's Change plan, Hosting becomes Premium from 11 January
        action = contract.action_change_plan()
        wizard = self.env["recurring.contract.change.wizard"].with_context(
            action["context"], recurring_today="2027-01-11").create({"date": "2027-01-11", "product_id": premium.id,
                                                                     "quantity": 1.0, "price_unit": 6200.0})
        self.assertEqual((wizard.change_type, wizard.line_id), ("plan", contract.line_ids))
        self.assertIn("credits 2,100.00 €", wizard.summary)
        self.assertIn("charges 4,200.00 €", wizard.summary)
        wizard.action_confirm()
        # then February bills Premium, its 21 days of January, and credits Hosting's 21 unused days
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(sorted(february.invoice_line_ids.mapped("price_subtotal")), [-2100.0, 4200.0, 6200.0])
        self.assertEqual(contract.line_ids.filtered(lambda line: line.product_id == premium).date_start,
                         "2027-01-11")

    def test_a_direct_write_of_an_invoiced_line_is_refused_even_to_a_sales_manager(self):
        contract = self.make_contract(start="2027-01-01")
        self.run_invoicing(contract, "2027-01-01")
        line = contract.line_ids.sudo(self.manager)
        self.assertTrue(line.invoiced)
        for attempt in (lambda: line.write({"quantity": 2.0}),
                        lambda: line.with_context(recurring_line_terms_write=True).write({"price_unit": 50.0}),
                        lambda: contract.sudo(self.manager).write({"line_ids": [(1, line.id, {"price_unit": 50.0})]}),
                        lambda: contract.line_ids.write({"quantity": 2.0})):
            with self.assertRaisesRegex(UserError, "already invoiced.*Change quantity or price"), \
                    self.env.cr.savepoint():
                attempt()
        # the same values and the other fields stay writable
        line.write({"quantity": 1.0, "price_unit": 100.0, "name": "Hosting (renamed)"})
        self.assertEqual((line.quantity, line.price_unit, line.name), (1.0, 100.0, "Hosting (renamed)"))
        # the wizard changes it from a date
        with self.assertRaisesRegex(UserError, "nothing to change"):
            self.change(line, "2027-01-20", date="2027-01-20", quantity=1.0, price_unit=100.0).action_confirm()

    def test_a_line_never_invoiced_stays_editable(self):
        # a running contract invoiced in arrears, before its first invoice
        contract = self.make_contract(start="2027-01-01", invoicing_mode="arrears")
        line = contract.line_ids.sudo(self.manager)
        line.write({"quantity": 2.0})
        self.assertEqual(contract.amount_period, 200.0)
        # once January is invoiced, a line added from February is still editable, the first one is not
        self.run_invoicing(contract, "2027-02-01")
        added = self.env["recurring.contract.line"].sudo(self.manager).create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Backup", "quantity": 1,
            "price_unit": 10.0, "date_start": "2027-02-01"})
        added.write({"quantity": 3.0, "price_unit": 12.0})
        self.assertEqual(added.price_subtotal, 36.0)
        self.assertEqual((line.invoiced, added.invoiced), (True, False))
        # and so is a line added without a start date the day after January was invoiced
        self.env.cr.execute("UPDATE recurring_contract_period SET create_date = create_date - interval '1 day' "
                            "WHERE contract_id = %s", (contract.id,))
        self.env.cr.execute("UPDATE recurring_contract_line SET create_date = create_date - interval '2 day' "
                            "WHERE id = %s", (line.id,))
        self.env["recurring.contract.line"].invalidate_cache()  # the whole cache: dates as now stored
        option = added.copy({"name": "Support", "date_start": False, "quantity": 1.0})
        option.write({"price_unit": 15.0})
        self.assertEqual((option.price_subtotal, option.invoiced, line.invoiced), (15.0, False, True))
        with self.assertRaisesRegex(UserError, "already invoiced"):
            line.write({"quantity": 1.0})
