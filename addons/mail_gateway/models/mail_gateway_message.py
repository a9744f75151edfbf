"""One record per inbound e-mail: the single processing path of the three ways in."""
import base64
import email.parser
import email.policy
import hashlib
import logging
import traceback
from datetime import timedelta

import psycopg2
from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..lib import mailparse

try:
    from odoo.addons.queue_job.job import job
except ImportError:  # queue_job is optional: without it, the cron processes large messages
    def job(func=None, **_kwargs):
        return func if func else (lambda f: f)

_logger = logging.getLogger(__name__)

# what the gateway decided and what it received: written by its own methods only
PROTECTED_FIELDS = {"state", "raw", "raw_purged", "message_key", "result", "ignore_reason", "decision", "error",
                    "res_model", "res_id", "attempts", "job_uuid", "oversized", "size", "acknowledged",
                    "content_fingerprint", "message_id_reused", "first_message_id",
                    # what was received, and where: the evidence of the message, not for editing
                    "subject", "email_from", "email_to", "date_received", "channel", "fetchmail_server_id",
                    "team_id", "rule_id", "company_id"}

PARAM_PREFIX = "mail_gateway."
DEFAULTS = {
    "throttle_limit": 20,
    "throttle_period": 60,
    "max_size": 25 * 1024 * 1024,
    # larger messages are stored at once and processed by a queue job, not in the request
    "inline_size": 2 * 1024 * 1024,
    # the safety-net cron leaves a waiting message to its queue job for this many minutes
    "stranded_minutes": 15,
    # raw sources of processed and ignored messages are purged after this many days (0: never)
    "retention_days": 90,
}
SETTING_KEYS = ("throttle_limit", "throttle_period", "allow_list", "ack_template_id", "http_secret", "max_size",
                "inline_size", "retention_days", "own_lists", "stranded_minutes")
# a message whose processing was cut this many times (worker killed) goes to the failure queue
MAX_ATTEMPTS = 3
# the model the gateway creates records of when no alias or reply says otherwise
FALLBACK_MODEL = "crm.lead"
# identity key of a message's processing job: one waiting job per message
JOB_KEY = "mail_gateway.message.process:%d"


class MailGatewayMessage(models.Model):
    _name = "mail.gateway.message"
    # the raw source is for administrators (groups= on the field, checked by Odoo on read
    # only): no search, group or sort on it either, or a manager rebuilds it by bisection
    _inherit = ["crm_leads.admin_field_guard"]
    _description = "Inbound e-mail"
    _order = "date_received desc, id desc"
    _rec_name = "subject"

    message_key = fields.Char(
        "Message key", required=True, index=True, readonly=True,
        help="The Message-Id, or a fingerprint of the message when it has none; a message reusing a known "
             "Message-Id with another content gets the Message-Id followed by its content's fingerprint.")
    content_fingerprint = fields.Char(
        "Content fingerprint", readonly=True,
        help="What the message says (headers of its author and decoded parts, without the headers relays add): "
             "the same for every delivery of one message, different for another message under the same "
             "Message-Id.")
    message_id_reused = fields.Boolean(
        "Message-Id reused", readonly=True, index=True,
        help="Another message with different content came earlier under this Message-Id (a broken mailer, "
             "a sender or an attacker reusing it): this one is kept and processed as a message of its own.")
    first_message_id = fields.Many2one(
        "mail.gateway.message", "First message with this Message-Id", readonly=True, ondelete="set null")
    subject = fields.Char(readonly=True)
    email_from = fields.Char("From", readonly=True, index=True)
    email_to = fields.Char("To", readonly=True)
    date_received = fields.Datetime("Received", readonly=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(
        [("imap", "IMAP fetch"), ("mta", "MTA pipe"), ("http", "HTTP hook"), ("manual", "Manual")],
        readonly=True, default="manual")
    fetchmail_server_id = fields.Many2one("fetchmail.server", "Incoming server", readonly=True, ondelete="set null")
    raw = fields.Binary("Raw source", attachment=False, readonly=True, groups="base.group_system",
                        help="The message exactly as received, every byte kept (administrators only).")
    raw_purged = fields.Boolean(
        "Raw source purged", readonly=True,
        help="The raw source was deleted after the retention period; the record and its outcome stay.")
    attempts = fields.Integer(readonly=True, help="Processing runs started by the background job.")
    job_uuid = fields.Char(
        "Processing job", readonly=True, copy=False,
        help="The queue job that processes this large message (Job Queue > Jobs).")
    oversized = fields.Boolean(
        readonly=True, help="Larger than the incoming server's size cap: only the headers were kept; the message "
                            "itself stays in the mailbox.")
    size = fields.Integer("Size (bytes)", readonly=True)
    state = fields.Selection(
        [("received", "Received"), ("processed", "Processed"), ("ignored", "Ignored"),
         ("failed", "Failed"), ("discarded", "Discarded")],
        default="received", required=True, readonly=True, index=True)
    result = fields.Selection([("created", "Record created"), ("updated", "Message added to a record")],
                              readonly=True)
    ignore_reason = fields.Selection(
        [("auto_reply", "Auto-reply"), ("bounce", "Bounce or delivery report"), ("bulk", "Bulk or mailing list"),
         ("loop", "Mail loop (X-Loop)"), ("throttled", "Sender throttled"), ("known", "Already known Message-Id")],
        readonly=True)
    decision = fields.Char(readonly=True, help="Why the gateway processed, ignored or failed this message.")
    error = fields.Text(readonly=True)
    res_model = fields.Char("Document model", readonly=True)
    res_id = fields.Integer("Document ID", readonly=True)
    res_name = fields.Char("Document", compute="_compute_res_name")
    team_id = fields.Many2one("crm.team", "Sales channel", readonly=True)
    rule_id = fields.Many2one("mail.gateway.rule", "Rule applied", readonly=True, ondelete="set null")
    acknowledged = fields.Boolean(readonly=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.user.company_id, readonly=True)

    _sql_constraints = [
        ("message_key_unique", "unique(message_key)", "This message has already been received."),
    ]

    @api.model_cr
    def init(self):
        # the throttle counts a sender's processed messages of the last minutes
        self.env.cr.execute("""CREATE INDEX IF NOT EXISTS mail_gateway_message_throttle_index
                               ON mail_gateway_message (email_from, date_received) WHERE state = 'processed'""")

    @api.multi
    def _compute_res_name(self):
        for record in self:
            if record.res_model and record.res_id and record.res_model in self.env:
                document = self.env[record.res_model].browse(record.res_id).exists()
                record.res_name = document.display_name if document else False

    # ------------------------------------------------------------------ settings

    @api.model
    def _param(self, key):
        return self._settings()[key]

    @api.model
    @tools.ormcache()
    def _settings(self):
        """The gateway settings, read once per registry: any change of a system
        parameter clears Odoo's method caches, so a new value is seen at once."""
        params = self.env["ir.config_parameter"].sudo()
        settings = {}
        for key in SETTING_KEYS:
            # None: never set (an empty value is a choice, kept)
            value = params._get_param(PARAM_PREFIX + key)
            if key in DEFAULTS:
                try:
                    value = int(value) if value not in (None, False, "") else DEFAULTS[key]
                except ValueError:
                    value = DEFAULTS[key]
            elif key == "allow_list" and value is None:
                # never set: the website form's sender (noreply@ of the mail domain) is never throttled
                domain = params.get_param("mail.catchall.domain")
                value = "noreply@%s" % domain if domain else ""
            settings[key] = value or (0 if key in DEFAULTS else "")
        settings["catchall_domain"] = (params.get_param("mail.catchall.domain") or "").lower()
        return settings

    # ------------------------------------------------------------------ intake

    @api.model
    def receive(self, raw, channel="manual", fetchmail_server=None):
        """Store one raw message and process it; return the record.

        A message already received (same Message-Id or fingerprint) is not stored
        again: the empty recordset is returned (a stored one never processed, its
        worker killed, is processed now). Processing errors never raise: the message
        goes to the failure queue with its error. Callers that own their transaction
        (HTTP hook, IMAP fetch) commit between ``_store`` and ``_process`` instead.
        """
        record, created, parsed = self._store_parsed(raw, channel, fetchmail_server)
        if record.state == "received":
            # a row this transaction has just inserted is seen by no other one yet: no lock to
            # take; the message parsed for its fingerprint is processed, not parsed again
            record._process(raw, inserted=created, msg=parsed)
        return record if created else self.browse()

    @api.model
    def _store_and_schedule(self, raw, channel="manual", fetchmail_server=None):
        """Store one message (see ``_store``) and decide who processes it.

        Returns ``(record, created, inline)``. ``inline``: small enough for the caller to
        process it in the same request, after committing the storage. A larger message
        that waits gets its queue job here, in the transaction that stores it: once
        committed, a large message always has a job (or, without queue_job, is left
        to the cron)."""
        record, created = self._store(raw, channel, fetchmail_server)
        inline = len(raw or b"") <= self._settings()["inline_size"]
        if record.state == "received" and not inline:
            record._enqueue_processing()
        return record, created, inline

    @api.multi
    def _enqueue_processing(self):
        """Queue one processing job per message. The identity key makes a second
        request (a redelivery, a retry) reuse the job still waiting instead of adding
        one; were two jobs ever to run, ``_process`` still processes the message once.
        Returns the jobs' uuids; none without queue_job (the cron then processes)."""
        if "queue.job" not in self.env:
            return []
        uuids = []
        for record in self:
            delayed = record.sudo().with_delay(
                description=_("Process the large e-mail: %s") % (record.subject or record.message_key)[:200],
                identity_key=JOB_KEY % record.id)._job_process()
            record.sudo().write({"job_uuid": delayed.uuid})
            uuids.append(delayed.uuid)
        return uuids

    @api.multi
    @job(default_channel="root")
    def _job_process(self):
        """Queue job: process one stored message, its raw source read again from the
        database. Running it twice, or beside the cron, processes the message once (row
        lock and state, see ``_process``); a failure puts the message in the failure
        queue with its error, where *Retry* processes it again."""
        record = self.sudo().exists()
        if not record:
            return _("The message was deleted.")
        if not record._process():
            return _("Nothing to do: the message is %s.") % dict(
                self._fields["state"]._description_selection(self.env)).get(record.state, record.state)
        return record.decision

    @api.model
    def _store(self, raw, channel="manual", fetchmail_server=None, state="received", decision=None, size=None):
        """Insert the raw message; return ``(record, created)``.

        Nothing here fails on content: NUL bytes, invalid UTF-8 or garbage headers give
        cleaned text columns while the raw keeps every byte. ``record`` is the existing
        one when the key is already known (``created`` False).
        """
        record, created, _parsed = self._store_parsed(raw, channel, fetchmail_server, state=state,
                                                      decision=decision, size=size)
        return record, created

    @api.model
    def _store_parsed(self, raw, channel="manual", fetchmail_server=None, state="received", decision=None,
                      size=None):
        """``_store``, returning ``(record, created, parsed)``: ``parsed``, the message as
        processing parses it, when the content fingerprint could read it from the same parse
        (``mailparse.parse_shared``), else ``None``."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        raw = raw or b""
        parsed = mailparse.parse_shared(raw)
        try:
            head = parsed if parsed is not None else email.parser.BytesParser(
                policy=email.policy.compat32).parsebytes(mailparse.processable(raw), headersonly=True)
            content = mailparse.content_fingerprint(raw, parsed)
            key = mailparse.message_key(raw, head, content)
            _name, address = mailparse.sender(head)
            values = {
                "subject": mailparse.storable(mailparse.header(head, "Subject"), 512),
                "email_from": mailparse.storable(address, 256),
                "email_to": mailparse.storable(", ".join(mailparse.recipients(head)), 512),
            }
        except Exception:  # pylint: disable=broad-except
            # headers beyond repair: the message is stored all the same, under a hash of its bytes
            _logger.warning("Inbound message with unreadable headers, stored under its hash", exc_info=True)
            key = content = "fp:%s" % hashlib.sha256(raw).hexdigest()
            values = {"subject": "", "email_from": "", "email_to": ""}
        values.update({
            "channel": channel,
            "fetchmail_server_id": fetchmail_server.id if fetchmail_server else None,
            "raw": psycopg2.Binary(base64.b64encode(raw)),
            "size": size if size is not None else len(raw),
            "state": state,
            "decision": mailparse.storable(decision, 1000) or None,
            "content_fingerprint": content,
            "message_id_reused": False,
            "first_message_id": None,
        })
        if key.startswith("fc:"):
            legacy = self.search([("message_key", "=", mailparse.legacy_key(raw))], limit=1)
            if legacy:
                _logger.info("Inbound message %s already received, skipped", legacy.message_key)
                return legacy, False, parsed
        record = self._reserve(key, values)
        if record:
            return record, True, parsed
        known = self.search([("message_key", "=", key)], limit=1)
        if key.startswith(("fp:", "fc:")) or known._same_content(content):
            _logger.info("Inbound message %s already received, skipped", key)
            return known, False, parsed
        # the same Message-Id with another content: another message, never dropped; its own
        # key (Message-Id and fingerprint) makes a re-delivery of it a duplicate in turn
        _logger.warning("Inbound message %s reuses the Message-Id of message %d with another content: kept",
                        key, known.id)
        values.update(message_id_reused=True, first_message_id=known.id)
        if not known.content_fingerprint and values["state"] == "received":
            # stored before fingerprints, its source purged: nothing to compare, a person decides
            values.update(state="failed", decision=mailparse.storable(_(
                "Message-Id reused: a message was already received under %s and its source is purged, so "
                "whether this one is a re-delivery cannot be told; kept for a person to retry or discard.")
                % key, 1000))
        reused_key = "%s fp:%s" % (key, content)
        record = self._reserve(reused_key, values)
        if record:
            return record, True, parsed
        _logger.info("Inbound message %s already received, skipped", reused_key)
        return self.search([("message_key", "=", reused_key)], limit=1), False, parsed

    @api.multi
    def _same_content(self, content):
        """Whether this stored message has the content fingerprint ``content``. A message
        stored before fingerprints existed gets its fingerprint from its raw source now;
        one whose source is purged cannot be compared (False)."""
        self.ensure_one()
        if not self.content_fingerprint and not self.raw_purged and not self.oversized:
            raw = self._raw_bytes()
            if raw:
                self.env.cr.execute("UPDATE mail_gateway_message SET content_fingerprint = %s WHERE id = %s",
                                    (mailparse.content_fingerprint(raw), self.id))
                self.invalidate_cache(["content_fingerprint"], self.ids)
        return self.content_fingerprint == content

    @api.model
    def _reserve(self, key, values):
        """Insert the message, or return an empty recordset when its key exists.

        Two concurrent deliveries of one message: the second INSERT waits for the
        first transaction and then does nothing, so only one record is processed.
        """
        self.env.cr.execute(
            """INSERT INTO mail_gateway_message
                   (message_key, state, date_received, company_id, create_uid, write_uid, create_date, write_date,
                    subject, email_from, email_to, channel, fetchmail_server_id, raw, size, decision, attempts,
                    raw_purged, content_fingerprint, message_id_reused, first_message_id)
               VALUES (%s, %s, now() at time zone 'UTC', %s, %s, %s,
                       now() at time zone 'UTC', now() at time zone 'UTC', %s, %s, %s, %s, %s, %s, %s, %s, 0,
                       false, %s, %s, %s)
               ON CONFLICT (message_key) DO NOTHING RETURNING id""",
            (key, values["state"], self.env.user.company_id.id, self.env.uid, self.env.uid, values["subject"],
             values["email_from"], values["email_to"], values["channel"], values["fetchmail_server_id"],
             values["raw"], values["size"], values["decision"], values.get("content_fingerprint"),
             bool(values.get("message_id_reused")), values.get("first_message_id")),
            log_exceptions=False)
        row = self.env.cr.fetchone()
        if not row:
            return self.browse()
        record = self.browse(row[0])
        # what the processing reads of the new row, without reading it back (not the raw source)
        record._cache.update(record._convert_to_cache({
            "message_key": key, "state": values["state"], "subject": values["subject"],
            "email_from": values["email_from"], "fetchmail_server_id": values["fetchmail_server_id"] or False,
            "content_fingerprint": values.get("content_fingerprint") or False,
            "message_id_reused": bool(values.get("message_id_reused")),
            "first_message_id": values.get("first_message_id") or False,
        }, validate=False))
        return record

    @api.multi
    def _raw_bytes(self):
        self.ensure_one()
        return base64.b64decode(self.sudo().with_context(bin_size=False).raw or b"")

    @api.multi
    def _process(self, raw=None, inserted=False, msg=None):
        """Route one stored message: ignore, throttle, or hand it to Odoo's routing.

        The row is locked first (``SKIP LOCKED``): a message another worker is
        processing right now is left to it, and a processed one is not processed
        again. ``inserted``: the row was inserted by this very transaction (``receive``),
        which no other one can see, lock or change yet: its cache is its row. ``msg``:
        ``raw`` already parsed (``_store_parsed``). Returns the values written, ``{}``
        when nothing was done.
        """
        self.ensure_one()
        if not inserted:
            self.env.cr.execute("SELECT state FROM mail_gateway_message WHERE id = %s FOR UPDATE SKIP LOCKED",
                                (self.id,))
            row = self.env.cr.fetchone()
            if not row or row[0] not in ("received", "failed"):
                return {}
            self.invalidate_cache(ids=self.ids)
        if raw is None:
            raw = self._raw_bytes()
        try:
            with self.env.cr.savepoint():
                if msg is None:
                    msg = mailparse.parse_bytes(mailparse.processable(raw))
                msg = mailparse.scrub_headers(msg)
                values = self._route(raw, msg)
        except psycopg2.extensions.TransactionRollbackError:
            # a concurrent update, not a fault of the message: the caller rolls back and the
            # message, still stored as received, is processed again (next request or job)
            raise
        except Exception as exc:  # pylint: disable=broad-except
            # the traceback is kept on the record, in the failure queue
            _logger.warning("Inbound message %s failed: %s", self.message_key, mailparse.storable(str(exc), 300))
            values = {"state": "failed", "error": mailparse.storable(traceback.format_exc(limit=6)),
                      "decision": mailparse.storable(_("Processing failed: %s") % exc, 1000)}
        self.write(values)
        return values

    @api.model
    def _process_pending(self, limit=100, commit=True):
        """Process the stored messages stranded without a job (``_stranded_query``): one at
        a time, each in its own transaction, ``SKIP LOCKED`` so that two runs at once, or a
        run and a queue job, never take the same message. A message cut ``MAX_ATTEMPTS`` times
        goes to the failure queue instead of killing workers for ever."""
        done = 0
        query, params = self._stranded_query()
        while done < limit:
            self.env.cr.execute(query, params)
            row = self.env.cr.fetchone()
            if not row:
                break
            record = self.browse(row[0])
            if commit:
                # the attempt counts even when this worker dies below
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if row[1] > MAX_ATTEMPTS:
                record.write({"state": "failed", "decision": _(
                    "Processing was interrupted %d times (worker stopped); kept for a manual retry.") % (row[1] - 1),
                    "error": _("Processing interrupted")})
            else:
                try:
                    record._process()
                except psycopg2.extensions.TransactionRollbackError:
                    if not commit:
                        raise
                    _logger.info("Inbound message %s met a concurrent update; processed on the next run", row[0])
                    self.env.cr.rollback()
                    done += 1
                    continue
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            done += 1
        return done

    @api.model
    def _stranded_query(self):
        """The UPDATE that takes one stranded message and counts its attempt: a message
        still waiting that no queue job (waiting or running) queued in the last
        ``stranded_minutes`` minutes will process: a worker killed in a request or in
        a job, a job failed outside the message's processing, a job runner that is not
        running. Messages a job will process soon are left to it."""
        stranded = sql.SQL("")
        params = ()
        if "queue.job" in self.env:
            stranded = sql.SQL(
                """AND (m.job_uuid IS NULL OR NOT EXISTS (
                           SELECT 1 FROM queue_job j
                            WHERE j.uuid = m.job_uuid AND j.state IN ('pending', 'enqueued', 'started')
                              AND j.date_created > (now() at time zone 'UTC') - %s * interval '1 minute'))""")
            params = (self._settings()["stranded_minutes"],)
        query = sql.SQL(
            """UPDATE mail_gateway_message SET attempts = attempts + 1
                WHERE id = (SELECT m.id FROM mail_gateway_message m WHERE m.state = 'received' {stranded}
                             ORDER BY m.id LIMIT 1 FOR UPDATE OF m SKIP LOCKED)
            RETURNING id, attempts""").format(stranded=stranded)
        return query, params

    @api.model
    def _cron_process_pending(self):
        """Safety net: process the messages stranded without a job (see ``_stranded_query``)."""
        return self._process_pending()

    @api.model
    def _cron_purge_raw(self):
        """Delete the raw source of processed and ignored messages older than the retention
        (failed, discarded and waiting ones keep it). One UPDATE, whatever the count."""
        days = self._settings()["retention_days"]
        if days <= 0:
            return 0
        self.env.cr.execute(
            """UPDATE mail_gateway_message SET raw = NULL, raw_purged = true
                WHERE state IN ('processed', 'ignored') AND raw IS NOT NULL
                  AND date_received < (now() at time zone 'UTC') - %s * interval '1 day'""", (days,))
        count = self.env.cr.rowcount
        self.invalidate_cache(["raw", "raw_purged"])
        _logger.info("Purged the raw source of %d inbound message(s) older than %d days", count, days)
        return count

    @api.multi
    def _own_lists(self, msg):
        """List-Ids of our own addresses: an alias that is itself a mailing list
        (``sales@`` as a Google Group) marks every message with its List-Id, which is
        no sign of bulk mail. From the aliases the message was sent to, and the
        ``own_lists`` setting."""
        if not mailparse.list_id(msg):
            # only a List-Id is ever compared with them: no query for the mail of a person
            return set()
        settings = self._settings()
        domain = settings["catchall_domain"]
        candidates = {}
        for address in mailparse.recipients(msg):
            local, _sep, address_domain = address.partition("@")
            if not domain or address_domain == domain:
                candidates.setdefault(local, []).append(address)
        own = {entry.strip().strip("<>").lower()
               for entry in (settings["own_lists"] or "").replace("\n", ",").split(",") if entry.strip()}
        if candidates:
            self.env.cr.execute("SELECT alias_name FROM mail_alias WHERE alias_name IN %s", (tuple(candidates),))
            own |= mailparse.own_list_ids(
                [address for (name,) in self.env.cr.fetchall() for address in candidates.get(name, [])])
        return own

    @api.model
    def _decision_text(self, reason, signal, value):
        """The reason shown on the message, in the reader's words."""
        labels = dict(self._fields["ignore_reason"]._description_selection(self.env))
        if signal == "report":
            detail = _("it is a delivery or read report (%s)") % value
        elif signal == "sender":
            detail = _("the sender %s is a mail server") % value
        elif signal == "subject":
            detail = _("an automatic subject together with a header (%s)") % value
        else:
            detail = _("header %(header)s: %(value)s") % {"header": signal, "value": value}
        return mailparse.storable("%s: %s" % (labels.get(reason, reason), detail), 1000)

    @api.multi
    def _route(self, raw, msg):
        """Values of the processed record. The message is parsed once (``msg``): Odoo's
        routing gets that parsed message, not the raw bytes to parse again."""
        _name, address = mailparse.sender(msg)
        if not (address or mailparse.recipients(msg) or mailparse.header(msg, "Subject").strip()
                or mailparse.message_id(msg)):
            # random bytes, a document posted by mistake: kept in the failure queue, no record made of it
            reason = _("Not an e-mail: no sender, recipient, subject or Message-Id could be read.")
            return {"state": "failed", "error": reason, "decision": reason}
        own_lists = self._own_lists(msg)
        decision = mailparse.classify_detail(msg, own_lists)
        if decision:
            return {"state": "ignored", "ignore_reason": decision[0], "error": False,
                    "decision": self._decision_text(*decision)}
        notes = []
        identifier = mailparse.list_id(msg)
        if identifier and identifier in own_lists:
            notes.append(_("List-Id %s is the alias's own list: not bulk mail.") % identifier)
        if self._is_throttled(address):
            settings = self._settings()
            return {"state": "ignored", "ignore_reason": "throttled", "error": False,
                    "decision": _("%(sender)s already made %(limit)d records in %(period)d minutes.") % {
                        "sender": address, "limit": settings["throttle_limit"],
                        "period": settings["throttle_period"]}}
        if not mailparse.message_id(msg):
            # the fingerprint becomes the Message-Id, so that Odoo keeps one too
            del msg["Message-Id"]
            msg["Message-Id"] = "<%s@mail-gateway>" % self.message_key[3:]
        elif self.message_id_reused:
            # Odoo's chatter keeps one message per Message-Id: under the original one this
            # message would be taken for the first and dropped
            original = mailparse.message_id(msg)
            del msg["Message-Id"]
            msg["Message-Id"] = mailparse.reused_message_id(original, self.content_fingerprint or "")
            notes.append(_("Message-Id reused: %(message_id)s already came with another content (message "
                           "%(first)s); this one is kept and processed as a message of its own.") % {
                "message_id": original, "first": self.first_message_id.subject or self.first_message_id.id})
        # decoded parts may hold NUL bytes (=00, base64): never into a text column
        text = mailparse.storable(mailparse.text_body(msg))
        rule = self._match_rule(msg, address, text)
        outcome = {}
        team = rule.team_id if rule else self.env["crm.team"]
        MailThread = self.env["mail.thread"].sudo().with_context(
            mail_gateway_message_id=self.id, mail_gateway_parsed=self._lead_values(msg, text),
            mail_gateway_outcome=outcome, mail_gateway_team_id=team.id)
        server = self.fetchmail_server_id
        if server:
            MailThread = MailThread.with_context(fetchmail_server_id=server.id, server_type=server.type)
        routed = self._message_route_process(MailThread, msg, server)
        values = {"rule_id": rule.id if rule else False, "error": False}
        if not routed:
            values.update(state="ignored", ignore_reason="known",
                          decision=_("Odoo already holds this Message-Id, or found no route for it."))
            return values
        model, thread_id, created = routed
        if outcome.get("refused_reference"):
            notes.append(_("Reference to %s from an unknown sender: not posted on it, taken as a new message.")
                         % outcome["refused_reference"])
        lead = outcome.get("lead")
        if not lead and created and model == "crm.lead":
            lead = self.env["crm.lead"].browse(thread_id)
        values.update({
            "state": "processed",
            "result": "created" if created else "updated",
            "res_model": routed[0] or (lead and lead._name),
            "res_id": routed[1] or (lead and lead.id),
            "team_id": lead.team_id.id if lead else team.id,
            "decision": " ".join(notes + [_("Genuine message: no sign of an automatic or bulk sender.")]),
        })
        if server.action_id and thread_id:
            server.action_id.with_context(active_id=thread_id, active_ids=[thread_id], active_model=model).run()
        if lead:
            values["acknowledged"] = self._acknowledge(lead)
        return values

    @api.model
    def _message_route_process(self, MailThread, msg, server=None):
        """Odoo's ``message_process`` from an already parsed message.

        Returns ``(model, record id, created)`` of the document the message was posted on
        (``created`` when the route made a new record), or ``None`` when Odoo knows its
        Message-Id already or finds it no route (a bounce to its bounce alias). A reply
        without known headers that quotes a record's reference in its subject goes to that
        record. An incoming mail server's target model and options (keep the original,
        keep attachments) are honoured.
        """
        server = server or self.env["fetchmail.server"]
        msg_dict = MailThread.message_parse(msg, save_original=bool(server.original))
        for key, value in msg_dict.items():
            if isinstance(value, str):
                # decoded parts may hold NUL bytes (=00, base64): PostgreSQL refuses them in text
                msg_dict[key] = mailparse.storable(value)
        attachments = msg_dict.get("attachments") or []
        for index, attachment in enumerate(attachments):
            # an RFC 2231 file name may decode to NUL (filename*=utf-8''a%00.pdf)
            if isinstance(attachment, tuple) and attachment and isinstance(attachment[0], str):
                name = mailparse.storable(attachment[0])
                attachments[index] = (attachment._replace(fname=name) if hasattr(attachment, "_replace")
                                      else (name,) + tuple(attachment[1:]))
        if server and not server.attach:
            msg_dict.pop("attachments", None)
        if MailThread.env["mail.message"].search_count([("message_id", "=", msg_dict["message_id"])]):
            _logger.info("Inbound message %s already in the chatter, skipped", msg_dict["message_id"])
            return None
        forced = self._subject_thread(msg)
        if forced and not self._may_post_by_reference(forced, msg):
            # anyone can write a reference in a subject: posting would relay their text to the
            # document's followers, its customer among them; the message is a new one instead
            outcome = MailThread.env.context.get("mail_gateway_outcome")
            if outcome is not None:
                outcome["refused_reference"] = self.env[forced[0]].sudo().browse(forced[1]).display_name
            forced = False
        if forced:
            routes = [(forced[0], forced[1], None, MailThread.env.uid, None)]
        else:
            model = server.object_id.model if server and server.object_id else FALLBACK_MODEL
            routes = MailThread.message_route(msg, msg_dict, model=model)
        thread_id = MailThread.message_route_process(msg, msg_dict, routes)
        if not thread_id:
            return None
        # message_route_process posts on every route and returns the last one's record;
        # a route without a record id is a new record
        return routes[-1][0], thread_id, not routes[-1][1]

    @api.model
    def _is_throttled(self, address):
        """Whether the sender already made ``throttle_limit`` records in the period.

        Counts at most ``limit`` rows, on the partial index of processed messages by
        sender and date, so a flood costs no more than a normal message."""
        settings = self._settings()
        limit = settings["throttle_limit"]
        if limit <= 0 or not address or mailparse.in_allow_list(address, settings["allow_list"]):
            return False
        since = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(minutes=settings["throttle_period"]))
        self.env.cr.execute(
            """SELECT count(*) FROM (
                   SELECT 1 FROM mail_gateway_message
                    WHERE email_from = %s AND state = 'processed' AND date_received >= %s LIMIT %s) AS recent""",
            (address, since, limit))
        return self.env.cr.fetchone()[0] >= limit

    @api.multi
    def _match_rule(self, msg, address, text):
        Rule = self.env["mail.gateway.rule"].sudo()
        found = mailparse.match_rule(
            Rule._cached_rules(), mailparse.recipients(msg), address,
            "%s\n%s" % (mailparse.header(msg, "Subject"), text))
        if not found:
            return Rule.browse()
        rule = Rule.browse(found["id"]).exists()
        if not rule:
            # deleted without unlink() (its sales channel was deleted): read the rules again
            Rule.clear_caches()
            return self._match_rule(msg, address, text)
        return rule

    @api.model
    def _lead_values(self, msg, text):
        """crm.lead values read from the message: form fields, signature, clean description."""
        form = mailparse.parse_form(text)
        if form:
            values = dict(form, mail_gateway_form=True)
            values.setdefault("description", text)
            return values
        body, signature = mailparse.split_reply(text)
        facts = mailparse.parse_signature(signature)
        name, _address = mailparse.sender(msg)
        values = {"description": body}
        if name or facts.get("name"):
            values["contact_name"] = name or facts["name"]
        for fact, field in (("company", "partner_name"), ("function", "function"), ("phone", "phone"),
                            ("mobile", "mobile")):
            if facts.get(fact):
                values[field] = facts[fact]
        return values

    @api.model
    def _subject_thread(self, msg):
        """(model, id) of the record a reply without known headers refers to by its subject."""
        ref = mailparse.subject_reference(mailparse.header(msg, "Subject"))
        if not ref:
            # most mail, replies included: no query
            return False
        refs = mailparse.references(msg)
        if refs and self.env["mail.message"].sudo().search_count([("message_id", "in", refs)]):
            return False
        if ref.startswith("#") and ref[1:].isdigit():
            lead = self.env["crm.lead"].sudo().browse(int(ref[1:])).exists()
            return ("crm.lead", lead.id) if lead else False
        order = self.env["sale.order"].sudo().search([("name", "=ilike", ref)], limit=1)
        if order:
            return ("sale.order", order.id)
        invoice = self.env["account.invoice"].sudo().search([("number", "=ilike", ref)], limit=1)
        if invoice:
            return ("account.invoice", invoice.id)
        return False

    @api.model
    def _may_post_by_reference(self, target, msg):
        """Whether the sender of ``msg`` may post on the document ``target`` (model, id) by
        quoting its reference in the subject: an internal user, the document's partner, its
        commercial entity or one of its contacts, the e-mail of a lead, or a follower."""
        _name, address = mailparse.sender(msg)
        if not address:
            return False
        document = self.env[target[0]].sudo().browse(target[1])
        if "email_from" in document._fields and address in [
                addr.lower() for addr in tools.email_split(document.email_from or "")]:
            return True
        partners = self.env["res.partner"].sudo().with_context(active_test=False).search(
            [("email", "=ilike", address)])
        if not partners:
            return False
        if self.env["res.users"].sudo().search_count([("partner_id", "in", partners.ids), ("share", "=", False)]):
            return True
        customer = document.partner_id if "partner_id" in document._fields else self.env["res.partner"]
        if customer and partners.filtered(
                lambda partner: partner.commercial_partner_id == customer.commercial_partner_id):
            return True
        return bool(partners & document.message_partner_ids)

    @api.model
    def _acknowledge(self, lead):
        template_id = self._param("ack_template_id")
        if not template_id or not lead.email_from:
            return False
        template = self.env["mail.template"].sudo().browse(int(template_id)).exists()
        if not template:
            return False
        template.send_mail(lead.id)
        return True

    # ------------------------------------------------------------------ failure queue

    @api.multi
    def write(self, vals):
        """The outcome of a message (state, raw source, decision...) changes only through the
        gateway itself and its buttons (Retry, Discard), never by a plain write of a user."""
        locked = set(vals) & PROTECTED_FIELDS
        if locked and not self._gateway_admin():
            raise AccessError(_("The status, source and decision of an inbound e-mail change only through "
                                "its buttons (Retry, Discard), not by editing it (%s).") % ", ".join(sorted(locked)))
        return super(MailGatewayMessage, self).write(vals)

    @api.multi
    def unlink(self):
        """Deleting a message that still holds its raw source loses it for good: administrators only."""
        if not self._gateway_admin() and self.sudo().filtered(lambda r: not r.raw_purged):
            raise AccessError(_("Only administrators can delete an inbound e-mail whose source is still stored."))
        return super(MailGatewayMessage, self).unlink()

    def _gateway_admin(self):
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group("base.group_system")

    @api.multi
    def action_retry(self):
        """Process failed messages again (after a fix or a configuration change)."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for record in self:
            if record.oversized or record.raw_purged:
                raise UserError(_("'%s' cannot be retried: its full source is not stored (too large, or purged).")
                                % (record.subject or record.message_key))
            if record.state not in ("failed", "received"):
                raise UserError(_("Only failed messages can be retried; '%(message)s' is %(state)s.") % {
                    "message": record.subject or record.message_key,
                    "state": dict(self._fields["state"].selection)[record.state]})
        for record in self.sudo():
            record._process()
        return True

    @api.multi
    def action_discard(self):
        """Keep the message for the record but take it out of the failure queue."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        if self.filtered(lambda r: r.state != "failed"):
            raise UserError(_("Only failed messages can be discarded."))
        self.sudo().write({"state": "discarded"})
        return True

    @api.multi
    def action_open_document(self):
        self.ensure_one()
        if not (self.res_model and self.res_id):
            raise UserError(_("This message is attached to no document."))
        return {"type": "ir.actions.act_window", "res_model": self.res_model, "res_id": self.res_id,
                "view_mode": "form", "target": "current"}

    @api.model
    def get_counters(self):
        """Messages in = created + updated + ignored + failed + discarded, of the messages
        the user may read (read_group applies the access rights and the company rules)."""
        groups = self.read_group([], ["state", "result"], ["state", "result"], lazy=False)
        counters = dict.fromkeys(("received", "created", "updated", "ignored", "failed", "discarded"), 0)
        for group in groups:
            state, result = group["state"], group["result"]
            counters[result if state == "processed" else state] += group["__count"]
        counters["in"] = sum(counters.values())
        return counters
