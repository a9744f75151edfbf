"""The hostile corpus (addons/mail_gateway/lib/tests/hostile) through the whole route of a
running Odoo: every message delivered by HTTP, by the MTA pipe and by IMAP ends as
exactly one stored message, processed, ignored with a reason, or in the failure queue."""
import json
import os
import subprocess
import sys
import time

import harness
from test_imap_fetch import make_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "addons", "mail_gateway", "lib", "tests", "hostile")
PIPE = os.path.join(ROOT, "addons", "mail_gateway", "scripts", "mail_gateway_pipe.py")
SECRET = "s3cret-corpus"


def corpus():
    names = sorted(name for name in os.listdir(CORPUS) if name.endswith(".eml"))
    result = []
    for name in names:
        with open(os.path.join(CORPUS, name), "rb") as handle:
            result.append((name, handle.read()))
    return result


def by_http(url, raw):
    status, body, _headers = harness.post_json(
        url + "/mail_gateway/inbound", raw,
        headers={"Content-Type": "message/rfc822", "X-Mail-Gateway-Secret": SECRET}, timeout=120)
    assert status == 200, body
    return body


def by_pipe(server, raw):
    done = subprocess.run([sys.executable, PIPE, "--url", server.url, "--db", server.db, "--secret", SECRET,
                           "--timeout", "120"], input=raw, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=150)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.decode())


def test_every_hostile_message_delivered_three_ways_is_stored_once(odoo_server, admin_rpc, dovecot):
    messages = corpus()
    assert len(messages) >= 100
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.http_secret", SECRET)
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.max_size", str(25 * 1024 * 1024))
    last = admin_rpc.call("mail.gateway.message", "search", [], order="id desc", limit=1)
    before = last[0] if last else 0
    started = time.time()
    server_id = make_server(admin_rpc, dovecot)
    ids = {name: set() for name, _raw in messages}
    # first deliveries: a third by HTTP, a third by the pipe, a third by IMAP
    for index, (name, raw) in enumerate(messages):
        if index % 3 == 0:
            ids[name].add(by_http(odoo_server.url, raw)["id"])
        elif index % 3 == 1:
            ids[name].add(by_pipe(odoo_server, raw)["id"])
        else:
            dovecot.deliver(raw, name)
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    # then every message again by the two other ways
    for index, (name, raw) in enumerate(messages):
        if index % 3 != 0:
            answer = by_http(odoo_server.url, raw)
            assert answer["state"] == "duplicate", (name, answer)
            ids[name].add(answer["id"])
        if index % 3 != 1:
            answer = by_pipe(odoo_server, raw)
            assert answer["state"] == "duplicate", (name, answer)
            ids[name].add(answer["id"])
        if index % 3 != 2:
            dovecot.deliver(raw, name)
    admin_rpc.call("fetchmail.server", "fetch_mail", [server_id])
    elapsed = time.time() - started
    # every message is one stored record, the same whichever way it came
    doubled = {name: found for name, found in ids.items() if len(found) != 1}
    assert not doubled, doubled
    name_to_id = {name: next(iter(found)) for name, found in ids.items()}
    record_ids = sorted(name_to_id.values())
    assert len(set(record_ids)) == len(messages)
    # no other record was stored on the way (a run on a fresh database stores them all now)
    assert not admin_rpc.call("mail.gateway.message", "search", [("id", ">", before), ("id", "not in", record_ids)])
    # and each one ended processed, ignored with its reason, or in the failure queue with its error
    fields = ["state", "ignore_reason", "error", "decision", "res_id"]
    records = {r["id"]: r for r in admin_rpc.call("mail.gateway.message", "read", record_ids, fields)}
    outcome = {}
    for record in records.values():
        assert record["state"] in ("processed", "ignored", "failed"), record
        if record["state"] == "ignored":
            assert record["ignore_reason"] and record["decision"], record
        if record["state"] == "failed":
            assert record["error"], record
        if record["state"] == "processed":
            assert record["res_id"], record
        outcome[record["state"]] = outcome.get(record["state"], 0) + 1
    by_name = {name: records[record_id] for name, record_id in name_to_id.items()}
    print("hostile corpus: %d messages, %s, %.0f s" % (len(messages), outcome, elapsed))
    # what must never be lost, and never be mistaken for an auto-reply
    for name in ("_nul_subject_and_body.eml", "_subject_absence_de_livraison.eml", "_auto_submitted_no.eml",
                 "_outlook_ordinary_suppress.eml", "_website_form_noreply.eml"):
        record = next(r for n, r in by_name.items() if n.endswith(name))
        assert record["state"] == "processed", (name, record)
    for name, reason in (("_outlook_oof.eml", "auto_reply"), ("_dsn_postfix.eml", "bounce"),
                         ("_dsn_qmail.eml", "bounce"), ("_procmail_loop.eml", "loop"),
                         ("_newsletter_list.eml", "bulk"), ("_mdn_read_receipt.eml", "bounce")):
        record = next(r for n, r in by_name.items() if n.endswith(name))
        assert (record["state"], record["ignore_reason"]) == ("ignored", reason), (name, record)
    # bytes that are no e-mail make no lead: they wait in the failure queue
    for name in ("_random_bytes_0.eml", "_pdf_blob.eml", "_binary_headers.eml"):
        record = next(r for n, r in by_name.items() if n.endswith(name))
        assert record["state"] == "failed", (name, record)
