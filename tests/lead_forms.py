"""Helpers of the HTTP tests of lead intake: an API key made as the admin does, a website form
loaded and posted as a visitor's browser does."""
import json
import urllib.error
import urllib.parse
import urllib.request


def secret_key(admin_rpc, name, **values):
    """A new secret key without rate limits: (its id, its secret, its form token)."""
    team_id = admin_rpc.call("crm.team", "search", [], limit=1)[0]
    values = dict({"name": name, "team_id": team_id, "rate_limit": 0, "form_min_seconds": 1,
                   "form_ip_rate_limit": 0}, **values)
    key_id = admin_rpc.call("crm.lead.api.key", "create", values)
    action = admin_rpc.call("crm.lead.api.key", "action_generate_key", [key_id])
    token = admin_rpc.call("crm.lead.api.key", "read", [key_id], ["form_token"])[0]["form_token"]
    return key_id, action["context"]["crm_leads_new_key"][str(key_id)], token


def _hidden(script, name):
    return script.split('name=\\"%s\\" value=\\"' % name)[1].split("\\")[0]


def load_form(odoo_server, token):
    """The hidden fields of a form as a visitor's page load gets it."""
    script = urllib.request.urlopen("%s/crm/form/%s/embed.js" % (odoo_server.url, token)).read().decode()
    return {"ts": _hidden(script, "ts"), "submission_id": _hidden(script, "submission_id")}


def post_form(url, fields):
    """POST the form's fields: (status, JSON answer)."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode())
