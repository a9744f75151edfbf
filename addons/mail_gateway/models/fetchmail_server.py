"""IMAP through the mail gateway: by UID, store first, then process.

Each folder's UIDVALIDITY and last stored UID are kept (mail.gateway.imap.folder):
a message is fetched once whatever its \\Seen flag (a person reading the mailbox
first hides nothing), the last UID advances in the transaction that stores the
message, a lost connection is reopened and the fetch resumes after that UID. The
mail already in a folder when the gateway first reads it is history: only its
unread messages are taken (what Odoo's own fetch would have taken).
"""
import imaplib
import logging
import re
import socket
import time

import psycopg2

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# advisory lock class of a server's fetch: two fetches of one server never run at once
FETCH_LOCK = 0x6d67  # "mg"
RECONNECTS = 3
_SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


def _quote(folder):
    return '"%s"' % folder.replace("\\", "\\\\").replace('"', '\\"')


def _literal(data):
    """The message bytes of a FETCH answer."""
    return next((part[1] for part in data or () if isinstance(part, tuple)), None)


class FetchmailServer(models.Model):
    _inherit = "fetchmail.server"

    use_gateway = fields.Boolean(
        "Through the mail gateway", default=False,
        help="IMAP: fetch by UID (messages already read are fetched too), store each message once before "
             "processing it through the mail gateway. Off: Odoo's standard fetch.")
    gateway_folders = fields.Char(
        "Folders", default="INBOX", help="IMAP folders to read, comma separated.")
    gateway_move_to = fields.Char(
        "Move to folder", help="Once stored, move the message to this IMAP folder (empty: leave it, flagged seen).")
    gateway_max_size = fields.Integer(
        "Size cap (bytes)", help="Larger messages are not downloaded: their headers go to the failure queue and "
                                 "the message stays in the mailbox. 0: the gateway's maximum size.")
    gateway_folder_ids = fields.One2many("mail.gateway.imap.folder", "server_id", "Folder states", readonly=True)

    @api.multi
    def write(self, vals):
        if "use_gateway" in vals and not vals["use_gateway"]:
            # back to Odoo's fetch, which takes the unread mail: switched on again later, the
            # gateway reads each folder as a first time (its read history left alone)
            self.sudo().mapped("gateway_folder_ids").unlink()
        return super(FetchmailServer, self).write(vals)

    @api.multi
    def fetch_mail(self):
        """IMAP servers using the gateway fetch by UID; the others as Odoo does."""
        gateway = self.filtered(lambda s: s.type == "imap" and s.use_gateway)
        for server in gateway:
            server._gateway_fetch_imap()
        if gateway:
            # a fetch killed between storing a message and processing it has moved past its
            # UID: the next fetch processes it rather than leaving it to the safety-net cron
            self.env["mail.gateway.message"].sudo()._process_pending()
        rest = self - gateway
        if rest:
            return super(FetchmailServer, rest).fetch_mail()
        return True

    @api.model
    def _gateway_release_install_switch(self):
        """Upgrade: give back to Odoo's own fetch the servers the install switched.

        Version 11.0.1.0 made *Through the mail gateway* default to on, so its install
        switched every existing incoming server; later versions make it opt-in. Which
        install a database had is read from when the module's fields were first created:
        the gateway's switch (``use_gateway``) before its folder list (``gateway_folders``,
        new with opt-in) means the switching version was installed. Its servers that
        existed before that install, still switched, go back to Odoo's fetch; those
        created since, with the box visible on their form, keep their setting.
        Nothing is lost or doubled: the old gateway flagged every stored message seen,
        and Odoo's fetch takes the unread ones. Returns the servers given back."""
        self.env.cr.execute(
            """SELECT name, date_init FROM ir_model_data
                WHERE module = 'mail_gateway' AND model = 'ir.model.fields'
                  AND name IN ('field_fetchmail_server_use_gateway', 'field_fetchmail_server_gateway_folders')""")
        created = dict(self.env.cr.fetchall())
        switched_at = created.get("field_fetchmail_server_use_gateway")
        opt_in_at = created.get("field_fetchmail_server_gateway_folders")
        if not switched_at or not opt_in_at or switched_at >= opt_in_at:
            return self.browse()
        self.env.cr.execute(
            """UPDATE fetchmail_server SET use_gateway = false
                WHERE use_gateway AND create_date < %s RETURNING id""", (switched_at,))
        servers = self.browse([row[0] for row in self.env.cr.fetchall()])
        servers.invalidate_cache(["use_gateway"])
        # ticked again later, their folders are read as a first time
        self.env["mail.gateway.imap.folder"].sudo().search([("server_id", "in", servers.ids)]).unlink()
        for server in servers:
            _logger.warning(
                "Mail gateway upgrade: incoming server %s (id %d) was switched to the gateway by its install; "
                "it uses Odoo's fetch again. Tick 'Through the mail gateway' on it to use the gateway.",
                server.name, server.id)
        return servers

    @api.multi
    def _gateway_fetch_imap(self):
        """Fetch every folder of this server; returns the number of messages stored."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (FETCH_LOCK, self.id))
        if not cr.fetchone()[0]:
            _logger.info("A fetch of %s is already running", self.name)
            return 0
        count = 0
        imap = None
        try:
            for folder in [f.strip() for f in (self.gateway_folders or "INBOX").split(",") if f.strip()]:
                for attempt in range(RECONNECTS + 1):
                    try:
                        imap = imap or self.connect()
                        count += self._gateway_fetch_folder(imap, folder)
                        break
                    except (imaplib.IMAP4.abort, socket.error, EOFError) as exc:
                        # connection lost: reconnect and resume after the last UID stored
                        _logger.warning("IMAP connection to %s lost in %s (%s), attempt %d", self.name, folder,
                                        exc, attempt + 1)
                        cr.rollback()
                        imap = None
                        time.sleep(attempt + 1)
                    except imaplib.IMAP4.error as exc:
                        _logger.warning("Fetching %s from %s stopped (%s); resumed next time", folder, self.name,
                                        exc)
                        cr.rollback()
                        break
        except Exception as exc:  # pylint: disable=broad-except
            _logger.warning("Fetching from %s stopped (%s); resumed next time", self.name, exc, exc_info=True)
            cr.rollback()
        finally:
            if imap:
                try:
                    imap.logout()
                except Exception:  # pylint: disable=broad-except
                    _logger.info("IMAP logout from %s failed", self.name)
            self.write({"date": fields.Datetime.now()})
            cr.commit()  # pylint: disable=invalid-commit
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (FETCH_LOCK, self.id))
        _logger.info("Fetched %d e-mail(s) from %s", count, self.name)
        return count

    @api.multi
    def _gateway_folder_state(self, folder, uidvalidity, highest_uid):
        """The folder's state. On the first read of a folder, the mail already in it is
        its history: only its unread messages are taken, as Odoo's own fetch would, up to
        ``highest_uid`` (the baseline); every later message is taken whatever its flags.
        A new UIDVALIDITY (folder re-created or renumbered) starts again at UID 0, every
        message read again (what was stored before is recognised by its key, not doubled)."""
        State = self.env["mail.gateway.imap.folder"].sudo()
        state = State.search([("server_id", "=", self.id), ("name", "=", folder)])
        if not state:
            state = State.create({"server_id": self.id, "name": folder, "uidvalidity": uidvalidity,
                                  "baseline_uid": str(highest_uid)})
        elif state.uidvalidity != uidvalidity:
            _logger.warning("UIDVALIDITY of %s on %s changed (%s -> %s): the folder is read again",
                            folder, self.name, state.uidvalidity, uidvalidity)
            state.write({"uidvalidity": uidvalidity, "last_uid": "0", "baseline_uid": "0"})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return state

    @api.model
    def _gateway_highest_uid(self, imap):
        """The highest UID in the selected folder (0 when empty): UIDNEXT - 1, or a search."""
        _typ, uidnext = imap.response("UIDNEXT")
        if uidnext and uidnext[-1] and uidnext[-1].isdigit():
            return int(uidnext[-1]) - 1
        _typ, data = imap.uid("search", None, "ALL")
        return max([int(uid) for uid in (data[0] or b"").split()] or [0])

    @api.model
    def _gateway_uids_to_fetch(self, imap, last, baseline):
        """UIDs to fetch, in order: the unread ones of the history not yet taken (after
        ``last``, up to ``baseline``), then every one after both."""
        uids = []
        if last < baseline:
            _typ, data = imap.uid("search", None, "UID %d:%d UNSEEN" % (last + 1, baseline))
            uids += [int(uid) for uid in (data[0] or b"").split() if last < int(uid) <= baseline]
        start = max(last, baseline)
        _typ, data = imap.uid("search", None, "UID %d:*" % (start + 1))
        # "N:*" also answers the highest UID when it is below N
        uids += [int(uid) for uid in (data[0] or b"").split() if int(uid) > start]
        return sorted(set(uids))

    @api.multi
    def _gateway_fetch_folder(self, imap, folder):
        cr = self.env.cr
        Gateway = self.env["mail.gateway.message"].sudo()
        typ, _data = imap.select(_quote(folder))
        if typ != "OK":
            raise imaplib.IMAP4.error("cannot select %s" % folder)
        _typ, validity = imap.response("UIDVALIDITY")
        uidvalidity = (validity[-1] or b"0").decode() if validity and validity[-1] else "0"
        state = self.env["mail.gateway.imap.folder"].sudo().search([("server_id", "=", self.id),
                                                                    ("name", "=", folder)])
        highest = 0 if state else self._gateway_highest_uid(imap)
        state = self._gateway_folder_state(folder, uidvalidity, highest)
        last, baseline = int(state.last_uid or 0), int(state.baseline_uid or 0)
        uids = self._gateway_uids_to_fetch(imap, last, baseline)
        cap = self.gateway_max_size or Gateway._settings()["max_size"]
        count = 0
        for uid in uids:
            _typ, data = imap.uid("fetch", str(uid), "(RFC822.SIZE)")
            found = _SIZE_RE.search(b" ".join(p if isinstance(p, bytes) else p[0] for p in data if p))
            size = int(found.group(1)) if found else 0
            inline = False
            if size > cap:
                _typ, data = imap.uid("fetch", str(uid), "(BODY.PEEK[HEADER])")
                raw = _literal(data) or b""
                record, created = Gateway._store(
                    raw, "imap", self, state="failed", size=size,
                    decision=_("Too large: %(size)d bytes, the cap is %(cap)d; only the headers are kept, the "
                               "message stays in the mailbox.") % {"size": size, "cap": cap})
                if created:
                    record.write({"oversized": True, "error": _("Message too large")})
            else:
                _typ, data = imap.uid("fetch", str(uid), "(BODY.PEEK[])")
                raw = _literal(data)
                if raw is None:
                    # expunged meanwhile
                    continue
                try:
                    # a large message gets its queue job in the transaction that stores it
                    record, created, inline = Gateway._store_and_schedule(raw, "imap", self)
                except psycopg2.extensions.TransactionRollbackError:
                    # the same message delivered at this instant by another way: resume here next time
                    cr.rollback()
                    raise imaplib.IMAP4.error("concurrent delivery of UID %d" % uid)
            # the UID advances in the transaction that stores the message
            cr.execute("UPDATE mail_gateway_imap_folder SET last_uid = %s, date_fetch = now() at time zone 'UTC' "
                       "WHERE id = %s", (str(uid), state.id))
            cr.commit()  # pylint: disable=invalid-commit
            count += 1
            self._gateway_after_store(imap, uid, size <= cap)
            if size <= cap and inline and record.state == "received":
                try:
                    record._process(raw)
                    cr.commit()  # pylint: disable=invalid-commit
                except psycopg2.extensions.TransactionRollbackError:
                    # stored already: the job processes it in a minute
                    cr.rollback()
        # the whole history was read: from now on, only what comes after the baseline
        cr.execute("""UPDATE mail_gateway_imap_folder SET last_uid = baseline_uid
                       WHERE id = %s AND last_uid::bigint < baseline_uid::bigint""", (state.id,))
        cr.commit()  # pylint: disable=invalid-commit
        state.invalidate_cache()
        return count

    @api.multi
    def _gateway_after_store(self, imap, uid, complete):
        """Move the stored message to the chosen folder, or flag it seen. An oversized one
        stays where it is, unflagged, for a person to deal with."""
        if not complete:
            return
        if self.gateway_move_to:
            typ, _data = imap.uid("move", str(uid), _quote(self.gateway_move_to))
            if typ == "OK":
                return
            _logger.warning("Cannot move UID %s to %s on %s", uid, self.gateway_move_to, self.name)
        imap.uid("store", str(uid), "+FLAGS", "(\\Seen)")
