"""The gateway fetches from a real IMAP server (dovecot) and flags only what it stored."""
import uuid

from common_mail import gateway_records, lead_count, message


def make_server(admin_rpc, dovecot, **options):
    model_id = admin_rpc.call("ir.model", "search", [("model", "=", "crm.lead")])[0]
    return admin_rpc.call("fetchmail.server", "create", {
        "name": "Dovecot %s" % dovecot.port, "server": "127.0.0.1", "port": dovecot.port, "type": "imap",
        "is_ssl": False, "user": dovecot.user, "password": dovecot.password, "object_id": model_id,
        "state": "done", "use_gateway": True, **options})


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
    # when a person marks them unread again, the next fetch takes nothing twice: it goes by UID
    dovecot.unflag_all()
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    assert lead_count(admin_rpc, sender) == 2
    assert len(gateway_records(admin_rpc, [("email_from", "=", sender)])) == 3


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


def test_message_already_read_by_a_person_is_fetched_history_is_left_alone(admin_rpc, dovecot):
    tag = uuid.uuid4().hex[:8]
    sender = "read-%s@imap.example" % tag
    old, unread = "history-%s@imap.example" % tag, "waiting-%s@imap.example" % tag
    # given a mailbox with its history when the gateway is switched on: a request handled by hand long ago
    # (read), and an unread one Odoo's own fetch would still take
    dovecot.append(message(sender=old, message_id="<old-%s@imap.example>" % tag))
    dovecot.flag_all_seen()
    dovecot.append(message(sender=unread, message_id="<unread-%s@imap.example>" % tag))
    server_id = make_server(admin_rpc, dovecot)
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    # then the unread one becomes a lead, the old read one is left alone (no lead, no record)
    assert lead_count(admin_rpc, unread) == 1
    assert lead_count(admin_rpc, old) == 0
    assert not gateway_records(admin_rpc, [("email_from", "=", old)])
    # given a new request a person opens in the mailbox before Odoo fetches
    dovecot.append(message(sender=sender, message_id="<read-%s@imap.example>" % tag))
    dovecot.flag_all_seen()
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    # then it still becomes a lead, and the history is still left alone
    assert lead_count(admin_rpc, sender) == 1
    assert lead_count(admin_rpc, old) == 0
    state = admin_rpc.call("mail.gateway.imap.folder", "search_read", [("server_id", "=", server_id)],
                           fields=["name", "uidvalidity", "last_uid", "baseline_uid"])
    assert [(s["name"], s["last_uid"], s["baseline_uid"]) for s in state] == [("INBOX", "3", "2")]
    assert state[0]["uidvalidity"] != "0"


def test_size_cap_move_and_uidvalidity(admin_rpc, dovecot):
    tag = uuid.uuid4().hex[:8]
    sender = "cap-%s@imap.example" % tag
    big = message(sender=sender, subject="Plans %s" % tag, body="z" * 60000,
                  message_id="<big-%s@imap.example>" % tag)
    small = message(sender=sender, message_id="<small-%s@imap.example>" % tag)
    dovecot.append(big, small)
    dovecot.create_folder("Done")
    server_id = make_server(admin_rpc, dovecot, gateway_max_size=20000, gateway_move_to="Done")
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    records = {r["state"]: r for r in admin_rpc.call(
        "mail.gateway.message", "search_read", [("email_from", "=", sender)],
        fields=["state", "oversized", "size", "subject", "decision"])}
    # the oversized message is in the failure queue with its headers and real size, left in the mailbox
    assert sorted(records) == ["failed", "processed"]
    assert records["failed"]["oversized"] and records["failed"]["size"] == len(big)
    assert records["failed"]["subject"] == "Plans %s" % tag and "20000" in records["failed"]["decision"]
    # the stored one was moved to Done, the oversized one stays in the INBOX
    assert list(dovecot.flags("INBOX")) == ["Message-Id: <big-%s@imap.example>" % tag]
    assert list(dovecot.flags("Done")) == ["Message-Id: <small-%s@imap.example>" % tag]
    # the INBOX is re-created (new UIDVALIDITY): read again from UID 1, nothing doubled
    dovecot.recreate_inbox(small)
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    assert lead_count(admin_rpc, sender) == 1
    assert len(gateway_records(admin_rpc, [("email_from", "=", sender)])) == 2


def test_fetch_resumes_after_the_imap_server_dies_mid_fetch(admin_rpc, dovecot, odoo_server):
    import threading
    import time
    tag = uuid.uuid4().hex[:8]
    sender = "@resume-%s.example" % tag
    count = 40
    # one sender each (the flood throttle stays out of it)
    dovecot.append(*[message(sender="buyer%d%s" % (i, sender), message_id="<r%d-%s@imap.example>" % (i, tag))
                     for i in range(count)])
    server_id = make_server(admin_rpc, dovecot)

    def cut():
        # restart dovecot while the gateway is fetching: every connection is cut
        deadline = time.time() + 60
        while time.time() < deadline and not gateway_records(admin_rpc, [("email_from", "ilike", sender)]):
            time.sleep(0.05)
        dovecot.kill()
        dovecot.start()

    cutter = threading.Thread(target=cut)
    cutter.start()
    odoo_server.rpc("admin", "admin").call("fetchmail.server", "fetch_mail", [server_id])
    cutter.join(90)
    # a second fetch picks up whatever the first could not reach
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    assert lead_count(admin_rpc, sender) == count
    assert len(gateway_records(admin_rpc, [("email_from", "ilike", sender)])) == count
