"""Create, as each role, the records a record rule lets it create, and those it refuses.

The access lists say who may create a model at all (walked by ``test_access_matrix``); the
record rules then decide which records: Odoo creates the record, checks the user's rules on
it and refuses (AccessError, the transaction rolled back) one the user could not read. Each
variant of ``access_matrix.CREATE_CHECKS`` is created through JSON-RPC as the real user; what
is created is deleted again by the administrator.
"""
import pytest

import access_matrix as matrix
from access_rpc import RpcDenied

# Odoo's AccessError message for a record rule
DENIED_TEXT = "cannot be completed due to security restrictions"
CREATE_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


class MissingFixture(Exception):
    pass


def resolve(world, value):
    """``value`` with its "@name" references replaced by ids (see ``CREATE_CHECKS``)."""
    if isinstance(value, dict):
        return {key: resolve(world, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(world, item) for item in value]
    if not (isinstance(value, str) and value.startswith("@")):
        return value
    key = value[1:]
    if key.startswith("uid:"):
        return world.uids[key[4:]]
    if key in world.ids:
        return world.ids[key]
    name, _sep, index = key.partition("#")
    ids = world.ids_of(name)
    if len(ids) <= int(index or 0):
        raise MissingFixture(value)
    return ids[int(index or 0)]


@pytest.mark.parametrize("model", sorted(matrix.CREATE_CHECKS))
def test_create_follows_the_record_rules(model, world, role_clients):
    """Given a role the access list lets create ``model``, when it creates each variant over
    JSON-RPC, then exactly the variants of the matrix are created, the others refused."""
    spec = matrix.CREATE_CHECKS[model]
    roles = [role for role in matrix.RPC_ROLES if matrix.MODELS[model]["rights"].get(role, matrix.rights())["create"]]
    assert roles, "%s: no role may create it: nothing to check" % model
    problems, tried = [], 0
    for role in roles:
        allowed = set(spec["allowed"].get(role, "").split())
        assert allowed <= set(spec["variants"]), (model, role)
        client = role_clients[role]
        for variant, template in sorted(spec["variants"].items()):
            try:
                values = resolve(world, template)
            except MissingFixture as missing:
                problems.append("%s: no fixture %s for %s" % (role, missing, variant))
                continue
            tried += 1
            try:
                new_id = client.call(model, "create", values, context=CREATE_CONTEXT)
            except (RpcDenied, RuntimeError) as error:
                # an AccessError raised by a constraint reaches the user wrapped in a ValidationError
                denied = isinstance(error, RpcDenied) or DENIED_TEXT in str(error)
                text = " ".join(str(error).split())[:300]
                if not denied:
                    problems.append("%s: creating %s fails, not for access rights: %s" % (role, variant, text))
                elif variant in allowed:
                    problems.append("%s: cannot create %s (expected to): %s" % (role, variant, text))
                continue
            try:
                world.admin.call(model, "unlink", [new_id])
            except Exception as error:  # noqa: B902 (reported, not hidden)
                problems.append("%s: %s %d created for %s could not be deleted: %s" % (role, model, new_id, variant,
                                                                                       error))
            if variant not in allowed:
                problems.append("%s: CAN create %s (must not)" % (role, variant))
    assert tried, model
    assert not problems, "\n".join(problems)
