import base64
import importlib.util
from unittest.mock import patch

import psycopg2

from odoo.exceptions import AccessError
from odoo.modules.module import get_resource_path

from ..lib import mailparse
from .common import GatewayCase


class TestStoreFirst(GatewayCase):
    """Whatever the bytes, the message is stored with its source intact, then processed."""

    def test_nul_bytes_in_subject_and_body_are_stored_and_processed(self):
        raw = self.mail(subject="Devis\x00chaises", body="Bonjour\x00, 40 chaises.\n\x00")
        record = self.Gateway.receive(raw, "http")
        self.assertEqual(self.raw_source(record), raw, "every byte of the source is kept, NUL included")
        self.assertEqual(record.subject, "Devischaises")
        self.assertEqual((record.state, record.result), ("processed", "created"))
        lead = self.Lead.browse(record.res_id)
        self.assertIn("40 chaises", lead.description)
        self.assertNotIn("\x00", lead.description)

    def test_nul_bytes_decoded_from_the_transfer_encoding_are_processed(self):
        raw = self.mail(body="Bonjour=00, 40 chaises=00.", message_id="<qp-nul@client.example>",
                        headers={"Content-Transfer-Encoding": "quoted-printable"})
        record = self.Gateway.receive(raw, "http")
        self.assertEqual((record.state, record.result), ("processed", "created"))
        self.assertEqual(self.Lead.browse(record.res_id).description, "Bonjour, 40 chaises.")

    def test_invalid_utf8_headers_are_cleaned_in_text_only(self):
        raw = self.mail(subject="Offre", message_id="<bad-utf8@client.example>").replace(
            b"Subject: Offre", b"Subject: Offre \xff\xfe \xc3\x28")
        record = self.Gateway.receive(raw, "mta")
        self.assertEqual(self.raw_source(record), raw)
        self.assertTrue(record.subject.startswith("Offre"))
        self.assertIn(record.state, ("processed", "failed"))

    def test_garbage_is_stored_under_its_hash_and_queued(self):
        raw = bytes(range(256)) * 8
        record = self.Gateway.receive(raw, "http")
        self.assertRegex(record.message_key, r"^fc:[0-9a-f]{64}$")
        self.assertEqual(self.raw_source(record), raw)
        self.assertEqual(record.state, "failed", "random bytes make no lead: they wait in the failure queue")
        self.assertIn("Not an e-mail", record.decision)
        self.assertFalse(self.Gateway.receive(raw, "http"), "the same bytes again are a duplicate")

    def test_message_without_id_stored_under_the_old_key_is_still_a_duplicate(self):
        # given a message without Message-Id received before content keys: stored under the
        # hash of its bytes ("fp:")
        raw = self.mail(message_id=None, body="Rappelez-moi pour 12 bureaux.\n")
        record = self.Gateway.receive(raw, "http")
        self.env.cr.execute("UPDATE mail_gateway_message SET message_key = %s WHERE id = %s",
                            (mailparse.legacy_key(raw), record.id))
        self.Gateway.invalidate_cache()
        # when the MTA delivers it again
        again = self.Gateway.receive(raw, "mta")
        # then it is the message already stored, and no second lead is made
        self.assertEqual(again, self.Gateway.browse(), "a re-delivery is answered as a duplicate")
        self.assertEqual(self.Gateway.search_count([("subject", "=", "Quote request"),
                                                    ("email_from", "=", "claire@durand.example")]), 1)
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)

    def test_stored_message_whose_worker_died_is_processed_by_the_job(self):
        # given a message stored (committed) whose processing never ran: the worker was killed
        record, created = self.Gateway._store(self.mail(message_id="<killed@client.example>"), "http")
        self.assertTrue(created)
        self.assertEqual(record.state, "received")
        # when the background job runs
        self.assertEqual(self.Gateway._process_pending(commit=False), 1)
        # then it is processed once, and a second run finds nothing to do
        self.assertEqual((record.state, record.result, record.attempts), ("processed", "created", 1))
        self.assertEqual(self.Gateway._process_pending(commit=False), 0)
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)

    def test_redelivery_of_a_stored_but_unprocessed_message_processes_it(self):
        raw = self.mail(message_id="<again@client.example>")
        record, _created = self.Gateway._store(raw, "mta")
        self.assertFalse(self.Gateway.receive(raw, "mta"), "answered as a duplicate")
        self.assertEqual(record.state, "processed")

    def test_a_concurrent_update_leaves_the_message_waiting_not_failed(self):
        record, _created = self.Gateway._store(self.mail(message_id="<busy@client.example>"), "http")
        conflict = psycopg2.extensions.TransactionRollbackError("could not serialize access")
        with patch.object(type(self.Gateway), "_route", side_effect=conflict):
            with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
                record._process()
        record.invalidate_cache()
        self.assertEqual(record.state, "received", "left for the next run, not put in the failure queue")
        self.Gateway._process_pending(commit=False)
        self.assertEqual(record.state, "processed")

    def test_a_message_that_kills_every_worker_ends_in_the_failure_queue(self):
        record, _created = self.Gateway._store(self.mail(message_id="<poison@client.example>"), "http")
        self.env.cr.execute("UPDATE mail_gateway_message SET attempts = 3 WHERE id = %s", (record.id,))
        self.Gateway._process_pending(commit=False)
        record.invalidate_cache()
        self.assertEqual(record.state, "failed")
        self.assertIn("3", record.decision)
        self.assertFalse(self.leads_from("claire@durand.example"))


class TestClassification(GatewayCase):
    """No false positives; every decision readable on the message."""

    @classmethod
    def setUpClass(cls):
        super(TestClassification, cls).setUpClass()
        cls.params.set_param("mail.catchall.domain", "example.com")

    def receive(self, index, **options):
        options.setdefault("message_id", "<cls%d@client.example>" % index)
        return self.Gateway.receive(self.mail(**options), "http")

    def test_alias_that_is_a_mailing_list_is_not_bulk(self):
        own = self.receive(1, headers={"List-Id": "Sales desk <sales-gw.example.com>", "Precedence": "list",
                                       "List-Unsubscribe": "<mailto:sales-gw+unsubscribe@example.com>"})
        self.assertEqual((own.state, own.result), ("processed", "created"))
        self.assertIn("sales-gw.example.com", own.decision)
        other = self.receive(2, headers={"List-Id": "<news.letters.example>"}, sender="news@letters.example")
        self.assertEqual((other.state, other.ignore_reason), ("ignored", "bulk"))
        self.assertIn("List-Id", other.decision)

    def test_automatic_looking_subject_alone_is_a_real_request(self):
        record = self.receive(3, subject="Absence de livraison de la commande 1234")
        self.assertEqual((record.state, record.result), ("processed", "created"))
        with_header = self.receive(4, subject="Réponse automatique : devis", sender="bob@client.example",
                                   headers={"X-Auto-Response-Suppress": "DR, RN, NRN"})
        self.assertEqual((with_header.state, with_header.ignore_reason), ("ignored", "auto_reply"))
        self.assertIn("X-Auto-Response-Suppress", with_header.decision)

    def test_rfc3834_signals(self):
        cases = [({"Auto-Submitted": "auto-generated"}, "auto_reply", "Auto-Submitted"),
                 ({"Auto-Submitted": "no"}, False, ""),
                 ({"Return-Path": "<>"}, "auto_reply", "Return-Path"),
                 ({"X-Loop": "helpdesk@client.example"}, "loop", "X-Loop"),
                 ({"Precedence": "junk"}, "bulk", "Precedence"),
                 ({"Precedence": "auto_reply"}, "auto_reply", "Precedence")]
        for index, (headers, reason, signal) in enumerate(cases, 10):
            record = self.receive(index, headers=headers, sender="s%d@client.example" % index)
            self.assertEqual(record.ignore_reason, reason, headers)
            self.assertIn(signal, record.decision or "", headers)
        self.assertEqual(len(self.Lead.search([("email_from", "=ilike", "s11@client.example")])), 1)

    def test_website_form_sender_is_never_throttled_by_default(self):
        self.params.set_param("mail_gateway.allow_list", False)
        self.params.set_param("mail_gateway.throttle_limit", "1")
        states = [self.receive(20 + i, sender="Website <noreply@example.com>", subject="Form %d" % i,
                               body="Name: Visitor %d\nEmail: v%d@visitor.example\nMessage: Hi\n" % (i, i)).state
                  for i in range(3)]
        self.assertEqual(states, ["processed"] * 3)
        throttled = [self.receive(30 + i, sender="bot@bot.example").ignore_reason for i in range(2)]
        self.assertEqual(throttled, [False, "throttled"])


class TestServerAndRetention(GatewayCase):

    def test_new_incoming_server_is_not_switched_to_the_gateway(self):
        server = self.env["fetchmail.server"].create({"name": "Existing", "server": "imap.example.com",
                                                      "type": "imap"})
        self.assertFalse(server.use_gateway)

    def test_server_switched_off_forgets_where_it_stood(self):
        # given a server read by the gateway up to UID 120
        server = self.env["fetchmail.server"].create({"name": "Sales box", "server": "imap.example.com",
                                                      "type": "imap", "use_gateway": True})
        self.env["mail.gateway.imap.folder"].create({"server_id": server.id, "name": "INBOX", "uidvalidity": "7",
                                                     "last_uid": "120", "baseline_uid": "80"})
        server.write({"name": "Sales mailbox"})
        self.assertEqual(server.gateway_folder_ids.mapped("last_uid"), ["120"])
        # when it goes back to Odoo's fetch (which takes the unread mail meanwhile)
        server.write({"use_gateway": False})
        # then, ticked again later, its folders are read as a first time, not from UID 120
        self.assertFalse(self.env["mail.gateway.imap.folder"].search([("server_id", "=", server.id)]))

    def test_upgrade_gives_back_the_servers_the_install_switched(self):
        Server = self.env["fetchmail.server"]

        def server(name, created, use_gateway=True):
            record = Server.create({"name": name, "server": "imap.example.com", "type": "imap",
                                    "use_gateway": use_gateway})
            self.env.cr.execute("UPDATE fetchmail_server SET create_date = %s WHERE id = %s", (created, record.id))
            return record

        def fields_created(switch, opt_in):
            for name, date in (("use_gateway", switch), ("gateway_folders", opt_in)):
                self.env.cr.execute("UPDATE ir_model_data SET date_init = %s WHERE module = 'mail_gateway' "
                                    "AND name = %s", (date, "field_fetchmail_server_%s" % name))
                self.assertEqual(self.env.cr.rowcount, 1)

        # given a database where 11.0.1.0 was installed in January (every server switched), upgraded in June
        before = server("Before the install", "2026-01-01 08:00:00")
        after = server("Created with the gateway", "2026-03-01 08:00:00")
        kept_off = server("Never switched", "2026-01-01 08:00:00", use_gateway=False)
        fields_created("2026-01-10 09:00:00", "2026-06-01 09:00:00")
        for record in (before, after):
            self.env["mail.gateway.imap.folder"].create({"server_id": record.id, "name": "INBOX",
                                                         "uidvalidity": "7", "last_uid": "120"})
        # when the upgrade runs its migration script
        script = get_resource_path("mail_gateway", "migrations", "11.0.1.2.0", "post-migrate.py")
        spec = importlib.util.spec_from_file_location("mail_gateway_post_migrate_11_0_1_2_0", script)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "11.0.1.1.0")
        # then the server the install switched uses Odoo's fetch again, the others are as they were
        (before | after | kept_off).invalidate_cache()
        self.assertEqual([s.use_gateway for s in (before, after, kept_off)], [False, True, False])
        self.assertFalse(Server._gateway_release_install_switch(), "nothing left to give back")
        # ticked again, the given-back server's folders will be read as a first time; the other goes on
        self.assertEqual([len(s.gateway_folder_ids) for s in (before, after)], [0, 1])
        # given a database installed directly with the opt-in version, where a person ticked an old server
        before.use_gateway = True
        fields_created("2026-06-01 09:00:00", "2026-06-01 09:00:00")
        # then the upgrade leaves every server alone
        self.assertFalse(Server._gateway_release_install_switch())
        self.assertEqual([s.use_gateway for s in (before, after, kept_off)], [True, True, False])

    def test_target_model_and_options_of_the_incoming_server_are_honoured(self):
        partner_model = self.env["ir.model"]._get("res.partner")
        server = self.env["fetchmail.server"].create({
            "name": "Partners", "server": "imap.example.com", "type": "imap", "use_gateway": True,
            "object_id": partner_model.id, "attach": True, "original": True})

        def mail(index):
            return (b"From: Ann <ann@client.example>\r\nTo: nobody@elsewhere.example\r\nSubject: New supplier\r\n"
                    b"Message-Id: <srv%d@client.example>\r\nMIME-Version: 1.0\r\n"
                    b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                    b"Hello\r\n--b\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: "
                    b"attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
                    b"--b--\r\n" % index)

        def attachments(record):
            return sorted(self.env["ir.attachment"].search([("res_model", "=", "res.partner"),
                                                            ("res_id", "=", record.res_id)]).mapped("name"))

        # the server's model makes the record, its options keep the attachment and the original
        first = self.Gateway.receive(mail(1), "imap", fetchmail_server=server)
        self.assertEqual((first.state, first.res_model), ("processed", "res.partner"))
        self.assertEqual(attachments(first), ["a.pdf", "original_email.eml"])
        # without "Keep Attachments", none is kept (as Odoo's own fetch does)
        server.attach = False
        second = self.Gateway.receive(mail(2), "imap", fetchmail_server=server)
        self.assertEqual((second.state, second.res_model), ("processed", "res.partner"))
        self.assertEqual(attachments(second), [])

    def test_raw_sources_of_old_processed_messages_are_purged_failed_ones_kept(self):
        self.params.set_param("mail_gateway.retention_days", "30")
        done = self.Gateway.receive(self.mail(message_id="<old1@client.example>"))
        self.env.cr.execute("UPDATE mail_alias SET alias_defaults = %s WHERE id = %s",
                            ("{'team_id': ", self.team.alias_id.id))
        self.team.alias_id.invalidate_cache()
        failed = self.Gateway.receive(self.mail(message_id="<old2@client.example>"))
        recent = self.Gateway.receive(self.mail(message_id="<new1@client.example>", to="other@example.com"))
        self.assertEqual((done.state, failed.state), ("processed", "failed"))
        self.env.cr.execute("UPDATE mail_gateway_message SET date_received = date_received - interval '40 days' "
                            "WHERE id IN %s", ((done.id, failed.id),))
        self.assertEqual(self.Gateway._cron_purge_raw(), 1)
        self.assertEqual((self.raw_source(done), done.raw_purged), (b"", True))
        self.assertEqual(self.raw_source(failed), self.mail(message_id="<old2@client.example>"))
        self.assertTrue(self.raw_source(recent))
        self.assertEqual(done.state, "processed", "the record and its outcome stay")

    def test_raw_source_and_secret_are_for_administrators_only(self):
        self.params.set_param("mail_gateway.http_secret", "top-secret")
        record = self.Gateway.receive(self.mail(message_id="<sec1@client.example>"))
        manager = record.sudo(self.manager)
        self.assertEqual(manager.read(["state"])[0]["state"], "processed")
        with self.assertRaises(AccessError):
            manager.read(["raw"])
        Settings = self.env["res.config.settings"]
        self.assertNotIn("mail_gateway_http_secret", Settings.sudo(self.manager).fields_get())
        self.assertNotIn("http_secret", Settings.sudo(self.manager)._gateway_keys_for_user())
        admin_values = self.env["res.config.settings"].default_get(["mail_gateway_http_secret"])
        self.assertEqual(admin_values.get("mail_gateway_http_secret"), "top-secret")
        self.assertTrue(base64.b64decode(record.raw))


class TestLargeMail(GatewayCase):
    """Mail above *Processed at once up to* is stored, answered, and processed by a queue job."""

    @classmethod
    def setUpClass(cls):
        super(TestLargeMail, cls).setUpClass()
        # any message longer than 300 bytes is "large" here
        cls.params.set_param("mail_gateway.inline_size", "300")

    def setUp(self):
        super(TestLargeMail, self).setUp()
        if "queue.job" not in self.env:
            self.skipTest("queue_job is not installed: large messages are processed by the cron")
        from odoo.addons.queue_job.job import Job
        self.Job = Job

    def large_mail(self, message_id):
        return self.mail(message_id=message_id, body="Plans of the new offices.\n" + "x" * 2000 + "\n")

    def jobs_of(self, record):
        return self.env["queue.job"].search([("identity_key", "=", "mail_gateway.message.process:%d" % record.id)])

    def run_job(self, job_record):
        return self.Job.load(self.env, job_record.uuid).perform()

    def test_large_message_is_processed_once_by_its_job(self):
        # given a large message stored by the hook (or IMAP), then delivered again by the MTA
        raw = self.large_mail("<large1@client.example>")
        record, created, inline = self.Gateway._store_and_schedule(raw, "http")
        self.assertEqual((created, inline, record.state), (True, False, "received"))
        again, created_again, _inline = self.Gateway._store_and_schedule(raw, "mta")
        self.assertEqual((again, created_again), (record, False))
        # then one job waits for it, and the safety-net cron leaves the message to that job
        job_record = self.jobs_of(record)
        self.assertEqual(len(job_record), 1)
        self.assertEqual((job_record.state, record.job_uuid), ("pending", job_record.uuid))
        self.assertEqual(self.Gateway._process_pending(commit=False), 0)
        self.assertEqual(record.state, "received")
        # when the job runs, the message (read again from the database) makes one lead
        self.run_job(job_record)
        self.assertEqual((record.state, record.result), ("processed", "created"))
        lead = self.Lead.browse(record.res_id)
        self.assertEqual(lead.email_from, "claire@durand.example")
        self.assertIn("Plans of the new offices.", lead.description)
        # and running it a second time (a requeued job) changes nothing
        self.assertIn("Nothing to do", self.run_job(job_record))
        self.assertEqual(self.leads_from("claire@durand.example"), lead)
        self.assertEqual(len(self.env["mail.message"].search([("message_id", "=", "<large1@client.example>")])),
                         1)

    def test_small_message_is_processed_in_the_request_without_a_job(self):
        record, _created, inline = self.Gateway._store_and_schedule(self.mail(message_id="<small1@c.example>"),
                                                                    "http")
        self.assertTrue(inline)
        self.assertFalse(self.jobs_of(record))
        self.assertFalse(record.job_uuid)

    def test_failing_job_leaves_the_message_in_the_failure_queue_and_retry_processes_it(self):
        record, _created, _inline = self.Gateway._store_and_schedule(self.large_mail("<large2@client.example>"),
                                                                     "http")
        with patch.object(type(self.Gateway), "_lead_values", side_effect=ValueError("parser exploded")):
            self.run_job(self.jobs_of(record))
        self.assertEqual(record.state, "failed")
        self.assertIn("parser exploded", record.error)
        self.assertIn("parser exploded", record.decision)
        self.assertFalse(self.leads_from("claire@durand.example"))
        # the cron does not take failed messages: they wait for a person
        self.assertEqual(self.Gateway._process_pending(commit=False), 0)
        # when a manager retries it after the fix
        record.sudo(self.manager).action_retry()
        self.assertEqual((record.state, record.result), ("processed", "created"))
        self.assertEqual(len(self.leads_from("claire@durand.example")), 1)

    def test_message_stranded_by_its_job_is_processed_by_the_cron(self):
        self.params.set_param("mail_gateway.stranded_minutes", "15")
        killed, _created, _inline = self.Gateway._store_and_schedule(
            self.large_mail("<large3@client.example>"), "http")
        crashed, _created, _inline = self.Gateway._store_and_schedule(
            self.mail(message_id="<large4@client.example>", sender="bob@other.example", body="y" * 2000), "http")
        # given a job started 20 minutes ago whose worker was killed, and a job failed before processing
        self.jobs_of(killed).write({"state": "started"})
        self.env.cr.execute("UPDATE queue_job SET date_created = date_created - interval '20 minutes' "
                            "WHERE uuid = %s", (killed.job_uuid,))
        self.jobs_of(crashed).write({"state": "failed"})
        # when the safety-net cron runs, both are processed, once
        self.assertEqual(self.Gateway._process_pending(commit=False), 2)
        (killed | crashed).invalidate_cache()
        self.assertEqual([(r.state, r.attempts) for r in killed | crashed], [("processed", 1), ("processed", 1)])
        self.assertEqual(self.Gateway._process_pending(commit=False), 0)
        # and the job that comes back later finds nothing to do
        self.assertIn("Nothing to do", self.run_job(self.jobs_of(killed)))
        self.assertEqual(len(self.leads_from("claire@durand.example") | self.leads_from("bob@other.example")), 2)
