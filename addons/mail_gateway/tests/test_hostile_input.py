from .common import GatewayCase

NUL_ATTACHMENT = """From: Claire Martin <claire@durand.example>
To: sales-gw@example.com
Subject: =?utf-8?Q?Devis=00cach=C3=A9?=
Message-Id: <nul-att@client.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Bonjour=00, un devis svp.
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=utf-8''devis%00%FF.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b--
""".replace("\n", "\r\n").encode()


class TestDecodedNul(GatewayCase):
    """NUL characters that appear only once a header, body or file name is decoded."""

    def assertProcessed(self, raw, email):
        record = self.Gateway.receive(raw, "http")
        self.assertEqual(record.state, "processed", record.error)
        self.assertEqual(self.raw_source(record), raw, "the raw source stays byte-exact")
        lead = self.leads_from(email)
        self.assertEqual(len(lead), 1)
        return record, lead

    def test_encoded_words_with_nul_make_a_lead(self):
        raw = self.mail(sender="=?utf-8?Q?Jean=00Nul?= <jean@nul.example>",
                        subject="=?utf-8?Q?Devis=00cach=C3=A9?=", body="Bonjour")
        _record, lead = self.assertProcessed(raw, "jean@nul.example")
        self.assertEqual(lead.contact_name, "JeanNul")
        self.assertIn("Deviscaché", lead.name)

    def test_utf16_encoded_words_with_nul_make_a_lead(self):
        raw = self.mail(sender="=?utf-16?B?AADYAA==?= <utf16@nul.example>", subject="=?utf-16?B?2ADYAA==?=",
                        message_id="<utf16@client.example>")
        self.assertProcessed(raw, "utf16@nul.example")

    def test_quoted_printable_body_and_rfc2231_file_name_with_nul(self):
        record, lead = self.assertProcessed(NUL_ATTACHMENT, "claire@durand.example")
        self.assertIn("Bonjour, un devis", lead.description)
        names = self.env["ir.attachment"].search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
        self.assertEqual(len(names), 1)
        self.assertNotIn("\x00", names.name)
        self.assertTrue(names.name.startswith("devis"))


class TestAutoSubmittedComments(GatewayCase):

    def test_comments_do_not_hide_the_keyword(self):
        for index, value in enumerate(["No (human)", "(sent by a human) no"]):
            sender = "human%d@comments.example" % index
            record = self.Gateway.receive(self.mail(sender=sender, message_id="<h%d@c.example>" % index,
                                                    headers={"Auto-Submitted": value}), "http")
            self.assertEqual((record.state, record.result), ("processed", "created"), value)
            self.assertEqual(len(self.leads_from(sender)), 1)
        robot = self.Gateway.receive(self.mail(sender="robot@comments.example", message_id="<r@c.example>",
                                               headers={"Auto-Submitted": "auto-replied (no)"}), "http")
        self.assertEqual((robot.state, robot.ignore_reason), ("ignored", "auto_reply"))
