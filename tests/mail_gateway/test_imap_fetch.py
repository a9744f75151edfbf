"""The gateway fetches from a real IMAP server (dovecot) and flags only what it stored."""
import uuid

from common_mail import gateway_records, lead_count, message


def make_server(admin_rpc, dovecot):
    model_id = admin_rpc.call("ir.model", "search", [("model", "=", "crm.lead")])[0]
    return admin_rpc.call("fetchmail.server", "create", {
        "name": "Dovecot %s" % dovecot.port, "server": "127.0.0.1", "port": dovecot.port, "type": "imap",
        "is_ssl": False, "user": dovecot.user, "password": dovecot.password, "object_id": model_id,
        "state": "done"})


def test_imap_messages_become_leads_once_and_are_flagged_seen(admin_rpc, dovecot):
    tag = uuid.uuid4().hex[:8]
    sender = "buyer-%s@imap.example" % tag
    # given a mailbox with a new request, the same request delivered twice, an auto-reply and a broken message
    dovecot.append(
        message(sender=sender, message_id="<req-%s@imap.example>" % tag),
        message(sender=sender, message_id="<req-%s@imap.example>" % tag),
        message(sender=sender, subject="Out of office", message_id="<ooo-%s@imap.example>" % tag,
                headers={"Auto-Submitted": "auto-replied"}),
        message(sender=sender, subject="Sans Message-Id", message_id=False, body="Rappelez-moi %s" % tag),
    )
    server_id = make_server(admin_rpc, dovecot)
    # when the gateway fetches
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    # then the request and the message without Message-Id gave one lead each, the auto-reply none
    assert lead_count(admin_rpc, sender) == 2
    records = gateway_records(admin_rpc, [("email_from", "=", sender)])
    assert sorted((r["state"], r["ignore_reason"] or "") for r in records) == [
        ("ignored", "auto_reply"), ("processed", ""), ("processed", "")]
    assert {r["channel"] for r in records} == {"imap"}
    # and every message in the mailbox is flagged seen
    assert all(dovecot.flags().values())
    # when the process died after its commit but before flagging (flags lost), the next fetch
    dovecot.unflag_all()
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    # then nothing is doubled and all is seen again
    assert lead_count(admin_rpc, sender) == 2
    assert len(gateway_records(admin_rpc, [("email_from", "=", sender)])) == 3
    assert all(dovecot.flags().values())


def test_fetch_with_imap_server_down_loses_nothing(admin_rpc, dovecot):
    tag = uuid.uuid4().hex[:8]
    sender = "late-%s@imap.example" % tag
    dovecot.append(message(sender=sender))
    server_id = make_server(admin_rpc, dovecot)
    admin_rpc.call("fetchmail.server", "write", [server_id], {"port": dovecot.port + 1 if dovecot.port < 65535 else 1})
    # when the IMAP server cannot be reached, the fetch fails quietly
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    assert lead_count(admin_rpc, sender) == 0
    assert dovecot.flags() and not any(dovecot.flags().values())
    # and the next fetch takes the message
    admin_rpc.call("fetchmail.server", "write", [server_id], {"port": dovecot.port})
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    assert lead_count(admin_rpc, sender) == 1
