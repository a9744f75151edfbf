from .common import RecurringCase


class TestCreditNotes(RecurringCase):

    def test_credits_above_the_charges_make_a_credit_note_for_the_difference(self):
        # given 100 a month and a goodwill credit of 250, invoices validated
        contract = self.make_contract(start="2027-01-01", start_it=False, invoice_policy="open")
        self.env["recurring.contract.adjustment"].create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Goodwill credit",
            "date": "2026-12-15", "amount": -250.0})
        contract.action_start()
        # when January is invoiced
        note = self.run_invoicing(contract, "2027-01-01")
        # then the customer gets a validated credit note of 150 plus VAT, with no payment terms
        self.assertEqual((note.type, note.state), ("out_refund", "open"))
        self.assertEqual((note.amount_untaxed, note.amount_tax, note.amount_total), (150.0, 30.0, 180.0))
        self.assertFalse(note.payment_term_id)
        self.assertEqual(sorted(note.invoice_line_ids.mapped("price_subtotal")), [-100.0, 250.0])
        # and January counts as invoiced, the credit as used, no invoicing issue
        self.assertEqual(contract.period_ids.invoice_id, note)
        self.assertEqual(contract.adjustment_ids.invoice_line_id.invoice_id, note)
        self.assertFalse(self.env["recurring.invoicing.issue"].search([("contract_id", "=", contract.id)]))
        self.assertEqual(self.run_invoicing(contract, "2027-02-01").type, "out_invoice")

    def test_closing_early_credits_the_unused_prepaid_days(self):
        # given 3,100 a month in advance from 31 January (28 Feb - 30 Mar is 31 days)
        contract = self.make_contract(start="2027-01-31", price=3100.0, invoice_policy="open")
        self.run_invoicing(contract, "2027-02-28")
        # when the contract is closed on 10 March
        contract.with_context(recurring_today="2027-03-10").action_close()
        # then 11 - 30 March (20 days of 31) are credited on a credit note dated the day it closes
        note = contract.invoice_ids.filtered(lambda invoice: invoice.type == "out_refund")
        self.assertEqual(note.amount_untaxed, 2000.0)
        self.assertEqual((note.amount_total, note.state, note.date_invoice), (2400.0, "open", "2027-03-10"))
        self.assertIn("11/03/2027 to 30/03/2027", note.invoice_line_ids.name)
        self.assertEqual((contract.state, contract.date_end), ("closed", "2027-03-10"))
        self.assertEqual(len(contract.invoice_ids), 3)

    def test_closing_early_without_the_option_credits_nothing(self):
        self.company.recurring_refund_unused_days = False
        contract = self.make_contract(start="2027-01-31", price=3100.0)
        self.assertFalse(contract.refund_unused_days)
        self.run_invoicing(contract, "2027-02-28")
        contract.with_context(recurring_today="2027-03-10").action_close()
        self.assertEqual(contract.invoice_ids.mapped("type"), ["out_invoice"] * 2)
        self.assertFalse(contract.adjustment_ids)

    def test_closing_a_paused_contract_credits_its_paused_and_unused_days(self):
        # given 3,100 a month in advance from 1 January, January invoiced, paused since 11 January
        contract = self.make_contract(start="2027-01-01", price=3100.0)
        self.run_invoicing(contract, "2027-01-01")
        contract.with_context(recurring_today="2027-01-11").action_pause()
        # when it is closed on 21 January
        contract.with_context(recurring_today="2027-01-21").action_close()
        # then the pause ends that day, and 11 - 31 January (21 days of 31) are credited: 2,100
        self.assertEqual(contract.pause_ids.mapped("date_end"), ["2027-01-21"])
        note = contract.invoice_ids.filtered(lambda invoice: invoice.type == "out_refund")
        self.assertEqual(sorted(note.invoice_line_ids.mapped("price_subtotal")), [1000.0, 1100.0])
        self.assertEqual((note.amount_untaxed, contract.state), (2100.0, "closed"))
        self.assertEqual(len(contract.invoice_ids), 2)

    def test_closing_a_paused_contract_in_arrears_invoices_the_days_before_the_pause(self):
        contract = self.make_contract(start="2027-01-01", price=3100.0, invoicing_mode="arrears")
        contract.with_context(recurring_today="2027-01-11").action_pause()
        contract.with_context(recurring_today="2027-01-21").action_close()
        # 1 - 10 January: 10 days of 31
        self.assertEqual(contract.invoice_ids.mapped("amount_untaxed"), [1000.0])
        self.assertEqual(self.periods_of(contract.invoice_ids), [("2027-01-01", "2027-01-21")])
