"""JSON-RPC as one real user, and the names the access tests share.

Imported as ``access_rpc`` by the conftest and the tests alike (tests/access is on sys.path),
so that ``RpcDenied`` is one and the same class everywhere.
"""
import json
import urllib.request

OUR_ADDONS = ["crm_leads", "lead_scoring", "contact_dedup", "mail_gateway", "sale_deposit", "recurring_billing",
              "sale_approval"]
PASSWORD = "access-matrix-1"
CONTEXT = {"active_test": False}
DENIED = object()


class RpcDenied(Exception):
    """Odoo refused the call for access rights (AccessError, or a login refused)."""


class JsonRpc(object):
    """JSON-RPC (/jsonrpc, the external API) as one user: errors come back with their name."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url + "/jsonrpc", db, login, password
        self.uid = self._post("common", "login", [db, login, password])
        if not self.uid:
            raise PermissionError("login refused for %s" % login)

    def _post(self, service, method, args):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": {"service": service, "method": method, "args": args}}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read().decode())
        if "error" in answer:
            data = answer["error"].get("data") or {}
            name = data.get("name", "")
            if name.endswith("AccessError") or name.endswith("AccessDenied"):
                raise RpcDenied(data.get("message") or name)
            raise RuntimeError("%s: %s" % (name, data.get("message") or answer["error"]))
        return answer.get("result")  # Odoo leaves "result" out when it is None

    def call(self, model, method, *args, **kwargs):
        return self._post("object", "execute_kw", [self.db, self.uid, self.password, model, method, list(args),
                                                   kwargs])


def call(client, model, method, *args, **kwargs):
    """The call's result, or ``DENIED`` when Odoo refuses it for access rights."""
    try:
        return client.call(model, method, *args, **kwargs)
    except RpcDenied:
        return DENIED
