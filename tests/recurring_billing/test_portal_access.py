"""Portal customers read their own contracts' lines, usage and invoices over JSON-RPC, and
nothing of another customer's: not the records, not their names through a linked field."""
import datetime
import json
import time

import pytest
import pytz

import harness


class JsonRpc(object):
    """JSON-RPC as a customer's script would use it (the web client's protocol)."""

    def __init__(self, server, login, password):
        self.url, self.db, self.password = server.url + "/jsonrpc", server.db, password
        self.uid = self._call("common", "login", [self.db, login, password])
        assert self.uid, "login refused for %s" % login

    def _call(self, service, method, args):
        status, body, _headers = harness.post_json(self.url, {
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": service, "method": method, "args": args}})
        assert status == 200, body
        if "error" in body:
            raise PermissionError(body["error"]["data"].get("name", ""), body["error"]["data"].get("message", ""))
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self._call("object", "execute_kw", [self.db, self.uid, self.password, model, method, list(args),
                                                   kwargs])


# what a portal user's script would read, linked records' names (many2one) included
FIELDS = {
    # (not the team's internal note, refused to customers: test_review20_more_rpc)
    "recurring.contract": ["name", "partner_id", "user_id", "state", "line_ids", "invoice_ids", "mrr"],
    "recurring.contract.line": ["name", "contract_id", "product_id", "quantity", "price_unit", "price_subtotal"],
    "recurring.usage": ["line_id", "contract_id", "date", "quantity", "reference", "invoice_line_id"],
    "account.invoice": ["name", "number", "origin", "partner_id", "recurring_contract_id", "state",
                        "amount_untaxed", "invoice_line_ids"],
    "account.invoice.line": ["name", "invoice_id", "product_id", "price_subtotal"],
}


@pytest.fixture(scope="module")
def customers(odoo_server, admin_rpc):
    """Customers A and B (companies), each with a contract invoiced this month (a fixed line
    and a usage line with usage), and a portal login for a contact of each; a third portal
    user has no contract."""
    stamp = str(int(time.time() * 1000))
    portal_group = admin_rpc.call("ir.model.data", "xmlid_to_res_id", "base.group_portal")
    tax_ids = admin_rpc.call("account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 20.0)],
                             limit=1)
    result = {}
    # the contracts start on the first of this month (the server's today, in Paris): one invoice each
    first = datetime.datetime.now(pytz.timezone("Europe/Paris")).date().replace(day=1).isoformat()
    for key in ("A", "B", "C"):
        company = admin_rpc.call("res.partner", "create", {
            "name": "Portal Customer %s %s" % (key, stamp), "is_company": True, "customer": True})
        contact = admin_rpc.call("res.partner", "create", {
            "name": "Portal Contact %s %s" % (key, stamp), "parent_id": company,
            "email": "portal-%s-%s@example.com" % (key.lower(), stamp)})
        login = "portal-%s-%s" % (key.lower(), stamp)
        admin_rpc.call("res.users", "create", {
            "name": "Portal Contact %s %s" % (key, stamp), "login": login, "password": login,
            "partner_id": contact, "groups_id": [(6, 0, [portal_group])]})
        result[key] = {"partner": company, "login": login, "marker": "%s %s" % (key, stamp)}
        if key == "C":
            continue  # the customer who has no contract
        product = admin_rpc.call("product.product", "create", {
            "name": "Secret plan %s" % result[key]["marker"], "type": "service", "list_price": 77.0})
        contract = admin_rpc.call("recurring.contract", "create", {
            "partner_id": company, "date_start": first, "invoice_policy": "open",
            "note": "Discount note %s" % result[key]["marker"],
            "line_ids": [
                (0, 0, {"product_id": product, "name": "Plan line %s" % result[key]["marker"], "quantity": 3,
                        "price_unit": 77.0, "tax_ids": [(6, 0, tax_ids)]}),
                (0, 0, {"product_id": product, "name": "Usage line %s" % result[key]["marker"], "quantity": 0,
                        "price_unit": 0.5, "is_usage": True, "tax_ids": [(6, 0, tax_ids)]})]})
        lines = admin_rpc.call("recurring.contract", "read", [contract], ["line_ids"])[0]["line_ids"]
        usage = admin_rpc.call("recurring.usage", "create", {
            "line_id": lines[1], "date": first, "quantity": 12, "reference": "usage %s" % stamp})
        admin_rpc.call("recurring.contract", "action_start", [contract])
        admin_rpc.call("recurring.contract", "action_invoice_now", [contract])
        invoices = admin_rpc.call("account.invoice", "search", [("recurring_contract_id", "=", contract)])
        assert len(invoices) == 1
        result[key].update(contract=contract, lines=lines, usage=[usage], invoices=invoices)
    return result


def _everything_readable(rpc):
    """Every record of the contract models the user can find, with the fields of FIELDS."""
    return {model: rpc.call(model, "search_read", [], fields=fields) for model, fields in FIELDS.items()}


@pytest.mark.parametrize("own,other", [("A", "B"), ("B", "A"), ("C", "A")])
def test_portal_user_reads_nothing_of_another_customer(odoo_server, customers, own, other):
    rpc = JsonRpc(odoo_server, customers[own]["login"], customers[own]["login"])
    theirs = customers[other]
    readable = _everything_readable(rpc)
    # nothing of the other customer in any record or linked name the portal user can read
    dump = json.dumps(readable)
    assert theirs["marker"] not in dump
    # and their contract, lines, usage and invoices are refused when asked for by id
    for model, ids in (("recurring.contract", [theirs["contract"]]), ("recurring.contract.line", theirs["lines"]),
                       ("recurring.usage", theirs["usage"]), ("account.invoice", theirs["invoices"])):
        assert rpc.call(model, "search", [("id", "in", ids)]) == []
        with pytest.raises(PermissionError, match="AccessError"):
            rpc.call(model, "read", ids, ["display_name"])


@pytest.mark.parametrize("own", ["A", "B"])
def test_portal_user_reads_own_lines_usage_and_invoice(odoo_server, customers, own):
    rpc = JsonRpc(odoo_server, customers[own]["login"], customers[own]["login"])
    mine = customers[own]
    readable = _everything_readable(rpc)
    contracts = [record for record in readable["recurring.contract"] if record["id"] == mine["contract"]]
    assert [record["partner_id"][0] for record in contracts] == [mine["partner"]]
    lines = {record["id"]: record for record in readable["recurring.contract.line"]}
    assert sorted(lines) == sorted(mine["lines"])
    plan = lines[mine["lines"][0]]
    assert (plan["name"], plan["quantity"], plan["price_unit"]) == ("Plan line %s" % mine["marker"], 3.0, 77.0)
    assert plan["product_id"][1] == "Secret plan %s" % mine["marker"]
    assert plan["contract_id"][0] == mine["contract"]
    assert [(usage["id"], usage["quantity"]) for usage in readable["recurring.usage"]] == [(mine["usage"][0], 12.0)]
    assert [invoice["id"] for invoice in readable["account.invoice"]] == mine["invoices"]
    invoice = readable["account.invoice"][0]
    assert (invoice["state"], invoice["amount_untaxed"]) == ("open", 231.0)
    assert invoice["recurring_contract_id"][0] == mine["contract"]
