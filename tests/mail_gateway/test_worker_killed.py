"""A worker killed (SIGKILL) while it processes a message: the raw message stays stored,
and it is processed on retry."""
import os
import threading
import time
import uuid

import harness
from common_mail import message

SECRET = "s3cret-kill"


def test_killed_worker_leaves_the_message_stored_and_it_is_processed_on_retry(odoo_db, admin_rpc):
    tag = uuid.uuid4().hex[:8]
    sender = "killed-%s@kill.example" % tag
    raw = message(sender=sender, message_id="<killed-%s@kill.example>" % tag)
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.http_secret", SECRET)
    doomed = harness.OdooServer(odoo_db)
    blocker = harness.pg_connect(odoo_db)
    watcher = harness.pg_connect(odoo_db)
    watcher.autocommit = True
    answers = []
    try:
        # given a lead table locked by someone else, so that processing waits in the middle
        blocker.cursor().execute("LOCK TABLE crm_lead IN EXCLUSIVE MODE")

        def deliver():
            try:
                answers.append(harness.post_json(doomed.url + "/mail_gateway/inbound", raw, timeout=60, headers={
                    "Content-Type": "message/rfc822", "X-Mail-Gateway-Secret": SECRET}))
            except OSError:
                # the server died under the request: what an MTA sees before it retries
                pass

        thread = threading.Thread(target=deliver)
        thread.start()
        # when the message is stored and its processing is waiting for the lead table
        deadline = time.time() + 60
        waiting = False
        while time.time() < deadline and not waiting:
            with watcher.cursor() as cr:
                cr.execute("SELECT state FROM mail_gateway_message WHERE email_from = %s", (sender,))
                stored = cr.fetchall()
                cr.execute("""SELECT count(*) FROM pg_locks WHERE NOT granted
                              AND relation = 'crm_lead'::regclass""")
                waiting = bool(stored) and cr.fetchone()[0] > 0
            time.sleep(0.1)
        assert waiting, "processing never reached the lead table"
        # the worker is killed, for real
        os.kill(doomed.process.pid, 9)
        doomed.process.wait(30)
        thread.join(60)
    finally:
        blocker.rollback()
        blocker.close()
        doomed.stop()
    # then the raw message is stored, not processed, no lead
    with watcher.cursor() as cr:
        cr.execute("SELECT id, state, length(raw) > 0 FROM mail_gateway_message WHERE email_from = %s", (sender,))
        rows = cr.fetchall()
    assert [(state, has_raw) for _id, state, has_raw in rows] == [("received", True)]
    assert not answers or answers[0][0] != 200 or answers[0][1].get("id") == rows[0][0]
    # and the background job (run now rather than in a minute) processes it once
    cron_id = admin_rpc.call("ir.model.data", "xmlid_to_res_id", "mail_gateway.ir_cron_process_pending")
    deadline = time.time() + 60
    state = "received"
    while state == "received" and time.time() < deadline:
        # the dead worker's database session may hold the row a moment longer: retried until it is gone
        admin_rpc.call("ir.cron", "method_direct_trigger", [cron_id])
        state = admin_rpc.call("mail.gateway.message", "read", [rows[0][0]], ["state"])[0]["state"]
        time.sleep(0.5)
    watcher.close()
    assert state == "processed"
    assert admin_rpc.call("crm.lead", "search_count", [("email_from", "ilike", sender)]) == 1
