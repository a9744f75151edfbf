"""What users may put in the values of a create or write: checked on the uid, never on a
context key (a context comes from the caller over RPC)."""
from odoo import SUPERUSER_ID, _
from odoo.exceptions import AccessError


def _labels(records, name):
    return {"field": records._fields[name].get_description(records.env)["string"], "technical": name,
            "model": records._description or records._name}


def check_values(records, values, code_fields=(), links=True):
    """Refuse, for any user but the superuser (the code after its own checks, with sudo()):
    ``code_fields`` (on a create, unless empty or their default), a company the user is not
    in, and, with ``links``, a many2one to a record the user may not read (Odoo 11 shows the
    name of a many2one target as superuser)."""
    if records.env.uid == SUPERUSER_ID:
        return
    code = set(values) & set(code_fields)
    if code and not records:
        defaults = records.default_get(sorted(code))
        code = {name for name in code if values[name] and values[name] != defaults.get(name)}
    for name in sorted(code):
        raise AccessError(_("%(field)s (%(technical)s) of %(model)s is set by the application, not by users.")
                          % _labels(records, name))
    user = records.env.user
    for name, value in sorted(values.items()):
        field = records._fields.get(name)
        if field is None or field.type != "many2one" or not value or not isinstance(value, int):
            continue
        if field.comodel_name == "res.company" and value not in user.company_ids.ids:
            raise AccessError(_("%(field)s (%(technical)s) of %(model)s must be one of your companies.")
                              % _labels(records, name))
        if not links:
            continue
        target = records.env[field.comodel_name].browse(value)
        try:
            target.check_access_rights("read")
            target.check_access_rule("read")
        except AccessError:
            raise AccessError(_("%(field)s (%(technical)s) of %(model)s cannot point at a record you may not "
                                "read.") % _labels(records, name))
