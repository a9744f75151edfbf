import logging

import psycopg2

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class FetchmailServer(models.Model):
    _inherit = "fetchmail.server"

    use_gateway = fields.Boolean(
        "Through the mail gateway", default=True,
        help="IMAP: store each message once, process it through the mail gateway and flag it seen "
             "only after it is safely committed.")

    @api.multi
    def fetch_mail(self):
        """IMAP servers using the gateway: flag a message seen only after the commit
        that stored it; a crash in between makes it fetched again and deduplicated."""
        gateway = self.filtered(lambda s: s.type == "imap" and s.use_gateway)
        for server in gateway:
            server._gateway_fetch_imap()
        rest = self - gateway
        if rest:
            return super(FetchmailServer, rest).fetch_mail()
        return True

    @api.multi
    def _gateway_fetch_imap(self):
        self.ensure_one()
        Gateway = self.env["mail.gateway.message"].sudo()
        count = skipped = 0
        imap = None
        try:
            imap = self.connect()
            imap.select()
            _typ, data = imap.uid("search", None, "(UNSEEN)")
            for uid in data[0].split():
                _typ, fetched = imap.uid("fetch", uid, "(BODY.PEEK[])")
                raw = next((part[1] for part in fetched if isinstance(part, tuple)), None)
                if raw is None:
                    continue
                try:
                    record = Gateway.receive(raw, "imap", fetchmail_server=self)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                except psycopg2.extensions.TransactionRollbackError:
                    # a concurrent delivery of the same message: the next fetch finds it stored
                    self.env.cr.rollback()
                    continue
                imap.uid("store", uid, "+FLAGS", "(\\Seen)")
                count += 1
                skipped += 0 if record else 1
            _logger.info("Fetched %d e-mail(s) from %s (%d already known)", count, self.name, skipped)
        except Exception as exc:  # pylint: disable=broad-except
            _logger.warning("Fetching from %s stopped (%s); unflagged messages are fetched next time",
                            self.name, exc)
        finally:
            if imap:
                try:
                    imap.close()
                    imap.logout()
                except Exception:  # pylint: disable=broad-except
                    _logger.info("IMAP logout from %s failed", self.name)
        self.write({"date": fields.Datetime.now()})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return count
