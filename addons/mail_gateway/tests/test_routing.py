from odoo.exceptions import AccessError, UserError

from .common import GatewayCase

SIGNED = """Bonjour,

Nous souhaitons un devis pour 40 chaises de bureau.

Cordialement,
Claire Martin
Responsable achats
Atelier Durand SARL
Tel: +33 1 23 45 67 89

Le lun. 2 nov. 2026 a 10:00, Sales <sales@example.com> a écrit :
> Old quoted text
"""


class TestRouting(GatewayCase):

    def test_new_mail_to_team_alias_becomes_a_filled_lead(self):
        # given a prospect writing to the team's alias with a signature and quoted history
        # when the gateway receives it
        record = self.Gateway.receive(self.mail(body=SIGNED), "http")
        # then one lead exists in that team, filled from the signature, without quote or signature
        lead = self.leads_from("claire@durand.example")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.contact_name, "Claire Martin")
        self.assertEqual(lead.partner_name, "Atelier Durand SARL")
        self.assertEqual(lead.function, "Responsable achats")
        self.assertEqual(lead.phone, "+33 1 23 45 67 89")
        self.assertIn("40 chaises", lead.description)
        self.assertNotIn("Old quoted text", lead.description)
        self.assertNotIn("Atelier Durand", lead.description)
        self.assertEqual((record.state, record.result, record.res_model, record.res_id),
                         ("processed", "created", "crm.lead", lead.id))
        # and the original message is in the lead's chatter
        self.assertIn("<m1@client.example>", lead.message_ids.mapped("message_id"))

    def test_same_message_id_twice_gives_one_lead(self):
        first = self.Gateway.receive(self.mail(), "imap")
        second = self.Gateway.receive(self.mail(), "mta")
        self.assertEqual(first.state, "processed")
        self.assertFalse(second, "the second delivery is recognised")
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)
        self.assertEqual(self.Gateway.search_count([("message_key", "=", "<m1@client.example>")]), 1)

    def test_message_without_id_delivered_twice_gives_one_lead(self):
        raw = self.mail(message_id=None)
        self.Gateway.receive(b"Received: from mx1 by mx2\r\n" + raw, "imap")
        again = self.Gateway.receive(b"Received: from mx3 by mx4\r\nDelivered-To: sales-gw@example.com\r\n" + raw)
        self.assertFalse(again)
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)

    def test_reply_by_headers_goes_to_the_existing_lead(self):
        self.Gateway.receive(self.mail(), "imap")
        lead = self.leads_from("claire@durand.example")
        reply = self.Gateway.receive(self.mail(
            body="Any news?\n\n> We need a quote", subject="Re: Quote request", message_id="<m2@client.example>",
            headers={"In-Reply-To": "<m1@client.example>"}))
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)
        self.assertEqual((reply.result, reply.res_model, reply.res_id), ("updated", "crm.lead", lead.id))
        self.assertIn("<m2@client.example>", lead.message_ids.mapped("message_id"))

    def test_reply_without_headers_found_by_subject_reference(self):
        order = self.env["sale.order"].search([], limit=1)
        # a contact of the order's customer
        self.env["res.partner"].create({"name": "Claire Martin", "email": "claire@durand.example",
                                        "parent_id": order.partner_id.commercial_partner_id.id})
        record = self.Gateway.receive(self.mail(subject="Re: your quotation [%s]" % order.name,
                                                body="We accept the quotation.", message_id="<m3@client.example>"))
        self.assertEqual((record.result, record.res_model, record.res_id), ("updated", "sale.order", order.id))
        self.assertIn("<m3@client.example>", order.message_ids.mapped("message_id"))
        self.assertFalse(self.leads_from("claire@durand.example"))

    def test_known_contact_is_linked(self):
        partner = self.env["res.partner"].create({"name": "Claire Martin", "email": "claire@durand.example"})
        record = self.Gateway.receive(self.mail())
        lead = self.Lead.browse(record.res_id)
        self.assertEqual(lead.partner_id, partner)

    def test_website_form_notification_fills_the_fields(self):
        body = ("Name: Jean Dupont\nEmail: jean@boulangerie.example\nPhone: 06 12 34 56 78\n"
                "Company: Boulangerie Dupont\nMessage: Three ovens please.\n")
        record = self.Gateway.receive(self.mail(body=body, sender="Website <noreply@example.com>",
                                                subject="New form submission"))
        lead = self.Lead.browse(record.res_id)
        self.assertEqual((lead.contact_name, lead.email_from, lead.phone, lead.partner_name, lead.description),
                         ("Jean Dupont", "jean@boulangerie.example", "06 12 34 56 78", "Boulangerie Dupont",
                          "Three ovens please."))

    def test_keyword_rule_chooses_the_team(self):
        self.env["mail.gateway.rule"].create({"name": "Export", "keywords": "export, container",
                                              "team_id": self.other_team.id, "sequence": 1})
        record = self.Gateway.receive(self.mail(subject="Export to Canada", message_id="<m4@client.example>"))
        self.assertEqual(self.Lead.browse(record.res_id).team_id, self.other_team)
        self.assertEqual(record.rule_id.name, "Export")
        other = self.Gateway.receive(self.mail(subject="Chairs", message_id="<m5@client.example>"))
        self.assertEqual(self.Lead.browse(other.res_id).team_id, self.team)

    def test_sender_domain_rule(self):
        self.env["mail.gateway.rule"].create({"name": "Durand", "sender_domain": "durand.example",
                                              "team_id": self.other_team.id})
        record = self.Gateway.receive(self.mail())
        self.assertEqual(self.Lead.browse(record.res_id).team_id, self.other_team)


class TestSafety(GatewayCase):

    def test_auto_replies_bounces_and_bulk_create_no_lead_and_no_acknowledgement(self):
        self.params.set_param("mail_gateway.ack_template_id",
                              str(self.env.ref("mail_gateway.mail_template_acknowledgement").id))
        cases = [({"Auto-Submitted": "auto-replied"}, "auto_reply"), ({"X-Autoreply": "yes"}, "auto_reply"),
                 ({"Precedence": "bulk"}, "bulk"), ({"List-Unsubscribe": "<mailto:u@x.example>"}, "bulk")]
        for index, (headers, reason) in enumerate(cases):
            record = self.Gateway.receive(self.mail(headers=headers, message_id="<auto%d@x.example>" % index))
            self.assertEqual((record.state, record.ignore_reason), ("ignored", reason))
        bounce = self.Gateway.receive(self.mail(sender="MAILER-DAEMON@mx.example", message_id="<b1@mx.example>",
                                                subject="Undelivered Mail Returned to Sender"))
        self.assertEqual(bounce.ignore_reason, "bounce")
        self.assertFalse(self.leads_from("claire@durand.example"))
        self.assertFalse(self.env["mail.mail"].search([("email_to", "ilike", "claire@durand.example")]))

    def test_genuine_sender_gets_the_acknowledgement(self):
        self.params.set_param("mail_gateway.ack_template_id",
                              str(self.env.ref("mail_gateway.mail_template_acknowledgement").id))
        record = self.Gateway.receive(self.mail())
        self.assertIs(record.acknowledged, True)
        ack = self.env["mail.mail"].search([("email_to", "ilike", "claire@durand.example")])
        self.assertEqual(len(ack), 1)
        self.assertIn("We received your request", ack.subject)

    def test_flooding_sender_is_throttled_unless_allowed(self):
        self.params.set_param("mail_gateway.throttle_limit", "2")
        states = [self.Gateway.receive(self.mail(message_id="<loop%d@bot.example>" % i,
                                                 sender="bot@bot.example")).ignore_reason for i in range(4)]
        self.assertEqual(states, [False, False, "throttled", "throttled"])
        self.assertEqual(len(self.leads_from("bot@bot.example")), 2)
        self.params.set_param("mail_gateway.allow_list", "bot.example")
        record = self.Gateway.receive(self.mail(message_id="<loop9@bot.example>", sender="bot@bot.example"))
        self.assertEqual(record.result, "created")


class TestFailureQueue(GatewayCase):

    def break_alias(self):
        self.env.cr.execute("UPDATE mail_alias SET alias_defaults = %s WHERE id = %s",
                            ("{'team_id': ", self.team.alias_id.id))
        self.team.alias_id.invalidate_cache()

    def test_failed_message_is_kept_and_can_be_retried_by_a_manager(self):
        # given a broken alias configuration
        self.break_alias()
        record = self.Gateway.receive(self.mail(), "http")
        # then the message waits in the failure queue with its source and error, no lead
        self.assertEqual(record.state, "failed")
        self.assertIn("Traceback", record.error)
        self.assertEqual(self.raw_source(record), self.mail(), "the raw source is kept byte for byte")
        self.assertFalse(self.leads_from("claire@durand.example"))
        counters = self.Gateway.get_counters()
        self.assertEqual(counters["failed"], 1)
        self.assertEqual(counters["in"], counters["created"] + counters["updated"] + counters["ignored"]
                         + counters["failed"] + counters["discarded"])
        # a salesman cannot retry it, nor count the messages
        with self.assertRaises(AccessError):
            record.sudo(self.salesman).action_retry()
        with self.assertRaises(AccessError):
            self.Gateway.sudo(self.salesman).get_counters()
        # when the manager fixes the alias and retries
        self.team.alias_id.write({"alias_defaults": "{'team_id': %d}" % self.team.id})
        record.sudo(self.manager).action_retry()
        # then the lead exists and the queue is empty
        self.assertEqual((record.state, record.result), ("processed", "created"))
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)
        self.assertFalse(self.Gateway.search([("state", "=", "failed")]))

    def test_discard_and_bad_retry(self):
        self.break_alias()
        failed = self.Gateway.receive(self.mail(), "http")
        self.team.alias_id.write({"alias_defaults": "{}"})
        ok = self.Gateway.receive(self.mail(message_id="<ok@client.example>"))
        with self.assertRaises(UserError):
            ok.sudo(self.manager).action_retry()
        self.assertEqual(ok.state, "processed")
        with self.assertRaises(UserError):
            ok.sudo(self.manager).action_discard()
        failed.sudo(self.manager).action_discard()
        self.assertEqual(failed.state, "discarded")
        self.assertEqual(self.raw_source(failed), self.mail(), "a discarded message keeps its source")

    def test_access_by_role(self):
        record = self.Gateway.receive(self.mail())
        # senders, subjects and errors of every inbound message: sales managers and administrators only
        self.assertEqual(record.sudo(self.manager).read(["state"])[0]["state"], "processed")
        with self.assertRaises(AccessError):
            record.sudo(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            record.sudo(self.salesman).write({"error": "x"})
        with self.assertRaises(AccessError):
            record.sudo(self.portal).read(["state"])
        with self.assertRaises(AccessError):
            self.env["mail.gateway.rule"].sudo(self.salesman).create({"name": "x", "team_id": self.team.id})
        self.env["mail.gateway.rule"].sudo(self.manager).create({"name": "x", "team_id": self.team.id})


class TestCachedConfiguration(GatewayCase):
    """Rules and settings are read once, not per message: a change must still apply at once."""

    def test_rule_changes_apply_to_the_next_message(self):
        # given a keyword rule that routed a first message to the export desk
        rule = self.env["mail.gateway.rule"].create({"name": "Export", "keywords": "export",
                                                     "team_id": self.other_team.id, "sequence": 1})
        first = self.Gateway.receive(self.mail(subject="Export to Canada", message_id="<c1@client.example>"))
        self.assertEqual(first.rule_id, rule)
        # when the manager changes its keywords
        rule.sudo(self.manager).write({"keywords": "container"})
        # then the old keyword no longer matches and the new one does
        second = self.Gateway.receive(self.mail(subject="Export to Chile", message_id="<c2@client.example>"))
        third = self.Gateway.receive(self.mail(subject="One container", message_id="<c3@client.example>"))
        self.assertEqual((self.Lead.browse(second.res_id).team_id, second.rule_id),
                         (self.team, self.env["mail.gateway.rule"]))
        self.assertEqual(self.Lead.browse(third.res_id).team_id, self.other_team)
        # and once archived the rule applies no more
        rule.active = False
        fourth = self.Gateway.receive(self.mail(subject="One container", message_id="<c4@client.example>"))
        self.assertEqual(self.Lead.browse(fourth.res_id).team_id, self.team)

    def test_rule_of_a_deleted_sales_channel_is_no_failure(self):
        export = self.env["crm.team"].create({"name": "Short-lived desk"})
        self.env["mail.gateway.rule"].create({"name": "Temp", "sender_domain": "durand.example",
                                              "team_id": export.id})
        self.Gateway.receive(self.mail(message_id="<d1@client.example>"))
        # when the sales channel is deleted (its rules go with it in the database)
        export.unlink()
        record = self.Gateway.receive(self.mail(message_id="<d2@client.example>"))
        # then the next message is processed to the alias' team, not failed
        self.assertEqual((record.state, record.rule_id.id), ("processed", False))
        self.assertEqual(self.Lead.browse(record.res_id).team_id, self.team)

    def test_throttle_setting_change_applies_at_once(self):
        self.params.set_param("mail_gateway.throttle_limit", "1")
        first = self.Gateway.receive(self.mail(message_id="<t1@bot.example>", sender="bot@bot.example"))
        second = self.Gateway.receive(self.mail(message_id="<t2@bot.example>", sender="bot@bot.example"))
        self.assertEqual((first.state, second.ignore_reason), ("processed", "throttled"))
        self.params.set_param("mail_gateway.throttle_limit", "0")
        third = self.Gateway.receive(self.mail(message_id="<t3@bot.example>", sender="bot@bot.example"))
        self.assertEqual((third.state, third.result), ("processed", "created"))

    def test_message_without_usable_id_keeps_its_fingerprint_in_the_chatter(self):
        # given a message whose Message-Id header is garbage
        record = self.Gateway.receive(self.mail(message_id="not-an-id", body="Call me back please."))
        # then the lead's chatter holds the message under the gateway's fingerprint id
        lead = self.Lead.browse(record.res_id)
        self.assertEqual(record.state, "processed")
        self.assertRegex(record.message_key, r"^fc:[0-9a-f]{64}$")
        self.assertIn("<%s@mail-gateway>" % record.message_key[3:], lead.message_ids.mapped("message_id"))
