from odoo.exceptions import AccessError

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


class TestReferenceFromUnknownSender(GatewayCase):
    """A subject reference routes onto a document only for a sender allowed on it."""

    def test_unknown_sender_quoting_an_order_makes_a_new_lead_not_a_post(self):
        order = self.env["sale.order"].search([], limit=1)
        before = order.message_ids
        record = self.Gateway.receive(self.mail(
            sender="Attacker <evil2@attacker-x.test>", subject="Re: [%s] RIB mis a jour" % order.name,
            body="Nouveau RIB: FR76 0000", message_id="<evil@attacker-x.test>"), "http")
        self.assertEqual(order.message_ids, before, "nothing posted on the order, nothing relayed")
        self.assertEqual((record.state, record.result, record.res_model), ("processed", "created", "crm.lead"))
        self.assertIn("unknown sender", record.decision)
        self.assertEqual(len(self.leads_from("evil2@attacker-x.test")), 1)

    def test_unknown_sender_quoting_a_lead_is_not_posted_on_it(self):
        lead = self.Lead.create({"name": "Big deal", "email_from": "buyer@customer.example"})
        record = self.Gateway.receive(self.mail(sender="evil3@attacker-x.test", subject="Re: [#%d] urgent" % lead.id,
                                                message_id="<evil3@attacker-x.test>"), "http")
        self.assertNotEqual((record.res_model, record.res_id), ("crm.lead", lead.id))
        self.assertNotIn("<evil3@attacker-x.test>", lead.message_ids.mapped("message_id"))
        # the lead's own prospect and an internal user still reach it by its reference
        for index, sender in enumerate(["buyer@customer.example", "gw_salesman@example.com"]):
            reply = self.Gateway.receive(self.mail(sender=sender, subject="Re: [#%d] news" % lead.id,
                                                   message_id="<ok%d@customer.example>" % index), "http")
            self.assertEqual((reply.result, reply.res_model, reply.res_id), ("updated", "crm.lead", lead.id), sender)


class TestOutcomeLocked(GatewayCase):

    def test_sales_manager_cannot_rewrite_or_delete_a_failed_message(self):
        record, _created = self.Gateway._store(self.mail(message_id="<locked@client.example>"), "http",
                                               state="failed", decision="Processing failed: test")
        as_manager = record.sudo(self.manager)
        for values in ({"state": "processed"}, {"decision": "fine"}, {"raw": False}):
            with self.assertRaises(AccessError):
                as_manager.write(values)
        with self.assertRaises(AccessError):
            as_manager.unlink()
        self.assertEqual((record.state, record.decision), ("failed", "Processing failed: test"))
        self.assertTrue(self.raw_source(record))
        # its own buttons still work for the manager
        as_manager.action_discard()
        self.assertEqual(record.state, "discarded")
        # an administrator may delete it
        record.sudo(self.env.ref("base.user_root")).unlink()
        self.assertFalse(record.exists())
