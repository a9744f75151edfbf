"""The CRM leaks an outside attacker found over RPC and the web service (issue 22), tried again
as the real roles of the access matrix's fixtures (``tests/access/conftest.py``).

- a link a user writes on a lead or an event is refused when its target is not readable by the
  user (Odoo 11 reads many2one names as superuser: the link would show the target's name);
- the API key hashes and the trained scoring model are usable in no read_group, domain or
  order by users outside the field's groups;
- scores, scoring explanations, dedup keys and intake bookkeeping are written by the code only;
- a publishable key (public in web pages) attaches no event to a lead by its id alone, and its
  refusal does not tell whether the lead exists.
"""
import json
import urllib.request

import pytest

import harness
from access_rpc import CONTEXT, RpcDenied

CREATE_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


def _refused(client, model, method, *args, **kwargs):
    """The AccessError message of the call (the test fails when the call goes through)."""
    with pytest.raises(RpcDenied) as denied:
        client.call(model, method, *args, **kwargs)
    return str(denied.value)


# ------------------------------------------------------------------ leak 1: links to unreadable records

@pytest.mark.parametrize("field,target", [
    ("dedup_duplicate_of_id", "lead_oc"),
    ("dedup_duplicate_of_id", "lead_s2"),
    ("intake_api_key_id", "key_oc"),
    ("intake_rule_id", "arule_oc"),
])
def test_salesman_cannot_link_his_lead_to_what_he_cannot_read(field, target, world, role_clients):
    """Given salesperson 1's own lead, when he writes a link to another team's or company's
    record over RPC (then reads its name), he is refused and the lead keeps no link."""
    lead_id = world.id("lead_s1")
    salesman = role_clients["salesman_1"]
    _refused(salesman, "crm.lead", "write", [lead_id], {field: world.id(target)})
    assert world.admin.call("crm.lead", "read", [lead_id], [field])[0][field] is False
    row = salesman.call("crm.lead", "read", [lead_id], [field], context=CONTEXT)[0]
    assert row[field] is False


def test_event_links_must_be_readable_by_their_author(world, role_clients):
    """Given the other company (salesperson 1 cannot read it), when he records an event of his
    lead filed under that company, he is refused (under his own company it is recorded)."""
    salesman = role_clients["salesman_1"]
    other = world.ids["other"]
    assert salesman.call("res.company", "search", [("id", "=", other)]) == []
    url = "https://example.com/leak1-%s" % world.suffix
    values = {"event_type": "page_view", "url": url, "lead_id": world.id("lead_s1")}
    message = _refused(salesman, "crm.lead.event", "create", dict(values, company_id=other), context=CREATE_CONTEXT)
    assert "company_id" in message
    assert not world.admin.call("crm.lead.event", "search", [("url", "=", url)])
    event_id = salesman.call("crm.lead.event", "create", dict(values, company_id=world.ids["main"]),
                             context=CREATE_CONTEXT)
    world.admin.call("crm.lead.event", "unlink", [event_id])


def test_manager_cannot_move_a_scoring_rule_into_another_company(world, role_clients):
    """A sales manager edits his company's scoring rules; moving one into a company he is not
    in (whose users would then use it) is refused."""
    rule_id = world.id("lsrule_main")
    _refused(role_clients["sales_manager"], "lead.scoring.rule", "write", [rule_id],
             {"company_id": world.ids["other"]})
    assert world.admin.call("lead.scoring.rule", "read", [rule_id], ["company_id"])[0]["company_id"][0] == \
        world.ids["main"]


# ------------------------------------------------------------------ leak 3: secrets in read_group, domains, order

@pytest.mark.parametrize("model,field,record", [
    ("crm.lead.api.key", "hashed_key", "key_main"),
    ("lead.scoring.model", "model_data", "lsmodel_main"),
])
def test_secret_fields_are_usable_in_no_query_of_a_manager(model, field, record, world, role_clients):
    """Given a sales manager who reads the record but not its secret field, when he groups by
    it, searches on it or sorts on it, he is refused; the administrator still searches on it."""
    manager = role_clients["sales_manager"]
    ids = world.ids_of(record)
    assert manager.call(model, "search", [("id", "in", ids)]) == ids
    messages = [
        _refused(manager, model, "read_group", [("id", "in", ids)], [field], [field]),
        _refused(manager, model, "read_group", [("id", "in", ids)], [field, "company_id"], ["company_id"]),
        _refused(manager, model, "search", [(field, "=like", "%")]),
        _refused(manager, model, "search_read", [(field, "!=", False)], ["id"]),
        _refused(manager, model, "search", [("id", "in", ids)], order="%s desc" % field),
        _refused(manager, model, "search_count", ["|", ("id", "=", 0), "!", (field, "=", False)]),
    ]
    assert all(field in message for message in messages), messages
    assert world.admin.call(model, "search", [("id", "in", ids), (field, "!=", False)] if model ==
                            "crm.lead.api.key" else [("id", "in", ids)]) == ids


def test_key_hash_is_not_searchable_through_another_model(world, role_clients):
    """The manager reads the web service's requests; a domain that walks to the key's hash is
    refused, like one on the key itself."""
    manager = role_clients["sales_manager"]
    _refused(manager, "crm.lead.api.request", "search", [("api_key_id.hashed_key", "=like", "a%")])
    _refused(manager, "crm.lead", "search", [("intake_api_key_id.hashed_key", "=like", "a%")])


# ------------------------------------------------------------------ leak 5: code-driven fields of leads

CODE_FIELDS = [
    ("score", 99), ("score_fit", 50.0), ("score_engagement", 45.0), ("score_grid", "A1"),
    ("score_explanation", "Raised by: me"), ("predictive_probability", 99.0), ("is_qualified", True),
    ("dedup_email", "someone@example.com"), ("dedup_phone", "+33100000000"), ("dedup_name", "x"),
    ("intake_channel", "api"), ("intake_assigned_date", "2026-01-01 00:00:00"),
]


@pytest.mark.parametrize("field,value", CODE_FIELDS)
@pytest.mark.parametrize("role", ["salesman_1", "sales_manager"])
def test_code_driven_lead_fields_refuse_users(field, value, role, world, role_clients):
    """Given a lead the user may edit, when he writes a field only the code sets (over RPC),
    he is refused with a message naming the field, and the value stays what the code set."""
    lead_id = world.id("lead_s1")
    before = world.admin.call("crm.lead", "read", [lead_id], [field])[0][field]
    message = _refused(role_clients[role], "crm.lead", "write", [lead_id], {field: value},
                       context={"lead_scoring_no_recompute": True, "tracking_disable": True})
    assert field in message
    assert world.admin.call("crm.lead", "read", [lead_id], [field])[0][field] == before


def test_salesman_creates_no_lead_with_a_score(world, role_clients):
    salesman = role_clients["salesman_1"]
    values = {"name": "Scored by hand %s" % world.suffix, "user_id": world.uids["salesman_1"],
              "team_id": world.ids["team_1"], "score": 99, "score_engagement": 50.0}
    message = _refused(salesman, "crm.lead", "create", values, context=CREATE_CONTEXT)
    assert "score" in message
    assert not world.admin.call("crm.lead", "search", [("name", "=", values["name"])])


def test_salesman_qualifies_his_lead_by_hand(world, role_clients):
    """The temperature is the salesperson's qualification (the form's clickable status bar):
    it stays his to set."""
    lead_id = world.id("lead_s1")
    salesman = role_clients["salesman_1"]
    before = world.admin.call("crm.lead", "read", [lead_id], ["temperature"])[0]["temperature"]
    salesman.call("crm.lead", "write", [lead_id], {"temperature": "hot"})
    assert world.admin.call("crm.lead", "read", [lead_id], ["temperature"])[0]["temperature"] == "hot"
    world.admin.call("crm.lead", "write", [lead_id], {"temperature": before})
    # and copying his lead (whose bookkeeping fields the code set) still works
    copy_id = salesman.call("crm.lead", "copy", lead_id)
    world.admin.call("crm.lead", "unlink", [copy_id])


# ------------------------------------------------------------------ leak 6: the publishable key and lead ids

def _events(server, token, events):
    return harness.post_json(server.url + "/api/crm/v1/events", {"events": events},
                             {"Authorization": "Bearer " + token})


def _visitor(server, token):
    with urllib.request.urlopen(server.url + "/api/crm/v1/visitor?key=" + token, timeout=30) as response:
        return json.loads(response.read().decode())["visitor_id"]


def test_publishable_key_attaches_no_event_to_a_bare_lead_id(world, odoo_server):
    """Given the publishable key of the company's web pages, when it sends events naming a lead
    by its id only, nothing is recorded and the score stays; an existing and a missing lead id
    get the same answer."""
    admin, lead_id = world.admin, world.id("lead_s1")
    before = admin.call("crm.lead", "read", [lead_id], ["score", "event_count"])[0]
    url = "https://example.com/leak6-%s" % world.suffix
    answers = []
    missing_id = admin.call("crm.lead", "search", [], order="id desc", limit=1)[0] + 100000
    for target in (lead_id, missing_id, world.id("lead_oc")):
        status, body, _headers = _events(odoo_server, world.publishable_token, [
            {"type": "form", "url": url, "lead_id": target}, {"type": "download", "url": url, "lead_id": target}])
        answers.append((status, body["error"]["code"], body["error"]["message"].replace(str(target), "<id>")))
    assert answers[0][0] in (400, 403), answers
    assert answers[0] == answers[1] == answers[2]
    assert admin.call("crm.lead", "read", [lead_id], ["score", "event_count"])[0] == before
    assert not admin.call("crm.lead.event", "search", [("url", "=", url)], context=CONTEXT)


def test_publishable_key_reaches_the_lead_of_its_own_visitor(world, odoo_server):
    """The signed visitor id the browser got from the server is the link: events naming the
    lead created with that visitor id are recorded on it."""
    admin, token = world.admin, world.publishable_token
    visitor = _visitor(odoo_server, token)
    lead_id = world.create("crm.lead", {"name": "Visitor lead %s" % world.suffix, "visitor_id": visitor,
                                        "team_id": world.ids["team_1"], "company_id": world.ids["main"]})
    url = "https://example.com/own-visitor-%s" % world.suffix
    status, body, _headers = _events(odoo_server, token, [
        {"type": "page_view", "url": url, "lead_id": lead_id, "visitor_id": visitor}])
    assert status == 201, body
    events = admin.call("crm.lead.event", "search_read", [("url", "=", url)], ["lead_id"])
    assert [event["lead_id"][0] for event in events] == [lead_id]
    # another browser's visitor id does not reach it
    other = _visitor(odoo_server, token)
    status, body, _headers = _events(odoo_server, token, [
        {"type": "page_view", "url": url + "/other", "lead_id": lead_id, "visitor_id": other}])
    assert status in (400, 403), body
    assert not admin.call("crm.lead.event", "search", [("url", "=", url + "/other")])


def test_secret_key_still_names_leads_by_id(world, odoo_server):
    """The secret key stays on the customer's servers: it names the leads of its company."""
    url = "https://example.com/secret-%s" % world.suffix
    status, body, _headers = _events(odoo_server, world.api_token, [
        {"type": "page_view", "url": url, "lead_id": world.id("lead_s1")}])
    assert status == 201, body
    events = world.admin.call("crm.lead.event", "search", [("url", "=", url)])
    world.admin.call("crm.lead.event", "unlink", events)


# ------------------------------------------------------------------ second outside review

def test_salesman_cannot_read_a_portal_users_signup_token_through_queries(world, role_clients):
    """Given a portal customer with a pending invitation (a signup token), when a salesman
    groups or searches partners by the token (administrators only), he is refused: with it he
    would set the customer's password."""
    contact = world.id("contact_a")
    world.admin.call("res.partner", "signup_prepare", [contact])
    salesman = role_clients["salesman_1"]
    messages = [
        _refused(salesman, "res.partner", "read_group", [("id", "=", contact)], ["signup_token"], ["signup_token"]),
        _refused(salesman, "res.partner", "search", [("id", "=", contact), ("signup_token", "=like", "%")]),
        _refused(salesman, "res.partner", "search", [("id", "=", contact)], order="signup_token"),
    ]
    assert all("signup_token" in message or "Token" in message for message in messages), messages
    # the salesman still searches and groups partners as usual
    assert salesman.call("res.partner", "search", [("id", "=", contact)]) == [contact]
    assert salesman.call("res.partner", "read_group", [("id", "=", contact)], ["customer"], ["customer"])


def test_sales_manager_cannot_rebuild_a_raw_email_by_searching_it(world, role_clients):
    """The raw source of an inbound e-mail is for administrators: a sales manager who reads the
    message may not search, group or sort on its source (a bisection would rebuild it)."""
    manager = role_clients["sales_manager"]
    ids = world.ids_of("mail_main")
    assert manager.call("mail.gateway.message", "search", [("id", "in", ids)]) == ids
    messages = [
        _refused(manager, "mail.gateway.message", "search", [("id", "in", ids), ("raw", ">=", "From")]),
        _refused(manager, "mail.gateway.message", "search_count", [("raw", "!=", False)]),
        _refused(manager, "mail.gateway.message", "search", [("id", "in", ids)], order="raw"),
        _refused(manager, "mail.gateway.message", "read_group", [("id", "in", ids)], ["raw"], ["raw"]),
    ]
    assert all("raw" in message.lower() for message in messages), messages


@pytest.mark.parametrize("role,model,record", [
    ("portal_b", "account.invoice", "inv_a"),
    ("portal_b", "sale.order", "so_a"),
    ("portal_b", "crm.lead", "lead_s1"),
    ("salesman_2", "crm.lead", "lead_s1"),
])
def test_nobody_follows_a_document_he_may_not_read(role, model, record, world, role_clients):
    """Given customer B's portal user (or team 2's salesman), when he creates himself a follower
    of customer A's invoice, order or team 1's lead over RPC, it is refused, and the document
    stays out of his reach (following opens the chatter, and the portal rules on followers)."""
    client = role_clients[role]
    partner = world.admin.call("res.users", "read", [client.uid], ["partner_id"])[0]["partner_id"][0]
    record_id = world.id(record)
    _refused(client, "mail.followers", "create", {"res_model": model, "res_id": record_id, "partner_id": partner})
    assert not world.admin.call("mail.followers", "search", [
        ("res_model", "=", model), ("res_id", "=", record_id), ("partner_id", "=", partner)])
    try:
        assert not client.call(model, "search", [("id", "=", record_id)])
    except RpcDenied:
        pass  # no access to the model at all (a portal user and leads)


def test_salesman_still_follows_his_own_lead(world, role_clients):
    client = role_clients["salesman_1"]
    partner = world.admin.call("res.users", "read", [client.uid], ["partner_id"])[0]["partner_id"][0]
    lead = world.id("lead_s1")
    world.admin.call("mail.followers", "unlink", world.admin.call("mail.followers", "search", [
        ("res_model", "=", "crm.lead"), ("res_id", "=", lead), ("partner_id", "=", partner)]))
    client.call("mail.followers", "create", {"res_model": "crm.lead", "res_id": lead, "partner_id": partner})
    client.call("crm.lead", "message_subscribe", [lead], [partner])
    assert world.admin.call("mail.followers", "search_count", [
        ("res_model", "=", "crm.lead"), ("res_id", "=", lead), ("partner_id", "=", partner)]) == 1


@pytest.mark.parametrize("model,record,values", [
    ("mail.gateway.message", "mail_main", {"company_id": "@other"}),
    ("mail.gateway.message", "mail_main", {"subject": "Rewritten"}),
    ("mail.gateway.message", "mail_main", {"email_from": "someone@else.example"}),
    ("mail.gateway.rule", "mrule_main", {"company_id": "@other"}),
    ("crm.lead.assignment.member", "amember_main", {"company_id": "@other"}),
])
def test_sales_manager_moves_no_gateway_or_assignment_record_to_another_company(
        model, record, values, world, role_clients):
    """Given the main company's sales manager, when he moves an inbound e-mail, a routing rule or
    an assignment member to the other company (or rewrites what an e-mail said), it is refused:
    the other company's users would read it, or the evidence would change."""
    values = {name: (world.ids["other"] if value == "@other" else value) for name, value in values.items()}
    record_id = world.id(record)
    names = sorted(values)
    before = world.admin.call(model, "read", [record_id], names)[0]
    _refused(role_clients["sales_manager"], model, "write", [record_id], values)
    assert world.admin.call(model, "read", [record_id], names)[0] == before
