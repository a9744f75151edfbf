from odoo import fields, models


class MailGatewayImapFolder(models.Model):
    """Where the gateway stands in one IMAP folder: the folder's UIDVALIDITY and the
    last UID stored. Fetching resumes after that UID, whatever the \\Seen flags say."""
    _name = "mail.gateway.imap.folder"
    _description = "IMAP folder read by the mail gateway"
    _order = "server_id, name"

    server_id = fields.Many2one("fetchmail.server", "Incoming server", required=True, ondelete="cascade",
                                readonly=True)
    name = fields.Char("Folder", required=True, readonly=True)
    # 32-bit unsigned numbers of the IMAP server: kept as text (an Odoo Integer is signed 32-bit)
    uidvalidity = fields.Char("UIDVALIDITY", readonly=True)
    last_uid = fields.Char("Last UID stored", readonly=True, default="0")
    baseline_uid = fields.Char(
        "History up to UID", readonly=True, default="0",
        help="The highest UID in the folder when the gateway first read it: of the messages up to this one, "
             "only the unread ones were taken (as Odoo's own fetch does); every later one is taken, read or not.")
    date_fetch = fields.Datetime("Last fetch", readonly=True)

    _sql_constraints = [
        ("server_folder_unique", "unique(server_id, name)", "One state per folder and server."),
    ]
