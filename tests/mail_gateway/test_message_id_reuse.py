"""Same Message-Id, different content: a second message is never dropped, a re-delivery is
never doubled, whichever way it comes (HTTP hook, MTA pipe, IMAP) and even at the same instant."""
import threading
import uuid

import pytest

from common_mail import lead_count, message, relayed
from test_inbound_http import SECRET, post, run_pipe
from test_imap_fetch import make_server

BODY = "Bonjour,\r\nNous voulons 40 chaises à 120 € pièce.\r\n"
OTHER = "Bonjour,\r\nAnnulez, nous prenons 400 tables.\r\n"


@pytest.fixture(scope="module")
def hook(odoo_server, admin_rpc):
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.http_secret", SECRET)
    return odoo_server.url + "/mail_gateway/inbound"


def records_of(admin_rpc, sender):
    return admin_rpc.call("mail.gateway.message", "search_read", [("email_from", "=", sender)],
                          fields=["state", "result", "message_id_reused", "first_message_id", "res_id"],
                          order="id")


def test_hook_same_message_relayed_is_one_record_other_content_is_kept(hook, admin_rpc):
    sender = "reuse-%s@http.example" % uuid.uuid4().hex[:8]
    mid = "<reuse-%s@client.example>" % uuid.uuid4().hex
    raw = message(sender=sender, message_id=mid, body=BODY)
    # the same message twice, then through another relay: one record
    assert post(hook, raw)[1]["state"] == "processed"
    assert post(hook, raw)[1]["state"] == "duplicate"
    assert post(hook, relayed(raw))[1]["state"] == "duplicate"
    # another content under the same Message-Id: stored, processed, flagged
    status, body, _headers = post(hook, message(sender=sender, message_id=mid, body=OTHER, subject="Autre"))
    assert status == 200
    assert (body["state"], body["result"], body["message_id_reused"]) == ("processed", "created", True)
    # and delivered again through another relay, that one is a duplicate in turn
    assert post(hook, relayed(message(sender=sender, message_id=mid, body=OTHER, subject="Autre")))[1]["state"] \
        == "duplicate"
    records = records_of(admin_rpc, sender)
    assert [(r["state"], r["message_id_reused"]) for r in records] == [("processed", False), ("processed", True)]
    assert records[1]["first_message_id"][0] == records[0]["id"]
    assert lead_count(admin_rpc, sender) == 2
    lead = admin_rpc.call("crm.lead", "read", [records[1]["res_id"]], ["description"])[0]
    assert "400 tables" in lead["description"]


def test_pipe_keeps_another_content_under_a_known_message_id(hook, odoo_server, admin_rpc):
    sender = "reuse-pipe-%s@mta.example" % uuid.uuid4().hex[:8]
    mid = "<reuse-pipe-%s@client.example>" % uuid.uuid4().hex
    raw = message(sender=sender, message_id=mid, body=BODY)
    for each in (raw, relayed(raw), message(sender=sender, message_id=mid, body=OTHER)):
        done = run_pipe(each, odoo_server.url, db=odoo_server.db)
        assert done.returncode == 0, done.stderr
    records = records_of(admin_rpc, sender)
    assert [(r["state"], r["message_id_reused"]) for r in records] == [("processed", False), ("processed", True)]
    assert lead_count(admin_rpc, sender) == 2


def test_two_contents_under_one_message_id_posted_at_once_are_both_kept(hook, admin_rpc):
    sender = "reuse-race-%s@http.example" % uuid.uuid4().hex[:8]
    mid = "<reuse-race-%s@client.example>" % uuid.uuid4().hex
    first = message(sender=sender, message_id=mid, body=BODY)
    second = message(sender=sender, message_id=mid, body=OTHER)
    # each content twice (the second copy through another relay), all four at the same instant
    payloads = [first, second, relayed(first), relayed(second)]
    barrier = threading.Barrier(len(payloads))
    results = []

    def deliver(raw):
        barrier.wait(30)
        results.append(post(hook, raw)[0])

    threads = [threading.Thread(target=deliver, args=(raw,)) for raw in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert results == [200] * 4
    records = records_of(admin_rpc, sender)
    assert sorted(r["message_id_reused"] for r in records) == [False, True]
    assert {r["state"] for r in records} == {"processed"}
    assert lead_count(admin_rpc, sender) == 2


def test_imap_relayed_copy_is_one_record_other_content_is_kept(admin_rpc, dovecot):
    tag = uuid.uuid4().hex[:8]
    sender = "reuse-imap-%s@imap.example" % tag
    mid = "<reuse-imap-%s@client.example>" % tag
    raw = message(sender=sender, message_id=mid, body=BODY)
    # given the mailbox holds a request, the same request through a second relay, another content under its id
    dovecot.append(raw, relayed(raw), message(sender=sender, message_id=mid, body=OTHER))
    server_id = make_server(admin_rpc, dovecot)
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    records = records_of(admin_rpc, sender)
    assert [(r["state"], r["message_id_reused"]) for r in records] == [("processed", False), ("processed", True)]
    assert lead_count(admin_rpc, sender) == 2
