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
        # a credit given before the first invoice corrects none: the note names its contract
        self.assertFalse(note.refund_invoice_id)
        self.assertEqual((note.origin, note.reference), (contract.name, False))

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
        self.assertIn("03/11/2027 to 03/30/2027", note.invoice_line_ids.name)
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
        january = contract.invoice_ids - note
        self.assertEqual((note.refund_invoice_id, note.origin), (january, january.name))

    def test_closing_a_paused_contract_in_arrears_invoices_the_days_before_the_pause(self):
        contract = self.make_contract(start="2027-01-01", price=3100.0, invoicing_mode="arrears")
        contract.with_context(recurring_today="2027-01-11").action_pause()
        contract.with_context(recurring_today="2027-01-21").action_close()
        # 1 - 10 January: 10 days of 31
        self.assertEqual(contract.invoice_ids.mapped("amount_untaxed"), [1000.0])
        self.assertEqual(self.periods_of(contract.invoice_ids), [("2027-01-01", "2027-01-21")])

    def test_a_downgrade_credit_above_the_next_charge_is_the_credit_note_of_the_invoice_it_corrects(self):
        # given 3,100 a month in advance from 1 January, January invoiced and validated
        contract = self.make_contract(start="2027-01-01", price=3100.0, invoice_policy="open")
        january = self.run_invoicing(contract, "2027-01-01")
        # when on 11 January the customer moves down to the 310 plan from that day
        contract.line_ids.with_context(recurring_today="2027-01-11").apply_change("2027-01-11", price_unit=310.0)
        # then February's run makes a validated credit note: 21 unused days of 31 at 2,790 less, 1,890,
        # minus February's 310
        note = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual((note.type, note.state), ("out_refund", "open"))
        self.assertEqual((note.amount_untaxed, note.amount_total), (1580.0, 1896.0))
        # and it is the credit note of January's invoice: linked, named as its origin and on its entry
        self.assertEqual(note.refund_invoice_id, january)
        self.assertEqual(january.refund_invoice_ids, note)
        self.assertEqual((note.origin, note.reference, note.move_id.ref), (january.number,) * 3)
        credit = note.invoice_line_ids.filtered(lambda line: line.price_subtotal > 0)
        self.assertEqual(credit.price_subtotal, 1890.0)
        self.assertIn("Corrects invoice %s" % january.number, credit.name)
        self.assertNotIn("Corrects", (note.invoice_line_ids - credit).name)

    def test_closing_credits_two_prepaid_periods_on_the_note_of_the_latest_naming_the_other(self):
        # given 3,100 a month in advance from 1 January invoiced 10 days ahead: January and
        # February validated by 25 January
        contract = self.make_contract(start="2027-01-01", price=3100.0, invoice_policy="open", days_ahead=10)
        january, february = self.run_invoicing(contract, "2027-01-25").sorted("id")
        self.assertEqual(self.periods_of(february), [("2027-02-01", "2027-02-28")])
        # when the contract is closed on 27 January
        contract.with_context(recurring_today="2027-01-27").action_close()
        # then 28 - 31 January (400) and all February (3,100) are credited on one validated note
        note = contract.invoice_ids.filtered(lambda invoice: invoice.type == "out_refund")
        self.assertEqual((note.state, note.amount_untaxed, note.amount_total), ("open", 3500.0, 4200.0))
        # linked to February's invoice, the latest period it touches; each line names its invoice
        self.assertEqual((note.refund_invoice_id, note.origin, note.move_id.ref), (february, february.number,
                                                                                   february.number))
        lines = {line.price_subtotal: line.name for line in note.invoice_line_ids}
        self.assertEqual(sorted(lines), [400.0, 3100.0])
        self.assertIn("Corrects invoice %s" % january.number, lines[400.0])
        self.assertIn("Corrects invoice %s" % february.number, lines[3100.0])

    def test_a_usage_correction_is_the_credit_note_of_the_invoice_that_billed_the_usage(self):
        # given 10 a month in advance and SMS at 0.10, 2,000 SMS sent on 20 January: the January
        # invoice bills January, the February one February and January's SMS
        contract = self.make_contract(start="2027-01-01", price=10.0, invoice_policy="open")
        sms = self.env["recurring.contract.line"].create({
            "contract_id": contract.id, "product_id": self.usage_product.id, "name": "SMS", "quantity": 0,
            "price_unit": 0.1, "is_usage": True, "tax_ids": [(6, 0, self.tax.ids)]})
        self.env["recurring.usage"].create({"line_id": sms.id, "date": "2027-01-20", "quantity": 2000})
        january = self.run_invoicing(contract, "2027-01-01")
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(february.amount_untaxed, 210.0)
        # when 1,000 of those SMS turn out counted twice, and 20 January's outage is credited 25
        Adjustment = self.env["recurring.contract.adjustment"]
        Adjustment.create({"contract_id": contract.id, "line_id": sms.id, "product_id": self.usage_product.id,
                           "name": "SMS counted twice", "date": "2027-01-20", "amount": -100.0})
        Adjustment.create({"contract_id": contract.id, "product_id": self.product.id, "name": "Outage credit",
                           "date": "2027-01-20", "amount": -25.0})
        # then March's run makes a credit note of 115 (125 less March's 10)
        note = self.run_invoicing(contract, "2027-03-01")
        self.assertEqual((note.type, note.state, note.amount_untaxed), ("out_refund", "open", 115.0))
        # the SMS credit corrects the invoice that billed January's SMS, February's (the note's
        # link); the outage credit the one that billed January's hosting, named on its line
        self.assertEqual((note.refund_invoice_id, note.reference), (february, february.number))
        lines = {line.price_subtotal: line.name for line in note.invoice_line_ids}
        self.assertIn("Corrects invoice %s" % february.number, lines[100.0])
        self.assertIn("Corrects invoice %s" % january.number, lines[25.0])
