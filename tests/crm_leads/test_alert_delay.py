"""The salesperson's alert of a lead sent to the web service, given by a queue job once the
answer is sent: how soon it follows, on the real threaded server and its job runner.

(Named to run before the concurrency tests, whose thousand leads queue a thousand alerts.)"""
import time
import uuid

import harness

#: seconds within which a salesperson gets the alert of a lead the web service assigned
ALERT_SECONDS = 60
#: seconds the queue may take to give the alerts of earlier bursts of leads
BACKLOG_SECONDS = 900


def _post(odoo_server, body, secret):
    return harness.post_json(odoo_server.url + "/api/crm/v1/leads", body, {"Authorization": "Bearer %s" % secret})


def test_the_salesperson_is_alerted_within_seconds_of_the_answer(odoo_server, admin_rpc):
    # given a rule giving every lead of a key to one salesperson
    tag = uuid.uuid4().hex[:8]
    group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
                 for xmlid in ("base.group_user", "sales_team.group_sale_salesman")]
    user_id = admin_rpc.call("res.users", "create", {
        "name": "Alerted %s" % tag, "login": "alerted.%s" % tag, "email": "alerted.%s@example.com" % tag,
        "groups_id": [(6, 0, group_ids)]})
    partner_id = admin_rpc.call("res.users", "read", [user_id], ["partner_id"])[0]["partner_id"][0]
    team_id = admin_rpc.call("crm.team", "create", {"name": "Alerted %s" % tag, "member_ids": [(6, 0, [user_id])]})
    source_id = admin_rpc.call("utm.source", "create", {"name": "Alerted %s" % tag})
    admin_rpc.call("crm.lead.assignment.rule", "create", {
        "name": "Alerted %s" % tag, "sequence": 0, "team_id": team_id, "distribution": "round_robin",
        "source_ids": [(6, 0, [source_id])], "member_ids": [(0, 0, {"user_id": user_id})]})
    key_id = admin_rpc.call("crm.lead.api.key", "create", {
        "name": "Alerted %s" % tag, "team_id": team_id, "source_id": source_id, "rate_limit": 0})
    secret = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])["context"][
        "crm_leads_new_key"][str(key_id)]
    # alerts are given in the order of the leads: those of earlier tests' bursts (the
    # concurrency test queues a thousand) come first, within the time a backlog takes
    waited = time.time()
    while admin_rpc.call("queue.job", "search_count", [("state", "in", ["pending", "enqueued", "started"])]):
        assert time.time() - waited < BACKLOG_SECONDS, "queue jobs still waiting after %d s" % BACKLOG_SECONDS
        time.sleep(1)
    # when a lead comes through the web service
    status, body, _headers = _post(odoo_server, {"name": "Alerte %s" % tag, "email": "a.%s@example.fr" % tag},
                                   secret)
    assert status == 201, body
    answered = time.time()
    # then within seconds the salesperson has the follow-up activity and the message naming the
    # lead, sent to them by e-mail
    while True:
        lead = admin_rpc.call("crm.lead", "read", [body["id"]], ["user_id", "intake_activity_id"])[0]
        messages = admin_rpc.call("mail.message", "search_read", [
            ("model", "=", "crm.lead"), ("res_id", "=", body["id"]), ("partner_ids", "in", [partner_id])],
            ["subject"])
        if lead["intake_activity_id"] and messages:
            break
        assert time.time() - answered < ALERT_SECONDS, "no alert %d s after the answer" % ALERT_SECONDS
        time.sleep(0.5)
    assert lead["user_id"][0] == user_id
    assert ["Alerte %s" % tag in message["subject"] for message in messages] == [True]
    assert admin_rpc.call("mail.notification", "search_count", [
        ("mail_message_id", "=", messages[0]["id"]), ("res_partner_id", "=", partner_id), ("is_email", "=", True)]) == 1
