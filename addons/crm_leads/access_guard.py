"""Field-level guards the ORM of Odoo 11 does not give, shared by the CRM addons.

- code-driven fields: values only the application sets (scores, dedup keys, intake
  bookkeeping). The code writes them as the superuser (``sudo()``) after its own checks; any
  other user's create or write naming one is refused. No context key opens them: a context
  travels over RPC as the caller likes.
- links: a many2one a user writes must point to a record the user may read, since Odoo 11
  reads many2one names as superuser (a link to an unreadable record would show its name).
- protected fields (``groups=``): Odoo 11 checks them on read only; a search domain, an
  order or a read_group on them is refused here to users outside their groups.

The functions take the recordset as ``self`` so that ``_()`` finds the user's language.
"""
from odoo import SUPERUSER_ID, _
from odoo.exceptions import AccessError, MissingError


def _labels(self, names):
    return ", ".join("%s (%s)" % (self._fields[name].get_description(self.env)["string"], name)
                     for name in sorted(names))


def check_code_fields(self, vals, names):
    """Refuse ``vals`` naming one of the code-driven fields ``names`` unless the superuser writes."""
    if self.env.uid == SUPERUSER_ID:
        return
    written = set(vals or ()) & set(names)
    if written:
        raise AccessError(_("%(fields)s of %(model)s are set by the application only: they cannot be written "
                            "by hand, by an import or over the API.")
                          % {"fields": _labels(self, written), "model": self._description})


def without_code_defaults(self, names):
    """``self`` without the ``default_<field>`` context keys of the code-driven ``names``."""
    if self.env.uid == SUPERUSER_ID:
        return self
    context = self.env.context
    forged = ["default_%s" % name for name in names if "default_%s" % name in context]
    if not forged:
        return self
    return self.with_env(self.env(context={key: value for key, value in context.items() if key not in forged}))


def check_links(self, vals, names):
    """Refuse ``vals`` linking one of the many2one fields ``names`` to a record the user
    cannot read (a missing record gets the same answer: its existence is not told)."""
    if self.env.uid == SUPERUSER_ID:
        return
    for name in sorted(set(vals or ()) & set(names)):
        value = vals[name]
        if isinstance(value, (list, tuple)):  # (id, name) pairs of some clients
            value = value[0] if value else False
        if not value:
            continue
        target = self.env[self._fields[name].comodel_name].browse(value)
        try:
            target.check_access_rights("read")
            target.check_access_rule("read")
            if not target.exists():
                raise MissingError(name)
        except (AccessError, MissingError):
            raise AccessError(_("%(field)s of %(model)s may only point to a record you can read.")
                              % {"field": _labels(self, [name]), "model": self._description})


def link_values(self, vals, names):
    """``vals`` with the ``default_<field>`` context keys of the links ``names`` it lacks: a create
    takes them as values (a context travels over RPC as the caller likes), so they are checked too."""
    context = self.env.context
    defaults = {name: context["default_%s" % name] for name in names
                if name not in (vals or {}) and context.get("default_%s" % name)}
    return dict(defaults, **(vals or {})) if defaults else vals


def check_company(self, vals, names=("company_id",)):
    """Refuse ``vals`` putting the record into a company that is not one of the user's: its
    users would see it, and the user would no longer."""
    if self.env.uid == SUPERUSER_ID:
        return
    allowed = set(self.env.user.company_ids.ids)
    for name in sorted(set(vals or ()) & set(names)):
        value = vals[name]
        if isinstance(value, (list, tuple)):
            value = value[0] if value else False
        if value and value not in allowed:
            raise AccessError(_("%(field)s of %(model)s may only be one of your companies.")
                              % {"field": _labels(self, [name]), "model": self._description})


def _protected(self, names):
    refused = set()
    for name in names:
        field = self._fields.get(name)
        if field is not None and field.groups and not self.user_has_groups(field.groups):
            refused.add(name)
    return refused


def _raise_protected(self, refused):
    raise AccessError(_("%(fields)s of %(model)s cannot be used to search, group or sort records.")
                      % {"fields": _labels(self, refused), "model": self._description})


def _order_names(order):
    names = []
    for part in (order or "").split(","):
        words = part.strip().split()
        if words:
            names.append(words[0].strip('"').split(".")[0].split(":")[0])
    return names


def check_domain(self, domain):
    """Refuse a domain naming a field the user may not read (its first step, for paths)."""
    if self.env.uid == SUPERUSER_ID or not domain:
        return
    names = [leaf[0].split(".")[0] for leaf in domain
             if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str)]
    refused = _protected(self, names)
    if refused:
        _raise_protected(self, refused)


def check_order(self, order):
    if self.env.uid == SUPERUSER_ID or not order:
        return
    refused = _protected(self, _order_names(order))
    if refused:
        _raise_protected(self, refused)


def check_read_group(self, fields, groupby, orderby):
    """Refuse a read_group grouping, aggregating or sorting on a field the user may not read."""
    if self.env.uid == SUPERUSER_ID:
        return
    groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
    names = [name.split(":")[0].split(".")[0] for name in list(fields or []) + groupby if isinstance(name, str)]
    refused = _protected(self, names + _order_names(orderby))
    if refused:
        _raise_protected(self, refused)
