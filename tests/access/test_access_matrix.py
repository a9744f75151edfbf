"""Walk the access matrix: every model, every role, through JSON-RPC as the real user.

For each checked model and each role that logs in: which of the named records it finds
(``search``), which it may write and delete (``check_access_rights`` then
``check_access_rule`` on each record, the calls the ORM makes before a write or an
unlink: nothing is changed), whether it may create, and the display names of the
many2one targets it reads: Odoo 11 resolves those names as superuser, so a readable
record pointing at a record the role may not read would leak its name.
"""
import concurrent.futures
import json
import urllib.error
import urllib.request

import pytest

import access_matrix as matrix
from access_rpc import CONTEXT, DENIED, call

CHECKED = sorted(model for model, spec in matrix.MODELS.items() if spec["kind"] == "checked")


def record_names(spec):
    return spec["records"].split()


def observe(world, client, model, spec):
    """What ``client`` may do on the named records of ``model``: the cell as observed."""
    names = record_names(spec)
    found = {}
    seen_ids = set()
    for name in names:
        ids = world.ids_of(name)
        if name in world.domains:
            domain = world.domains[name][1]
            result = call(client, model, "search", domain, context=CONTEXT)
            if result is DENIED:
                found[name] = False
                continue
            total = len(ids)
            found[name] = (len(result) == total and total > 0) if total else None
            if 0 < len(result) < total:
                found[name] = "partly (%d of %d rows)" % (len(result), total)
            seen_ids.update(result)
        else:
            result = call(client, model, "search", [("id", "in", ids)], context=CONTEXT)
            if result is DENIED:
                found[name] = False
                continue
            found[name] = bool(ids) and set(ids) <= set(result)
            seen_ids.update(result)
    cell = {"read": {name for name, ok in found.items() if ok is True}, "write": set(), "unlink": set()}
    cell["partial"] = {name: ok for name, ok in found.items() if isinstance(ok, str)}
    cell["empty"] = {name for name, ok in found.items() if ok is None}
    for operation in ("write", "unlink"):
        if not client.call(model, "check_access_rights", operation, False):
            continue
        for name in names:
            ids = world.ids_of(name)
            if ids and call(client, model, "check_access_rule", ids, operation) is not DENIED:
                cell[operation].add(name)
    cell["create"] = bool(client.call(model, "check_access_rights", "create", False))
    cell["seen_ids"] = sorted(seen_ids)
    return cell


def many2one_targets(client, model, ids):
    """(comodel, id, name) of every many2one value ``client`` reads on ``ids`` of ``model``."""
    if not ids:
        return []
    fields = client.call(model, "fields_get", [], attributes=["type", "relation"])
    m2o = [name for name, field in fields.items() if field["type"] == "many2one"
           and field.get("relation") in matrix.MODELS and matrix.MODELS[field["relation"]]["kind"] == "checked"]
    if not m2o:
        return []
    rows = client.call(model, "read", ids, m2o, context=CONTEXT)
    return [(fields[name]["relation"], row[name][0], row[name][1], name)
            for row in rows for name in m2o if row[name]]


def compare(expected, observed, names):
    problems = []
    for operation in ("read", "write", "unlink"):
        want, got = expected[operation] & set(names), observed[operation]
        for name in sorted(want - got):
            problems.append("cannot %s %s (expected to)" % (operation, name))
        for name in sorted(got - want):
            problems.append("CAN %s %s (must not)" % (operation, name))
    if expected["create"] != observed["create"]:
        problems.append("create: expected %s, got %s" % (expected["create"], observed["create"]))
    for name, text in observed["partial"].items():
        problems.append("reads %s %s" % (name, text))
    return problems


@pytest.mark.parametrize("model", CHECKED)
def test_matrix_cell(model, world, role_clients):
    """Given the fixtures, when each role works on ``model`` over JSON-RPC, then it may do
    exactly what the matrix says, and reads no name of a record it may not read."""
    spec = matrix.MODELS[model]
    names = [name for name in record_names(spec) if world.ids_of(name)]
    missing = [name for name in record_names(spec) if not world.ids_of(name)]
    nothing = matrix.rights()

    def one(role):
        client = role_clients[role]
        expected = spec["rights"].get(role, nothing)
        observed = observe(world, client, model, spec)
        problems = ["%s: %s" % (role, text) for text in compare(expected, observed, names)]
        for comodel, target, label, field in many2one_targets(client, model, observed["seen_ids"]):
            visible = call(client, comodel, "search", [("id", "=", target)], context=CONTEXT)
            if visible is DENIED or not visible:
                problems.append("%s: reads the name %r of %s %d (field %s) it may not read"
                                % (role, label, comodel, target, field))
        return problems

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        problems = [text for texts in pool.map(one, matrix.RPC_ROLES) for text in texts]
    pending = [reason for (pmodel, _role), reason in matrix.PENDING.items() if pmodel == model]
    if problems and pending:
        pytest.xfail("; ".join(sorted(set(pending))) + " -- " + "; ".join(problems))
    assert not problems, "%s (fixtures missing: %s)" % ("\n".join(problems), missing)


def test_public_has_no_rights(world):
    """The website visitor cannot log in; what it could reach is what the access lists give its
    group (or everyone): nothing on our models but what the matrix grants."""
    admin = world.admin
    public_groups = admin.call("res.users", "read", [world.ref("base.public_user")], ["groups_id"],
                               context=CONTEXT)[0]["groups_id"]
    problems = []
    for model, spec in sorted(matrix.MODELS.items()):
        if spec["kind"] != "checked":
            continue
        acls = admin.call("ir.model.access", "search_read",
                          [("model_id.model", "=", model), "|", ("group_id", "=", False),
                           ("group_id", "in", public_groups)],
                          ["name", "perm_read", "perm_write", "perm_create", "perm_unlink"])
        expected = spec["rights"].get("public", matrix.rights())
        for acl in acls:
            for operation in ("read", "write", "create", "unlink"):
                if acl["perm_" + operation] and not expected[operation] and \
                        operation not in spec.get("public_acl", ()):
                    problems.append("%s: public may %s through %s" % (model, operation, acl["name"]))
    assert not problems, "\n".join(problems)


def _post(url, payload, headers):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers=dict({"Content-Type": "application/json"}, **headers))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _visitor_id(url, token, role):
    """A visitor id the server hands out for the key's company (``/api/crm/v1/visitor``, where
    the server signs them); a plain one where the server has no such endpoint."""
    request = urllib.request.Request(url + "/api/crm/v1/visitor", headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode())["visitor_id"]
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
    return "v-%s" % role


def test_api_keys_create_only_where_the_matrix_says(world, odoo_server):
    """The secret key creates leads and behaviour events; the publishable key (in web pages)
    only events: the lead web service refuses it. Neither is a password to log in with."""
    secret, publishable = world.api_token, world.publishable_token
    lead_name = "API lead %s" % world.suffix
    visitors = {role: _visitor_id(odoo_server.url, token, role)
                for role, token in (("api_secret", secret), ("api_publishable", publishable))}
    endpoints = {"crm.lead": (odoo_server.url + "/api/crm/v1/leads",
                              lambda role: {"name": "%s %s" % (lead_name, role), "email": "api@example.com"}),
                 "crm.lead.event": (odoo_server.url + "/api/crm/v1/events",
                                    lambda role: {"events": [{"type": "page_view", "visitor_id": visitors[role]}]})}
    problems = []
    for role, token in (("api_secret", secret), ("api_publishable", publishable)):
        for model, (url, payload) in sorted(endpoints.items()):
            status = _post(url, payload(role), {"Authorization": "Bearer " + token})
            allowed = matrix.MODELS[model]["rights"].get(role, matrix.rights())["create"]
            if allowed and status != 201 or not allowed and status not in (401, 403):
                problems.append("%s on %s: HTTP %s" % (role, model, status))
    assert not problems, "\n".join(problems)
    assert world.admin.call("crm.lead", "search_count", [("name", "=", "%s api_secret" % lead_name)]) == 1
    assert world.admin.call("crm.lead", "search_count", [("name", "=", "%s api_publishable" % lead_name)]) == 0
    for token in (secret, publishable):
        with pytest.raises(PermissionError):
            odoo_server.rpc(world.users["sales_manager"], token)
