"""The HTTP inbound hook and the MTA pipe, against a running server."""
import base64
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import pytest

import harness
from common_mail import gateway_records, lead_count, message

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PIPE = os.path.join(ROOT, "addons", "mail_gateway", "scripts", "mail_gateway_pipe.py")
SECRET = "s3cret-hook"


@pytest.fixture(scope="module")
def hook(odoo_server, admin_rpc):
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.http_secret", SECRET)
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.max_size", str(200 * 1024))
    return odoo_server.url + "/mail_gateway/inbound"


def post(url, raw, secret=SECRET):
    return harness.post_json(url, raw, headers={"Content-Type": "message/rfc822", "X-Mail-Gateway-Secret": secret})


def test_hook_stores_once_and_refuses_bad_secret_and_oversize(hook, admin_rpc):
    sender = "hook-%s@http.example" % uuid.uuid4().hex[:8]
    raw = message(sender=sender)
    assert post(hook, raw, secret="wrong")[0] == 403
    assert lead_count(admin_rpc, sender) == 0
    big = message(sender=sender, body="x" * (300 * 1024))
    assert post(hook, big)[0] == 413
    status, body, _headers = post(hook, raw)
    assert status == 200 and body["state"] == "processed" and body["result"] == "created"
    status, body, _headers = post(hook, raw)
    assert status == 200 and body["state"] == "duplicate"
    assert lead_count(admin_rpc, sender) == 1


def test_concurrent_deliveries_of_one_message_give_one_lead(hook, admin_rpc):
    sender = "race-%s@http.example" % uuid.uuid4().hex[:8]
    raw = message(sender=sender)
    results = []

    def deliver():
        results.append(post(hook, raw)[0])

    threads = [threading.Thread(target=deliver) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [200] * 4
    assert lead_count(admin_rpc, sender) == 1
    assert len(gateway_records(admin_rpc, [("email_from", "=", sender)])) == 1


def run_pipe(raw, url, secret=SECRET, db=None):
    args = [sys.executable, PIPE, "--url", url, "--secret", secret, "--timeout", "30"]
    if db:
        args += ["--db", db]
    return subprocess.run(args, input=raw, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)


def test_mta_pipe_delivers_and_speaks_sysexits(hook, odoo_server, admin_rpc):
    sender = "pipe-%s@mta.example" % uuid.uuid4().hex[:8]
    raw = message(sender=sender)
    done = run_pipe(raw, odoo_server.url, db=odoo_server.db)
    assert done.returncode == 0, done.stderr
    records = gateway_records(admin_rpc, [("email_from", "=", sender)])
    assert [(r["channel"], r["state"]) for r in records] == [("mta", "processed")]
    # the MTA delivers again (it did not see our answer): still one lead, exit 0
    assert run_pipe(raw, odoo_server.url, db=odoo_server.db).returncode == 0
    assert lead_count(admin_rpc, sender) == 1
    # wrong secret: a configuration error, EX_TEMPFAIL (never a bounce to the customer), said loudly
    wrong = run_pipe(message(sender=sender), odoo_server.url, secret="bad", db=odoo_server.db)
    assert wrong.returncode == 75 and b"CONFIGURATION ERROR" in wrong.stderr
    # no secret at all, or an unknown database: temporary too
    no_secret = subprocess.run([sys.executable, PIPE, "--url", odoo_server.url], input=raw,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                               env=dict(os.environ, MAIL_GATEWAY_SECRET=""))
    assert no_secret.returncode == 75 and b"CONFIGURATION ERROR" in no_secret.stderr
    assert run_pipe(message(sender=sender), odoo_server.url, db="no_such_db").returncode == 75
    # Odoo down: EX_TEMPFAIL, the MTA retries later
    down = "http://127.0.0.1:%d" % harness.free_port()
    assert run_pipe(message(sender=sender), down).returncode == 75
    # too large: EX_UNAVAILABLE, the MTA bounces it
    assert run_pipe(message(sender=sender, body="y" * (300 * 1024)), odoo_server.url).returncode == 69
    assert lead_count(admin_rpc, sender) == 1


def test_large_message_is_answered_at_once_and_processed_by_its_queue_job(hook, admin_rpc):
    sender = "large-%s@http.example" % uuid.uuid4().hex[:8]
    raw = message(sender=sender, subject="Plans of the new offices", body="Plans attached.\r\n" + "x" * 20000)
    previous = admin_rpc.call("ir.config_parameter", "get_param", "mail_gateway.inline_size")
    # anything above 4 KB is large here (2 MB by default)
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.inline_size", "4096")
    try:
        status, body, _headers = post(hook, raw)
    finally:
        admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.inline_size", previous or False)
    # the hook answers 200 as soon as it is stored, processing left to one queue job
    assert status == 200 and body["state"] == "received"
    jobs = admin_rpc.call("queue.job", "search_read",
                          [("identity_key", "=", "mail_gateway.message.process:%d" % body["id"])], fields=["uuid"])
    assert len(jobs) == 1
    # the job runner of the running server processes it, once
    deadline = time.time() + 120
    record = {}
    while time.time() < deadline:
        record = admin_rpc.call("mail.gateway.message", "read", [body["id"]], ["state", "result", "job_uuid"])[0]
        if record["state"] != "received":
            break
        time.sleep(0.5)
    assert (record["state"], record["result"], record["job_uuid"]) == ("processed", "created", jobs[0]["uuid"])
    assert lead_count(admin_rpc, sender) == 1
    # delivered again: a duplicate, no second job, no second lead
    status, again, _headers = post(hook, raw)
    assert (status, again["state"], again["id"]) == (200, "duplicate", body["id"])
    assert admin_rpc.call("queue.job", "search_count",
                          [("identity_key", "=", "mail_gateway.message.process:%d" % body["id"])]) == 1
    assert lead_count(admin_rpc, sender) == 1


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=xyz", "application/json"])
def test_hook_stores_the_body_whatever_its_content_type(hook, admin_rpc, content_type):
    """curl --data-binary sends application/x-www-form-urlencoded: the body is still the message."""
    sender = "ctype-%s@http.example" % uuid.uuid4().hex[:8]
    raw = message(sender=sender, body="a=1&b=2\r\n--xyz\r\n{\"not\": \"json\"}\r\n")
    headers = {"X-Mail-Gateway-Secret": SECRET}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(hook, data=raw, method="POST", headers=headers)
    if not content_type:
        request.remove_header("Content-type")  # urllib adds the form type itself
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        body = json.loads(response.read().decode())
    assert (body["state"], body["result"]) == ("processed", "created")
    stored = admin_rpc.call("mail.gateway.message", "read", [body["id"]], ["raw"])[0]
    assert base64.b64decode(stored["raw"]) == raw
    assert lead_count(admin_rpc, sender) == 1


@pytest.mark.parametrize("url", ["erp.example.com", "http://[::1", "ftp://erp.example.com"])
def test_pipe_with_a_malformed_url_keeps_the_message_in_the_mta_queue(url):
    done = run_pipe(message(), url, db="any")
    assert done.returncode == 75, done.stderr
    assert b"CONFIGURATION ERROR" in done.stderr and b"Traceback" not in done.stderr
