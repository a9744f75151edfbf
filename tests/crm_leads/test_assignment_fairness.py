"""'By weight' and 'by load' rules under concurrent clients, on the real threaded server:
the shares follow the weights, the loads stay level, however the requests interleave."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import harness

pytestmark = pytest.mark.usefixtures("no_alert_backlog")

CLIENTS = 12
LEADS = 120
WEIGHTS = (1, 2, 3)
# a salesperson's leads may differ from their exact share (LEADS * weight / sum) by this many
WEIGHT_TOLERANCE = 2
# 'by load': the open leads of the salespeople differ by at most this many at the end
LOAD_TOLERANCE = 1


def _rule_and_key(admin_rpc, distribution, weights):
    tag = uuid.uuid4().hex[:8]
    group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
                 for xmlid in ("base.group_user", "sales_team.group_sale_salesman")]
    users = [admin_rpc.call("res.users", "create", {
        "name": "Part %s %d" % (tag, index), "login": "part.%s.%d" % (tag, index),
        "groups_id": [(6, 0, group_ids)]}) for index in range(len(weights))]
    team_id = admin_rpc.call("crm.team", "create", {"name": "Parts %s" % tag, "member_ids": [(6, 0, users)]})
    source_id = admin_rpc.call("utm.source", "create", {"name": "Parts %s" % tag})
    admin_rpc.call("crm.lead.assignment.rule", "create", {
        "name": "Parts %s" % tag, "sequence": 0, "team_id": team_id, "distribution": distribution,
        "source_ids": [(6, 0, [source_id])],
        "member_ids": [(0, 0, {"user_id": user, "weight": weight}) for user, weight in zip(users, weights)]})
    key_id = admin_rpc.call("crm.lead.api.key", "create", {
        "name": "Parts %s" % tag, "team_id": team_id, "source_id": source_id, "rate_limit": 0})
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])
    return tag, users, key_id, action["context"]["crm_leads_new_key"][str(key_id)]


def _post_concurrently(odoo_server, secret, tag, leads=LEADS):
    url = odoo_server.url + "/api/crm/v1/leads"

    def post(index):
        email = "l%d.%s@example.fr" % (index, tag)
        headers = {"Authorization": "Bearer %s" % secret, "Idempotency-Key": "%s-%d" % (tag, index)}
        for _attempt in range(8):
            status, body, out_headers = harness.post_json(url, {"name": email, "email": email}, headers,
                                                          timeout=300)
            if status != 503:
                return status, body
            time.sleep(float(out_headers.get("Retry-After") or 1))
        return status, body

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(post, range(leads)))
    assert [status for status, _body in answers] == [201] * leads, [a for a in answers if a[0] != 201][:3]


def _counts(admin_rpc, key_id, users):
    leads = admin_rpc.call("crm.lead", "search_read", [("intake_api_key_id", "=", key_id)], fields=["user_id"])
    assert len(leads) == LEADS
    counts = {user: 0 for user in users}
    for lead in leads:
        assert lead["user_id"], lead
        counts[lead["user_id"][0]] += 1
    return counts


@pytest.mark.parametrize("distribution", ["weight", "load"])
def test_concurrent_leads_are_shared_by_weight_and_by_load(odoo_server, admin_rpc, distribution):
    weights = WEIGHTS if distribution == "weight" else (1, 1, 1)
    tag, users, key_id, secret = _rule_and_key(admin_rpc, distribution, weights)
    # when 12 clients post 120 leads at once
    _post_concurrently(odoo_server, secret, tag)
    counts = _counts(admin_rpc, key_id, users)
    print("%s: %s" % (distribution, [counts[user] for user in users]))
    if distribution == "weight":
        # then each salesperson got their share of the weights: 20, 40 and 60 leads, give or take 2
        for user, weight in zip(users, weights):
            expected = LEADS * weight / float(sum(weights))
            assert abs(counts[user] - expected) <= WEIGHT_TOLERANCE, (counts, weights)
    else:
        # then the salespeople (who held no lead before) end with level loads
        assert max(counts.values()) - min(counts.values()) <= LOAD_TOLERANCE, counts


CAP = 3
CAPPED_LEADS = 45


@pytest.mark.parametrize("distribution", ["round_robin", "load"])
def test_concurrent_leads_never_go_past_the_maximum_open_leads(odoo_server, admin_rpc, distribution):
    tag, users, key_id, secret = _rule_and_key(admin_rpc, distribution, (1, 1, 1))
    rule_ids = admin_rpc.call("crm.lead.assignment.rule", "search", [("name", "=", "Parts %s" % tag)])
    admin_rpc.call("crm.lead.assignment.rule", "write", rule_ids, {"max_open_leads": CAP})
    # when 12 clients post 45 leads at once through a rule whose salespeople may hold 3 open leads
    _post_concurrently(odoo_server, secret, tag, CAPPED_LEADS)
    leads = admin_rpc.call("crm.lead", "search_read", [("intake_api_key_id", "=", key_id)], fields=["user_id"])
    assert len(leads) == CAPPED_LEADS
    counts = {user: 0 for user in users}
    for lead in leads:
        if lead["user_id"]:
            counts[lead["user_id"][0]] += 1
    print("%s capped: %s" % (distribution, [counts[user] for user in users]))
    # then each salesperson holds 3 leads, never more; the other leads stay with the team
    assert sorted(counts.values()) == [CAP] * len(users), counts
