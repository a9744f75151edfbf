from odoo.exceptions import ValidationError

from .common import DedupCase


class TestPrevention(DedupCase):

    def test_typing_a_known_contact_shows_a_warning_with_reasons(self):
        # Given Jean Dupont exists, when a user types him again with another phone format
        draft = self.Partner.new({"name": "jean DUPONT", "mobile": "06.11.22.33.44"})
        result = draft._onchange_dedup_warning()
        # then the form warns and says why
        message = result["warning"]["message"]
        self.assertIn("Jean Dupont", message)
        self.assertIn("same phone", message)

    def test_a_new_person_gets_no_warning(self):
        draft = self.Partner.new({"name": "Louise Michel", "email": "louise@commune.fr"})
        self.assertEqual(draft._onchange_dedup_warning(), {})

    def test_keys_follow_edits(self):
        # Given a contact, when its phone is written in another format, then its key is E.164
        self.other.write({"phone": "01 02 03 04 05"})
        self.assertEqual(self.other.dedup_phone, "+33102030405")
        self.assertEqual(self.acme.dedup_name, "acme industries")

    def test_block_mode_refuses_a_duplicate_and_creates_nothing(self):
        self.set_mode("block")
        count = self.Partner.search_count([])
        with self.assertRaises(ValidationError):
            self.Partner.create({"name": "Dupont Jean", "email": "jean.dupont@acme-industries.fr"})
        self.assertEqual(self.Partner.search_count([]), count)
        # a real newcomer still goes in
        self.Partner.create({"name": "Louise Michel", "email": "louise@commune.fr"})

    def test_intake_auto_link_attaches_the_lead_to_the_existing_contact(self):
        # Given auto-link mode, when the API sends a lead for Jean with his e-mail typed differently
        self.set_mode("link")
        lead = self.env["crm.lead"].intake_create({
            "name": "Website request", "contact_name": "Jean Dupont", "partner_name": "Acme Industries",
            "email_from": "JEAN.DUPONT@acme-industries.fr", "phone": "06 11 22 33 44",
        }, "api")
        # then the lead belongs to the existing contact
        self.assertIn(lead.partner_id, self.jean | self.jean_copy)

    def test_intake_flags_a_lead_that_repeats_an_open_one(self):
        self.set_mode("warn")
        first = self.env["crm.lead"].intake_create({
            "name": "Quote", "contact_name": "Paul Durand", "email_from": "paul.durand@example.org"}, "form")
        second = self.env["crm.lead"].intake_create({
            "name": "Quote again", "contact_name": "DURAND Paul", "email_from": "Paul.Durand@example.org"}, "form")
        self.assertEqual(second.dedup_duplicate_of_id, first)
        self.assertFalse(first.dedup_duplicate_of_id)

    def test_intake_block_mode_refuses_the_repeated_lead(self):
        self.set_mode("block")
        self.env["crm.lead"].intake_create({
            "name": "Quote", "contact_name": "Paul Durand", "email_from": "paul.durand@example.org"}, "form")
        with self.assertRaises(ValidationError):
            self.env["crm.lead"].intake_create({
                "name": "Quote", "contact_name": "Paul Durand", "email_from": "paul.durand@example.org"}, "form")
