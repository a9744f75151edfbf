import quopri

from .common import GatewayCase

BODY = "Bonjour,\n\nNous souhaitons un devis pour 40 chaises à 120 € pièce.\n\nClaire Martin\n"


class TestMessageIdReuse(GatewayCase):
    """A message is its Message-Id and its content: a re-delivery is one record, another
    content under a known Message-Id is another message, kept and processed."""

    def relayed(self, raw):
        """``raw`` as a second relay delivers it: its own trace headers, CRLF turned into LF,
        the 8-bit body re-encoded as quoted-printable, the Content-Type header refolded."""
        head, _sep, body = raw.partition(b"\r\n\r\n")
        head = head.replace(b"Content-Type: text/plain; charset=utf-8",
                            b"Content-Type: text/plain;\r\n\tcharset=utf-8\r\n"
                            b"Content-Transfer-Encoding: quoted-printable")
        trace = (b"Return-Path: <claire@durand.example>\r\nDelivered-To: sales-gw@example.com\r\n"
                 b"X-Original-To: sales@example.com\r\n"
                 b"Received: from relay2.example by mx.example; Mon, 30 Nov 2026\r\n"
                 b"X-Spam-Status: No, score=-1.0\r\n")
        return (trace + head + b"\r\n\r\n" + quopri.encodestring(body)).replace(b"\r\n", b"\n")

    def test_the_same_message_through_another_relay_is_one_record(self):
        # given a request received once
        raw = self.mail(body=BODY)
        first = self.Gateway.receive(raw, "mta")
        # when a second relay delivers it again, with its own trace headers and re-encoded
        again = self.Gateway.receive(self.relayed(raw), "imap")
        # then it is recognised: one record, one lead
        self.assertEqual(first.state, "processed")
        self.assertFalse(again, "a re-delivery is no new message")
        self.assertEqual(self.Gateway.search_count([("email_from", "=", "claire@durand.example")]), 1)
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)

    def test_another_content_under_a_known_message_id_is_kept_and_processed(self):
        # given a request received under <m1@client.example>
        first = self.Gateway.receive(self.mail(body=BODY), "http")
        # when another message comes under the same Message-Id (a broken mailer, an attacker)
        other = self.mail(body="Bonjour,\n\nAnnulez tout, nous prenons 400 tables.\n", subject="Autre demande")
        second = self.Gateway.receive(other, "http")
        # then it is stored with its source, processed, and flagged
        self.assertTrue(second, "a different message is never taken for a duplicate")
        self.assertEqual(self.raw_source(second), other)
        self.assertEqual((second.state, second.result), ("processed", "created"))
        self.assertTrue(second.message_id_reused)
        self.assertEqual(second.first_message_id, first)
        self.assertIn("<m1@client.example>", second.decision)
        self.assertFalse(first.message_id_reused)
        # and both requests are leads, each with its own text in the chatter
        leads = self.leads_from("claire@durand.example")
        self.assertEqual(len(leads), 2)
        second_lead = self.Lead.browse(second.res_id)
        self.assertIn("400 tables", second_lead.description)
        self.assertIn("400 tables", "".join(second_lead.message_ids.mapped("body")))
        self.assertIn("40 chaises", self.Lead.browse(first.res_id).description)
        # and in the list of messages with a reused Message-Id
        self.assertEqual(self.Gateway.search([("message_id_reused", "=", True)]), second)
        # when the second message is delivered again, it is a duplicate in turn; a third content is kept too
        self.assertFalse(self.Gateway.receive(self.relayed(other), "imap"))
        third = self.Gateway.receive(self.mail(body="Et 3 bureaux.\n"), "mta")
        self.assertEqual((third.state, third.first_message_id), ("processed", first))
        self.assertEqual(self.Gateway.search_count([("email_from", "=", "claire@durand.example")]), 3)
        self.assertEqual(len(self.leads_from("claire@durand.example")), 3)

    def test_a_reply_reusing_a_message_id_still_reaches_its_lead(self):
        first = self.Gateway.receive(self.mail(body=BODY), "http")
        lead = self.Lead.browse(first.res_id)
        reply = self.Gateway.receive(self.mail(
            body="Finalement 50 chaises.\n", message_id="<m1@client.example>",
            headers={"In-Reply-To": "<m1@client.example>"}), "http")
        self.assertEqual((reply.state, reply.result, reply.res_id), ("processed", "updated", lead.id))
        self.assertIn("50 chaises", "".join(lead.message_ids.mapped("body")))

    def test_message_stored_before_fingerprints_is_compared_by_its_source(self):
        # given messages stored by the previous version (no fingerprint), one with its source, one purged
        kept = self.Gateway.receive(self.mail(body=BODY), "http")
        purged = self.Gateway.receive(self.mail(body=BODY, message_id="<m2@client.example>"), "http")
        self.env.cr.execute("UPDATE mail_gateway_message SET content_fingerprint = NULL WHERE id IN %s",
                            (tuple((kept | purged).ids),))
        self.env.cr.execute("UPDATE mail_gateway_message SET raw = NULL, raw_purged = true WHERE id = %s",
                            (purged.id,))
        self.Gateway.invalidate_cache()
        # when the first comes again, it is recognised from its stored source
        self.assertFalse(self.Gateway.receive(self.relayed(self.mail(body=BODY)), "imap"))
        # when a message comes under the purged one's Message-Id, nothing tells whether it is the same:
        # it waits in the failure queue for a person, flagged
        doubt = self.Gateway.receive(self.mail(body=BODY, message_id="<m2@client.example>"), "imap")
        self.assertEqual((doubt.state, doubt.message_id_reused), ("failed", True))
        self.assertIn("Message-Id reused", doubt.decision)
        self.assertEqual(len(self.leads_from("claire@durand.example")), 2)
        # and Retry processes it as a message of its own
        doubt.action_retry()
        self.assertEqual((doubt.state, doubt.result), ("processed", "created"))
        self.assertEqual(len(self.leads_from("claire@durand.example")), 3)
