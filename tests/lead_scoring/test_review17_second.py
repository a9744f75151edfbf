"""The second outside review of issue 17 (lead_scoring), over real HTTP."""
import datetime
import time

import harness


def _key(admin_rpc, kind="secret"):
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    key_id = admin_rpc.call("crm.lead.api.key", "create", {"name": "Review 17b %d" % time.time(),
                                                           "team_id": team_id, "rate_limit": 0, "key_kind": kind})
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])
    return action["context"]["crm_leads_new_key"][str(key_id)], key_id


def _post_events(odoo_server, secret, events):
    return harness.post_json(odoo_server.url + "/api/crm/v1/events", {"events": events},
                             {"Authorization": "Bearer %s" % secret})


def test_an_event_dated_next_year_is_refused_naming_the_timestamp(odoo_server, admin_rpc):
    secret, _key_id = _key(admin_rpc)
    lead_id = admin_rpc.call("crm.lead", "create", {"name": "Score pumped %d" % time.time(), "type": "lead"})
    next_year = (datetime.datetime.utcnow() + datetime.timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S")
    # when a sender dates a pricing visit next year (it would keep its full weight a year)
    status, body, _headers = _post_events(odoo_server, secret, [
        {"type": "page_view", "url": "/pricing", "lead_id": lead_id, "timestamp": next_year}])
    # then the call is refused, naming the field, and nothing is recorded
    assert status == 400, body
    assert body["error"]["code"] == "invalid_event" and body["error"]["field"] == "timestamp", body
    assert admin_rpc.call("crm.lead", "read", [lead_id], ["event_count"])[0]["event_count"] == 0
    # a timestamp that is no date names the field too (a number was a server error)
    status, body, _headers = _post_events(odoo_server, secret, [
        {"type": "page_view", "url": "/pricing", "lead_id": lead_id, "timestamp": 12}])
    assert status == 400 and body["error"]["field"] == "timestamp", body


def test_a_lead_with_a_made_up_visitor_id_is_refused_naming_the_field(odoo_server, admin_rpc):
    secret, key_id = _key(admin_rpc)
    status, body, _headers = harness.post_json(
        odoo_server.url + "/api/crm/v1/leads",
        {"name": "Made-up visitor", "email": "v@visitor.example.fr", "visitor_id": "v1.madeup.1.%s" % ("0" * 32)},
        {"Authorization": "Bearer %s" % secret})
    assert status == 400, body
    assert body["error"]["field"] == "visitor_id", body
    assert admin_rpc.call("crm.lead", "search_count", [("intake_api_key_id", "=", key_id)]) == 0
