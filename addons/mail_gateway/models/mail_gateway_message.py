"""One record per inbound e-mail: the single processing path of the three ways in."""
import base64
import logging
import traceback
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from ..lib import mailparse

_logger = logging.getLogger(__name__)

PARAM_PREFIX = "mail_gateway."
DEFAULTS = {
    "throttle_limit": 20,
    "throttle_period": 60,
    "max_size": 25 * 1024 * 1024,
}
SETTING_KEYS = ("throttle_limit", "throttle_period", "allow_list", "ack_template_id", "http_secret", "max_size")
# the model the gateway creates records of when no alias or reply says otherwise
FALLBACK_MODEL = "crm.lead"


class MailGatewayMessage(models.Model):
    _name = "mail.gateway.message"
    _description = "Inbound e-mail"
    _order = "date_received desc, id desc"
    _rec_name = "subject"

    message_key = fields.Char(
        "Message key", required=True, index=True, readonly=True,
        help="The Message-Id, or a fingerprint of the message when it has none.")
    subject = fields.Char(readonly=True)
    email_from = fields.Char("From", readonly=True, index=True)
    email_to = fields.Char("To", readonly=True)
    date_received = fields.Datetime("Received", readonly=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(
        [("imap", "IMAP fetch"), ("mta", "MTA pipe"), ("http", "HTTP hook"), ("manual", "Manual")],
        readonly=True, default="manual")
    fetchmail_server_id = fields.Many2one("fetchmail.server", "Incoming server", readonly=True, ondelete="set null")
    raw = fields.Binary("Raw source", attachment=False, readonly=True)
    size = fields.Integer("Size (bytes)", readonly=True)
    state = fields.Selection(
        [("received", "Received"), ("processed", "Processed"), ("ignored", "Ignored"),
         ("failed", "Failed"), ("discarded", "Discarded")],
        default="received", required=True, readonly=True, index=True)
    result = fields.Selection([("created", "Record created"), ("updated", "Message added to a record")],
                              readonly=True)
    ignore_reason = fields.Selection(
        [("auto_reply", "Auto-reply"), ("bounce", "Bounce or delivery report"), ("bulk", "Bulk or mailing list"),
         ("throttled", "Sender throttled"), ("known", "Already known Message-Id")], readonly=True)
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
            value = params.get_param(PARAM_PREFIX + key)
            if key in DEFAULTS:
                try:
                    value = int(value) if value not in (None, False, "") else DEFAULTS[key]
                except ValueError:
                    value = DEFAULTS[key]
            settings[key] = value or (0 if key in DEFAULTS else "")
        return settings

    # ------------------------------------------------------------------ intake

    @api.model
    def receive(self, raw, channel="manual", fetchmail_server=None):
        """Store one raw message and process it; return the record.

        A message already received (same Message-Id or fingerprint) is not stored
        again: the empty recordset is returned. Processing errors never raise: the
        message goes to the failure queue with its error.
        """
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        msg = mailparse.parse_bytes(raw)
        key = mailparse.message_key(raw, msg)
        _name, address = mailparse.sender(msg)
        record = self._reserve(key, {
            "subject": mailparse.header(msg, "Subject")[:512],
            "email_from": address,
            "email_to": ", ".join(mailparse.recipients(msg))[:512],
            "channel": channel,
            "fetchmail_server_id": fetchmail_server.id if fetchmail_server else None,
            "raw": psycopg2.Binary(base64.b64encode(raw)),
            "size": len(raw),
        })
        if not record:
            _logger.info("Inbound message %s already received, skipped", key)
            return record
        record._process(raw, msg)
        return record

    @api.model
    def _reserve(self, key, values):
        """Insert the message, or return an empty recordset when its key exists.

        Two concurrent deliveries of one message: the second INSERT waits for the
        first transaction and then does nothing, so only one record is processed.
        """
        self.env.cr.execute(
            """INSERT INTO mail_gateway_message
                   (message_key, state, date_received, company_id, create_uid, write_uid, create_date, write_date,
                    subject, email_from, email_to, channel, fetchmail_server_id, raw, size)
               VALUES (%s, 'received', now() at time zone 'UTC', %s, %s, %s,
                       now() at time zone 'UTC', now() at time zone 'UTC', %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (message_key) DO NOTHING RETURNING id""",
            (key, self.env.user.company_id.id, self.env.uid, self.env.uid, values["subject"], values["email_from"],
             values["email_to"], values["channel"], values["fetchmail_server_id"], values["raw"], values["size"]),
            log_exceptions=False)
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.multi
    def _process(self, raw=None, msg=None):
        """Route one stored message: ignore, throttle, or hand it to Odoo's routing."""
        self.ensure_one()
        if raw is None:
            raw = base64.b64decode(self.with_context(bin_size=False).raw or b"")
            msg = mailparse.parse_bytes(raw)
        try:
            with self.env.cr.savepoint():
                values = self._route(raw, msg)
        except Exception as exc:  # pylint: disable=broad-except
            # the traceback is kept on the record, in the failure queue
            _logger.warning("Inbound message %s failed: %s", self.message_key, exc)
            values = {"state": "failed", "error": traceback.format_exc(limit=6)}
        self.write(values)
        return values

    @api.multi
    def _route(self, raw, msg):
        """Values of the processed record. The message is parsed once (``msg``): Odoo's
        routing gets that parsed message, not the raw bytes to parse again."""
        reason = mailparse.classify(msg)
        if reason:
            return {"state": "ignored", "ignore_reason": reason, "error": False}
        _name, address = mailparse.sender(msg)
        if self._is_throttled(address):
            return {"state": "ignored", "ignore_reason": "throttled", "error": False}
        if not mailparse.message_id(msg):
            # the fingerprint becomes the Message-Id, so that Odoo keeps one too
            del msg["Message-Id"]
            msg["Message-Id"] = "<%s@mail-gateway>" % self.message_key[3:]
        text = mailparse.text_body(msg)
        rule = self._match_rule(msg, address, text)
        outcome = {}
        team = rule.team_id if rule else self.env["crm.team"]
        MailThread = self.env["mail.thread"].sudo().with_context(
            mail_gateway_message_id=self.id, mail_gateway_parsed=self._lead_values(msg, text),
            mail_gateway_outcome=outcome, mail_gateway_team_id=team.id)
        routed = self._message_route_process(MailThread, msg)
        values = {"rule_id": rule.id if rule else False, "error": False}
        if not routed:
            values.update(state="ignored", ignore_reason="known")
            return values
        model, thread_id, created = routed
        lead = outcome.get("lead")
        if not lead and created and model == "crm.lead":
            lead = self.env["crm.lead"].browse(thread_id)
        values.update({
            "state": "processed",
            "result": "created" if created else "updated",
            "res_model": routed[0] or (lead and lead._name),
            "res_id": routed[1] or (lead and lead.id),
            "team_id": lead.team_id.id if lead else team.id,
        })
        if lead:
            values["acknowledged"] = self._acknowledge(lead)
        return values

    @api.model
    def _message_route_process(self, MailThread, msg):
        """Odoo's ``message_process`` from an already parsed message.

        Returns ``(model, record id, created)`` of the document the message was posted on
        (``created`` when the route made a new record), or ``None`` when Odoo knows its
        Message-Id already or finds it no route (a bounce to its bounce alias). A reply
        without known headers that quotes a record's reference in its subject goes to that
        record.
        """
        msg_dict = MailThread.message_parse(msg)
        if MailThread.env["mail.message"].search_count([("message_id", "=", msg_dict["message_id"])]):
            _logger.info("Inbound message %s already in the chatter, skipped", msg_dict["message_id"])
            return None
        forced = self._subject_thread(msg)
        if forced:
            routes = [(forced[0], forced[1], None, MailThread.env.uid, None)]
        else:
            routes = MailThread.message_route(msg, msg_dict, model=FALLBACK_MODEL)
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
        refs = mailparse.references(msg)
        if refs and self.env["mail.message"].sudo().search_count([("message_id", "in", refs)]):
            return False
        ref = mailparse.subject_reference(mailparse.header(msg, "Subject"))
        if not ref:
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
    def action_retry(self):
        """Process failed messages again (after a fix or a configuration change)."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for record in self:
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
        """Messages in = created + updated + ignored + failed + discarded."""
        self.env.cr.execute("""SELECT state, result, count(*) FROM mail_gateway_message
                               GROUP BY state, result""")
        counters = dict.fromkeys(("received", "created", "updated", "ignored", "failed", "discarded"), 0)
        for state, result, count in self.env.cr.fetchall():
            counters[result if state == "processed" else state] += count
        counters["in"] = sum(counters.values())
        return counters
