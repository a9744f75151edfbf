"""Messages and Odoo set-up shared by the mail_gateway end-to-end tests."""
import uuid


def message(subject="Quote for chairs", sender="Claire Martin <claire@durand.example>", message_id=None,
            body="Hello,\r\nWe need 40 chairs.\r\n", headers=None, to="sales@example.com"):
    lines = ["From: %s" % sender, "To: %s" % to, "Subject: %s" % subject]
    if message_id is not False:
        lines.append("Message-Id: %s" % (message_id or "<%s@client.example>" % uuid.uuid4().hex))
    lines += ["%s: %s" % item for item in (headers or {}).items()]
    lines += ["Content-Type: text/plain; charset=utf-8", "", body]
    return "\r\n".join(lines).encode("utf-8")


def lead_count(rpc, email):
    return rpc.call("crm.lead", "search_count", [("email_from", "ilike", email)])


def gateway_records(rpc, domain):
    return rpc.call("mail.gateway.message", "search_read", domain,
                    fields=["state", "result", "ignore_reason", "channel", "res_model", "res_id"])


def relayed(raw, relay="relay2.example"):
    """``raw`` as another relay delivers it again: its own trace headers first, the 8-bit body
    re-encoded as quoted-printable, the Content-Type header refolded, line ends as LF."""
    import quopri
    head, _sep, body = raw.partition(b"\r\n\r\n")
    head = head.replace(b"Content-Type: text/plain; charset=utf-8",
                        b"Content-Type: text/plain;\r\n\tcharset=utf-8\r\nContent-Transfer-Encoding: quoted-printable")
    trace = (b"Return-Path: <bounce@" + relay.encode() + b">\r\nDelivered-To: sales@example.com\r\n"
             b"X-Original-To: leads@example.com\r\nReceived: from " + relay.encode() + b" by mx.example;"
             b" Mon, 30 Nov 2026 05:00:00 +0000\r\n")
    return (trace + head + b"\r\n\r\n" + quopri.encodestring(body)).replace(b"\r\n", b"\n")
