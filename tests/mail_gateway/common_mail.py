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
