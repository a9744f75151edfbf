"""The billing-side leaks of the outside review (issue 22), attacked as the real roles.

Each test does over JSON-RPC (or the portal pages) what the attacker did, as the users of
the access matrix fixtures (``tests/access/conftest.py``), and checks the attack is refused
and changed nothing; the last ones check that the contract lifecycle still works for a
salesperson, whose buttons now write the code-driven fields as the application.
"""
import http.cookiejar
import json
import urllib.request

import pytest

from access_rpc import CONTEXT, RpcDenied

FIELD_DENIED = "is set by the application"


def _refused(client, model, ids, values):
    """The write is refused for access rights (an AccessError, also when a constraint wraps it)."""
    try:
        client.call(model, "write", ids, values)
    except RpcDenied:
        return True
    except RuntimeError as error:
        return "AccessError" in str(error) or "security restrictions" in str(error)
    return False


def _admin_read(world, model, record_id, names):
    return world.admin.call(model, "read", [record_id], names, context=CONTEXT)[0]


def _income_account(world):
    return world.admin.call("account.account", "search", [
        ("user_type_id", "=", world.ref("account.data_account_type_revenue")),
        ("company_id", "=", world.ids["main"])], limit=1)[0]


@pytest.fixture
def restore(world):
    """Put back, as admin, what an accepted attack changed (so that other tests are not affected)."""
    saved = []

    def keep(model, record_id, names):
        row = _admin_read(world, model, record_id, names)
        values = {name: (row[name][0] if isinstance(row[name], list) and row[name] and name.endswith("_id")
                         else row[name]) for name in names}
        saved.append((model, record_id, values))
    yield keep
    for model, record_id, values in reversed(saved):
        world.admin.call(model, "write", [record_id], values)


# ------------------------------------------------------------------ leak 1: names through links

@pytest.mark.parametrize("model,record,field,target", [
    ("recurring.contract", "ctr_a", "template_id", "ctr_b"),
    ("recurring.contract.line", "cline_a", "contract_id", "ctr_b"),
    ("recurring.usage", "usage_a", "line_id", "cline_b#1"),
    ("recurring.price.change", "pchange_a", "line_id", "cline_b"),
    ("recurring.contract.amendment", "amend_a", "line_id", "cline_b"),
    ("recurring.contract.pause", "pause_a", "contract_id", "ctr_b"),
    ("recurring.contract.adjustment", "adj_a", "contract_id", "ctr_b"),
])
def test_salesman_cannot_link_a_record_he_may_not_read(model, record, field, target, world, role_clients,
                                                       restore):
    """Given salesperson 1, when he points a link of his own record at customer B's record
    over RPC, then it is refused: he never gets to read its name through the link."""
    name, _sep, index = target.partition("#")
    target_id = world.ids_of(name)[int(index or 0)]
    record_id = world.id(record)
    client = role_clients["salesman_1"]
    comodel = "recurring.contract" if name.startswith("ctr") else "recurring.contract.line"
    assert not client.call(comodel, "search", [("id", "=", target_id)], context=CONTEXT), \
        "the target must be one salesperson 1 cannot read"
    restore(model, record_id, [field])
    assert _refused(client, model, [record_id], {field: target_id})
    value = _admin_read(world, model, record_id, [field])[field]
    assert not value or value[0] != target_id


def test_salesman_cannot_link_his_contract_to_another_order(world, role_clients, restore):
    """The contract's order is set by the order's confirmation: a salesperson writing it (to
    read the name of any order) is refused."""
    client = role_clients["salesman_1"]
    restore("recurring.contract", world.id("ctr_a"), ["sale_order_id"])
    try:
        client.call("recurring.contract", "write", [world.id("ctr_a")], {"sale_order_id": world.id("so_b")})
    except RpcDenied as error:
        assert FIELD_DENIED in str(error) and "sale_order_id" in str(error)
    else:
        pytest.fail("salesperson 1 linked his contract to customer B's order")
    assert not _admin_read(world, "recurring.contract", world.id("ctr_a"), ["sale_order_id"])["sale_order_id"]


@pytest.mark.parametrize("field,target", [("invoice_id", "inv_b"), ("order_id", "so_b"), ("company_id", "other")])
def test_sales_manager_cannot_rewire_a_deposit(field, target, world, role_clients, restore):
    """A deposit's invoice, order and company drive the accounting: even a sales manager may
    not rewrite them over RPC."""
    target_id = world.ids[target] if target in world.ids else world.id(target)
    deposit = world.id("dep_a")
    restore("sale.deposit", deposit, [field] if field != "company_id" else [])
    before = _admin_read(world, "sale.deposit", deposit, [field])[field]
    order_company = _admin_read(world, "sale.order", world.id("so_a"), ["company_id"])["company_id"]
    assert _refused(role_clients["sales_manager"], "sale.deposit", [deposit], {field: target_id})
    assert _admin_read(world, "sale.deposit", deposit, [field])[field] == before
    # the related company is the order's: it did not move either
    assert _admin_read(world, "sale.order", world.id("so_a"), ["company_id"])["company_id"] == order_company


# ------------------------------------------------------------------ leak 2: another company

def test_salesman_cannot_move_his_contract_to_another_company(world, role_clients, restore):
    """Given salesperson 1 (main company only), when he writes the other company on his
    contract, then it is refused and the other company's user still cannot read it."""
    contract = world.id("ctr_a")
    restore("recurring.contract", contract, ["company_id"])
    assert _refused(role_clients["salesman_1"], "recurring.contract", [contract], {"company_id": world.ids["other"]})
    assert _admin_read(world, "recurring.contract", contract, ["company_id"])["company_id"][0] == world.ids["main"]
    assert not role_clients["other_company"].call("recurring.contract", "search", [("id", "=", contract)],
                                                  context=CONTEXT)


def test_sales_manager_cannot_move_an_approval_rule_to_another_company(world, role_clients, restore):
    rule = world.id("aprule_main")
    restore("sale.approval.rule", rule, ["company_id"])
    assert _refused(role_clients["sales_manager"], "sale.approval.rule", [rule], {"company_id": world.ids["other"]})
    assert _admin_read(world, "sale.approval.rule", rule, ["company_id"])["company_id"][0] == world.ids["main"]


# ------------------------------------------------------------------ leak 5: code-driven fields

@pytest.mark.parametrize("model,record,values", [
    ("recurring.contract", "ctr_a", {"state": "closed"}),
    ("recurring.contract", "ctr_a", {"mrr": 99999.0}),
    ("recurring.contract", "ctr_a", {"next_invoice_date": "2031-01-01"}),
    ("recurring.contract", "ctr_a", {"notice_date": "2026-01-01"}),
    ("recurring.contract.amendment", "amend_a", {"state": "applied"}),
    ("recurring.contract.amendment", "amend_a", {"old_quantity": 1000.0}),
    ("recurring.price.change", "pchange_a", {"notified": False}),
    ("sale.order", "apq_a", {"approval_state": "approved"}),
])
def test_salesman_cannot_write_code_driven_fields(model, record, values, world, role_clients, restore):
    """Given salesperson 1 on his own records, when he writes a field only the code sets, then
    the write is refused with a message naming the field, and nothing changed."""
    record_id = world.id(record)
    names = sorted(values)
    before = _admin_read(world, model, record_id, names)
    restore(model, record_id, names)
    try:
        role_clients["salesman_1"].call(model, "write", [record_id], values)
    except RpcDenied as error:
        assert FIELD_DENIED in str(error) and names[0] in str(error), str(error)
    else:
        pytest.fail("salesperson 1 wrote %s on %s" % (values, model))
    assert _admin_read(world, model, record_id, names) == before


def test_salesman_cannot_mark_usage_invoiced_with_another_customers_invoice_line(world, role_clients, restore):
    """Usage is marked invoiced by the invoicing run only: a salesperson setting its invoice
    line (one of customer B's invoice) is refused."""
    admin = world.admin
    line = admin.call("account.invoice.line", "create", {
        "invoice_id": world.id("inv_b"), "product_id": world.ids["product"], "name": "B's line",
        "price_unit": 10.0, "quantity": 1.0, "account_id": _income_account(world)})
    usage = world.id("usage_a")
    restore("recurring.usage", usage, ["invoice_line_id"])
    assert _refused(role_clients["salesman_1"], "recurring.usage", [usage], {"invoice_line_id": line})
    assert not _admin_read(world, "recurring.usage", usage, ["invoice_line_id"])["invoice_line_id"]


def test_salesman_cannot_create_a_running_contract(world, role_clients):
    """A contract starts with its Start button: creating it running (or with an MRR) over RPC
    is refused; created as a draft it is fine."""
    client = role_clients["salesman_1"]
    values = {"name": "Leak check %s" % world.suffix, "partner_id": world.id("cust_a"),
              "user_id": world.uids["salesman_1"], "date_start": "2027-01-01"}
    for extra in ({"state": "running"}, {"mrr": 500.0}, {"next_invoice_date": "2027-01-01"}):
        with pytest.raises(RpcDenied):
            client.call("recurring.contract", "create", dict(values, **extra))
    contract = client.call("recurring.contract", "create", dict(values, state="draft"))
    world.admin.call("recurring.contract", "unlink", [contract])


# ------------------------------------------------------------------ leak 4: the portal page

def _portal_page(world, odoo_server, role, path):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
        "db": odoo_server.db, "login": world.users[role], "password": "access-matrix-1"}}).encode()
    request = urllib.request.Request(odoo_server.url + "/web/session/authenticate", data=body,
                                     headers={"Content-Type": "application/json"})
    with opener.open(request, timeout=60) as response:
        assert json.loads(response.read().decode()).get("result", {}).get("uid"), "portal login refused"
    with opener.open(odoo_server.url + path, timeout=60) as response:
        return response.geturl(), response.read().decode()


def test_portal_contract_page_lists_only_the_customers_invoices(world, odoo_server):
    """Given customer B's validated invoice linked to customer A's contract (as a salesperson
    of old could), when portal customer A opens the contract page, then B's invoice is not
    listed, A's own invoice of the contract is."""
    admin = world.admin
    account = _income_account(world)
    numbers = {}
    for tag in ("a", "b"):
        values = {"partner_id": world.id("cust_" + tag), "type": "out_invoice", "company_id": world.ids["main"],
                  "invoice_line_ids": [(0, 0, {"product_id": world.ids["product"], "name": "Portal %s" % tag,
                                               "quantity": 1, "price_unit": 10.0, "account_id": account})]}
        invoice = admin.call("account.invoice", "create", values, context={"type": "out_invoice"})
        admin.call("account.invoice", "action_invoice_open", [invoice])
        admin.call("account.invoice", "write", [invoice], {"recurring_contract_id": world.id("ctr_a")})
        numbers[tag] = admin.call("account.invoice", "read", [invoice], ["number"])[0]["number"]
    url, page = _portal_page(world, odoo_server, "portal_a", "/my/contracts/%d" % world.id("ctr_a"))
    assert url.endswith("/my/contracts/%d" % world.id("ctr_a")), url
    assert numbers["a"] in page
    assert numbers["b"] not in page


def test_salesman_cannot_link_an_invoice_to_a_contract(world, role_clients):
    """The invoices of a contract are linked by its invoicing: a salesperson linking another
    customer's invoice to his contract (for it to show on the customer's page) is refused."""
    invoice = world.id("inv_a")
    assert _refused(role_clients["salesman_1"], "account.invoice", [invoice],
                    {"recurring_contract_id": world.id("ctr_a")})
    assert _refused(role_clients["salesman_1"], "recurring.contract", [world.id("ctr_a")],
                    {"invoice_ids": [(4, world.id("inv_b"))]})


# ------------------------------------------------------------------ the flows still work

def test_salesman_runs_a_contract_lifecycle(world, role_clients):
    """The buttons write the code-driven fields as the application: a salesperson creates a
    contract, starts, pauses, resumes, changes a line, gives notice and closes it."""
    client = role_clients["salesman_1"]
    contract = client.call("recurring.contract", "create", {
        "name": "Lifecycle %s" % world.suffix, "partner_id": world.id("cust_a"), "user_id": world.uids["salesman_1"],
        "date_start": "2026-11-01", "recurring_interval": 1, "recurring_unit": "month",
        "line_ids": [(0, 0, {"product_id": world.ids["product"], "name": "Service", "quantity": 2,
                             "price_unit": 30.0})]})

    def read():
        return client.call("recurring.contract", "read", [contract],
                           ["state", "mrr", "next_invoice_date", "notice_date"])[0]
    client.call("recurring.contract", "action_start", [contract])
    row = read()
    assert row["state"] == "running" and row["mrr"] == 60.0 and row["next_invoice_date"]
    client.call("recurring.contract", "action_pause", [contract], context={"recurring_today": "2026-11-30"})
    assert read()["state"] == "paused" and not read()["next_invoice_date"]
    client.call("recurring.contract", "action_resume", [contract], context={"recurring_today": "2026-12-01"})
    assert read()["state"] == "running"
    line = client.call("recurring.contract.line", "search", [("contract_id", "=", contract)])
    client.call("recurring.contract.line", "apply_change", line, "2027-02-01", quantity=3.0,
                context={"recurring_today": "2026-12-01"})
    amendments = client.call("recurring.contract.amendment", "search_read", [("contract_id", "=", contract)],
                             ["state", "old_quantity", "quantity"])
    assert [(a["state"], a["quantity"]) for a in amendments] == [("pending", 3.0)]
    client.call("recurring.contract", "action_give_notice", [contract])
    assert read()["notice_date"]
    client.call("recurring.contract", "action_close", [contract], context={"recurring_today": "2026-12-01"})
    assert read()["state"] == "closed"


# ------------------------------------------------------------------ second outside review

@pytest.mark.parametrize("field,target", [
    ("deposit_return_order_id", "so_a"), ("deposit_order_id", "so_a"), ("deposit_final_invoice_id", "inv_a")])
def test_salesman_cannot_rewire_an_invoice_into_the_deposit_flows(field, target, world, role_clients, restore):
    """Given salesperson 2 and customer B's invoice, when he links it to customer A's order as
    its returned goods (or its deposit, or a deduction), then it is refused: A's order would
    count that invoice as credited, and its name would show."""
    invoice = world.id("inv_b")
    restore("account.invoice", invoice, [field])
    before = _admin_read(world, "account.invoice", invoice, [field])[field]
    try:
        role_clients["salesman_2"].call("account.invoice", "write", [invoice], {field: world.id(target)})
    except RpcDenied as error:
        assert FIELD_DENIED in str(error) and field in str(error), str(error)
    else:
        pytest.fail("salesperson 2 wrote %s on an invoice" % field)
    assert _admin_read(world, "account.invoice", invoice, [field])[field] == before


@pytest.mark.parametrize("values", [{"amount": 1.0}, {"kind": "acompte"}, {"forfeit_amount": 5.0},
                                    {"amount_untaxed": 1.0}])
def test_sales_manager_cannot_rewrite_a_deposits_kind_or_amounts(values, world, role_clients, restore):
    """The README: a deposit's kind and amounts are written by the application, sales managers
    included (the order's deposit invoiced would no longer match its invoice)."""
    deposit = world.id("dep_a")
    names = sorted(values)
    restore("sale.deposit", deposit, names)
    before = _admin_read(world, "sale.deposit", deposit, names)
    try:
        role_clients["sales_manager"].call("sale.deposit", "write", [deposit], values)
    except RpcDenied as error:
        assert FIELD_DENIED in str(error) and names[0] in str(error), str(error)
    else:
        pytest.fail("the sales manager wrote %s on a deposit" % values)
    assert _admin_read(world, "sale.deposit", deposit, names) == before


def test_salesman_cannot_flag_his_order_as_reminded_of_late_delivery(world, role_clients, restore):
    order = world.id("so_a")
    restore("sale.order", order, ["deposit_late_flagged"])
    try:
        role_clients["salesman_1"].call("sale.order", "write", [order], {"deposit_late_flagged": True})
    except RpcDenied as error:
        assert FIELD_DENIED in str(error) and "deposit_late_flagged" in str(error), str(error)
    else:
        pytest.fail("salesperson 1 flagged his order as reminded")
    assert _admin_read(world, "sale.order", order, ["deposit_late_flagged"])["deposit_late_flagged"] is False
