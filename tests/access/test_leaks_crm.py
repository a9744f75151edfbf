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


# ------------------------------------------------------------------ third outside review

def _target(world, name):
    """The id a test names: "@private" (an employee's private address), "@team_oc", or a fixture
    record."""
    if name == "@private":
        if "private_address" not in world.ids:
            world.ids["private_address"] = world.create("res.partner", {
                "name": "Private address %s" % world.suffix, "type": "private",
                "street": "1 rue privée", "email": "home.%s@example.com" % world.suffix})
        return world.ids["private_address"]
    if name.startswith("@"):
        return world.ids[name[1:]]
    return world.id(name)


def _write_refused(world, client, model, record_id, values):
    """The AccessError message of ``client``'s write; the record is put back as it was when the
    write went through (the test then fails), so that the other tests keep their fixtures."""
    names = sorted(values)
    before = world.admin.call(model, "read", [record_id], names, context=CONTEXT)[0]
    try:
        client.call(model, "write", [record_id], values)
    except RpcDenied as denied:
        assert world.admin.call(model, "read", [record_id], names, context=CONTEXT)[0] == before
        return str(denied)
    world.admin.call(model, "write", [record_id], {
        name: (value[0] if isinstance(value, list) else value) for name, value in before.items() if name != "id"})
    pytest.fail("%s could write %s on %s %d" % (client.login, values, model, record_id))


@pytest.mark.parametrize("model,record,field,target", [
    ("sale.order", "so_a", "opportunity_id", "lead_s2"),
    ("sale.order", "so_a", "opportunity_id", "lead_oc"),
    ("sale.order", "so_a", "partner_id", "@private"),
    ("sale.order", "so_a", "partner_shipping_id", "@private"),
    ("sale.order", "so_a", "team_id", "@team_oc"),
    ("crm.lead", "lead_s1", "partner_id", "@private"),
    ("crm.lead", "lead_s1", "team_id", "@team_oc"),
])
def test_salesman_reads_no_name_through_a_stock_link(model, record, field, target, world, role_clients):
    """Given salesperson 1's own order or lead, when he points one of its stock links (the
    opportunity of sale_crm, the customer, the team) at another team's lead, an employee's private
    address or another company's team over RPC, he is refused: Odoo 11 would show him the target's
    name (read as superuser)."""
    salesman = role_clients["salesman_1"]
    target_id = _target(world, target)
    comodel = salesman.call(model, "fields_get", [field], attributes=["relation"])[field]["relation"]
    assert not salesman.call(comodel, "search", [("id", "=", target_id)], context=CONTEXT), \
        "the target must be one salesperson 1 cannot read"
    message = _write_refused(world, salesman, model, world.id(record), {field: target_id})
    assert field in message
    row = salesman.call(model, "read", [world.id(record)], [field], context=CONTEXT)[0]
    assert not row[field] or row[field][0] != target_id


def test_salesman_creates_no_order_on_another_teams_opportunity(world, role_clients):
    """A quotation created by salesperson 1 for team 2's opportunity is refused (the link would
    show its name); one for his own opportunity is created and linked."""
    salesman = role_clients["salesman_1"]
    values = {"partner_id": world.id("cust_a"), "user_id": world.uids["salesman_1"],
              "client_order_ref": "leak-%s" % world.suffix}
    message = _refused(salesman, "sale.order", "create", dict(values, opportunity_id=world.id("lead_s2")),
                       context=CREATE_CONTEXT)
    assert "opportunity_id" in message
    _refused(salesman, "sale.order", "create", values,
             context=dict(CREATE_CONTEXT, default_opportunity_id=world.id("lead_s2")))
    assert not world.admin.call("sale.order", "search", [("client_order_ref", "=", values["client_order_ref"])])
    order_id = salesman.call("sale.order", "create", dict(values, opportunity_id=world.id("lead_s1")),
                             context=CREATE_CONTEXT)
    row = salesman.call("sale.order", "read", [order_id], ["opportunity_id"])[0]
    assert row["opportunity_id"][0] == world.id("lead_s1")
    world.admin.call("sale.order", "unlink", [order_id])


@pytest.mark.parametrize("record", ["dgroup_partner", "dgroup_lead"])
def test_sales_manager_moves_no_duplicate_group_to_another_company(record, world, role_clients):
    """Given the main company's sales manager, who reviews its duplicates, when he files a group
    of possible duplicates under the other company (not his), it is refused."""
    message = _write_refused(world, role_clients["sales_manager"], "contact.dedup.group", world.id(record),
                             {"company_id": world.ids["other"]})
    assert "company_id" in message


def _posted_invoice(world, partner):
    admin, main = world.admin, world.ids["main"]
    income = admin.call("account.account", "search", [
        ("user_type_id", "=", world.ref("account.data_account_type_revenue")), ("company_id", "=", main)], limit=1)[0]
    invoice = world.create("account.invoice", {
        "partner_id": partner, "type": "out_invoice", "company_id": main,
        "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 10.0, "account_id": income})],
    }, type="out_invoice", force_company=main)
    admin.call("account.invoice", "action_invoice_open", [invoice])
    return invoice


def test_sales_manager_cannot_merge_a_contact_whose_invoices_sit_on_its_company(world, role_clients):
    """Given a customer company's contact with a posted invoice (its journal items are on the
    company, the commercial partner), when a sales manager merges that contact into a duplicate,
    the merge is refused and the invoice keeps its customer."""
    admin, sfx = world.admin, world.suffix
    company = world.create("res.partner", {"name": "Invoiced Co %s" % sfx, "is_company": True})
    contact = world.create("res.partner", {"name": "Carl Invoiced %s" % sfx, "parent_id": company,
                                           "email": "carl.%s@example.com" % sfx})
    duplicate = world.create("res.partner", {"name": "Carl Invoiced %s" % sfx, "email": "carl.%s@example.com" % sfx})
    invoice = _posted_invoice(world, contact)
    lines = admin.call("account.move.line", "search_read", [("invoice_id", "=", invoice)], ["partner_id"])
    assert lines and {line["partner_id"][0] for line in lines} == {company}
    manager = role_clients["sales_manager"]
    wizard = manager.call("contact.dedup.merge", "create",
                          {"partner_ids": [(6, 0, [contact, duplicate])], "dest_partner_id": duplicate})
    message = _refused(manager, "contact.dedup.merge", "action_merge", [wizard])
    assert "accounting" in message.lower()
    row = admin.call("account.invoice", "read", [invoice], ["partner_id", "state"])[0]
    assert row["partner_id"][0] == contact and row["state"] == "open"
    assert admin.call("res.partner", "read", [contact], ["active"])[0]["active"]


def test_sales_manager_still_merges_contacts_with_a_draft_invoice_only(world, role_clients):
    """A draft invoice is no accounting yet: the merge moves it to the kept contact."""
    sfx = world.suffix
    keep = world.create("res.partner", {"name": "Dora Draft %s" % sfx, "email": "dora.%s@example.com" % sfx})
    duplicate = world.create("res.partner", {"name": "Dora Draft %s" % sfx, "email": "dora.%s@example.com" % sfx})
    invoice = world.create("account.invoice", {"partner_id": duplicate, "type": "out_invoice"}, type="out_invoice")
    manager = role_clients["sales_manager"]
    wizard = manager.call("contact.dedup.merge", "create",
                          {"partner_ids": [(6, 0, [keep, duplicate])], "dest_partner_id": keep})
    manager.call("contact.dedup.merge", "action_merge", [wizard])
    assert world.admin.call("account.invoice", "read", [invoice], ["partner_id"])[0]["partner_id"][0] == keep
    assert not world.admin.call("res.partner", "read", [duplicate], ["active"], context=CONTEXT)[0]["active"]


@pytest.mark.parametrize("role,model,record,values", [
    ("salesman_1", "res.partner", "contact_a", {"dedup_email": "someone.else@example.com"}),
    ("salesman_1", "res.partner", "contact_a", {"dedup_blocking": "x"}),
    ("sales_manager", "res.partner", "contact_a", {"dedup_merged_into_id": "@cust_b"}),
    ("sales_manager", "crm.lead.api.key", "key_main", {"key_prefix": "crm_sk_x"}),
    ("sales_manager", "crm.lead.api.key", "key_main", {"form_token": "chosen-token"}),
    ("salesman_1", "crm.lead", "lead_s1", {"visitor_id": "someone-elses-visitor"}),
])
def test_code_driven_fields_refuse_users(role, model, record, values, world, role_clients):
    """Given a record the user may edit, when he writes a field the application sets (a dedup
    key, a key's prefix or form address, a lead's website visitor) over RPC, he is refused with a
    message naming the field."""
    values = {name: (world.id(value[1:]) if isinstance(value, str) and value.startswith("@") else value)
              for name, value in values.items()}
    message = _write_refused(world, role_clients[role], model, world.id(record), values)
    assert all(name in message for name in values), message


def test_manager_still_gives_a_form_a_new_address(world, role_clients):
    """The New Form Address button writes the form token as the application."""
    manager, key = role_clients["sales_manager"], world.id("key_main")
    before = manager.call("crm.lead.api.key", "read", [key], ["form_token"])[0]["form_token"]
    manager.call("crm.lead.api.key", "action_new_form_token", [key])
    after = manager.call("crm.lead.api.key", "read", [key], ["form_token"])[0]["form_token"]
    assert after and after != before


def test_salesman_creates_no_lead_with_a_visitor_id(world, role_clients):
    values = {"name": "Visitor by hand %s" % world.suffix, "user_id": world.uids["salesman_1"],
              "team_id": world.ids["team_1"], "visitor_id": "someone-elses-visitor"}
    message = _refused(role_clients["salesman_1"], "crm.lead", "create", values, context=CREATE_CONTEXT)
    assert "visitor_id" in message
    assert not world.admin.call("crm.lead", "search", [("name", "=", values["name"])])
