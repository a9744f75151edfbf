from ..lib import fellegi_sunter
from .common import DedupCase


class TestExactU(DedupCase):

    def persons_keys(self):
        Partner = self.env["res.partner"]
        # column names come from the model's code
        self.env.cr.execute("SELECT id, %s FROM res_partner WHERE active AND NOT COALESCE(is_company, FALSE)"
                            % ", ".join(Partner._dedup_key_columns()))  # pylint: disable=sql-injection
        return [Partner._dedup_keys_from_row(row[0], row[1:]) for row in self.env.cr.fetchall()]

    def test_the_scan_counts_exact_agreements_as_the_library_does(self):
        before = self.Group._dedup_exact_counts(False)
        # Given three people at one new address, two of them sharing a number (one's landline is
        # the other's mobile), and a fourth person typed twice with and without the VAT prefix
        for name, phone, mobile in (("Alice Kerbrat", "02 98 11 22 33", False),
                                    ("Bruno Kerbrat", False, "+33 2 98 11 22 33"),
                                    ("Chloé Kerbrat", "02 98 44 55 66", False)):
            self.Partner.create({"name": name, "street": "17 rue de Siam", "zip": "29200", "city": "Brest",
                                 "country_id": self.france.id, "phone": phone, "mobile": mobile})
        for vat in ("FR40303265045", "40303265045"):
            self.Partner.create({"name": "Denis Quéré", "vat": vat, "country_id": self.france.id})
        # When the scan counts the pairs of persons agreeing exactly, one GROUP BY per field
        after = self.Group._dedup_exact_counts(False)
        # Then its sums of c * (c - 1) are the library's on the same partners' keys
        self.assertEqual(after, fellegi_sunter.exact_counts(self.persons_keys()))
        # and grew as the frequency formula says: 3 * 2 ordered pairs at the address, 2 * 1 on the
        # number, 2 * 1 on the VAT number, each from the people having the field
        self.assertEqual(after["address"][0] - before["address"][0], 6)
        self.assertEqual(after["address"][1] - before["address"][1], 3)
        self.assertEqual(after["phone"][0] - before["phone"][0], 2)
        self.assertEqual(after["vat"][0] - before["vat"][0], 2)
        self.assertEqual(after["name"][0] - before["name"][0], 2)
