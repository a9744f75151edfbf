from .common import RecurringCase, d


class TestWording(RecurringCase):
    """Texts as a person writes them for their reader: 20, not 20.0; amounts with the
    currency's formatting; dates in the date format of the reader's language."""

    @classmethod
    def setUpClass(cls):
        super(TestWording, cls).setUpClass()
        cls.env.ref("base.lang_fr").write({"active": True})
        cls.env.ref("base.EUR").write({"active": True})

    def contract(self):
        contract = self.make_contract(start="2027-04-01", price=10.0, quantity=20.0,
                                      currency_id=self.env.ref("base.EUR").id)
        self.run_invoicing(contract, "2027-04-01")
        return contract

    def test_a_change_of_quantity_is_written_for_the_reader(self):
        # the label goes on the customer's invoice: in the customer's language, whoever makes the change
        # (the French words themselves are tested with the translations loaded, in test_review20_fourth)
        for customer_lang, user_lang, new_terms, day in (("en_US", "fr_FR", "8 x 10.00 €", "04/21/2027"),
                                                         ("fr_FR", "en_US", "8 x 10,00 €", "21/04/2027")):
            self.customer.lang = customer_lang
            contract = self.contract()
            contract.line_ids.with_context(lang=user_lang, recurring_today="2027-04-21").apply_change(
                "2027-04-21", quantity=8.0)
            label = contract.adjustment_ids.name
            self.assertIn(new_terms, label)
            self.assertTrue(label.endswith(day), label)

    def test_the_change_wizard_writes_quantities_and_amounts_for_the_reader(self):
        contract = self.contract()
        for lang, old, new, day in (("en_US", "20 x 10.00 €", "3 x 10.00 €", "04/21/2027"),
                                    ("fr_FR", "20 x 10,00 €", "3 x 10,00 €", "21/04/2027")):
            wizard = self.env["recurring.contract.change.wizard"].with_context(
                lang=lang, recurring_today="2027-04-21").create({
                    "contract_id": contract.id, "line_id": contract.line_ids.id, "change_type": "line",
                    "date": "2027-04-21", "quantity": 3.0, "price_unit": 10.0})
            self.assertIn("From %s: Hosting goes from %s to %s a period." % (day, old, new), wizard.summary)

    def test_a_renewal_note_and_the_dates_of_an_activity_follow_the_language(self):
        contract = self.make_contract(start="2027-01-01", commitment_count=12)
        self.Contract.with_context(lang="fr_FR")._cron_lifecycle(today=d("2028-01-01"))
        self.assertIn("Contract renewed until 31/12/2028.", contract.message_ids.mapped("body")[0])
        self.assertEqual(contract.with_context(lang="en_US")._format_date(d("2028-12-31")), "12/31/2028")
