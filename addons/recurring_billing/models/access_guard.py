from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError


class RecurringAccessGuard(models.AbstractModel):
    """What users may put in the values of a create or write of our billing models.

    - ``_code_fields``: fields the application sets (states, invoicing bookkeeping, links to
      invoices, snapshot values); the code writes them as superuser (``_code_write``) after its
      own checks, any other write of them is refused.
    - a many2one a user writes must point at a record the user may read (Odoo 11 shows the
      name of a many2one target as superuser: a link to any record would reveal its name).
    - a company must be one of the user's companies.

    The models call ``_guard_values`` first thing in their ``create`` (``self`` empty: a code
    field may only hold its default) and ``write``: the check
    is on the uid, never on a context key (a context comes from the caller over RPC).
    """

    _name = "recurring.access.guard"
    _description = "Access checks of the values users write"

    _code_fields = ()

    @api.model
    def _guard_trusted(self):
        return self.env.uid == SUPERUSER_ID

    @api.multi
    def _guard_values(self, values):
        if self._guard_trusted():
            return
        code = set(values) & set(self._code_fields)
        if code and not self:
            # a create: the defaults the forms send (a draft state, nothing invoiced) are not code values
            defaults = self.default_get(sorted(code))
            code = {name for name in code if values[name] and values[name] != defaults.get(name)}
        for name in sorted(code):
            raise AccessError(_("%(field)s (%(technical)s) of %(model)s is set by the application, not by "
                                "users.") % self._guard_labels(name))
        user = self.env.user
        for name, value in sorted(values.items()):
            field = self._fields.get(name)
            if field is None or field.type != "many2one" or not value or not isinstance(value, int):
                continue
            target = self.env[field.comodel_name].browse(value)
            if field.comodel_name == "res.company" and value not in user.company_ids.ids:
                raise AccessError(_("%(field)s (%(technical)s) of %(model)s must be one of your companies.")
                                  % self._guard_labels(name))
            try:
                target.check_access_rights("read")
                target.check_access_rule("read")
            except AccessError:
                raise AccessError(_("%(field)s (%(technical)s) of %(model)s cannot point at a record you may not "
                                    "read.") % self._guard_labels(name))

    # -- fields restricted to groups (``groups=`` on the field) ---------------------------------
    # Odoo 11 refuses to read such a field, but searches and groups on it as on any other: a
    # portal user would find the records whose internal note holds a word, or read the notes
    # as the groups of a read_group. Both are refused here as a read is.

    @api.model
    def _check_restricted_fields(self, names):
        names = [name.split(".", 1)[0].split(":", 1)[0].strip().strip('"') for name in names
                 if isinstance(name, str)]
        names = [name for name in names if name in self._fields and self._fields[name].groups]
        if names:
            self.check_field_access_rights("read", names)

    @api.model
    def _domain_field_names(self, domain):
        return [leaf[0] for leaf in domain or []
                if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str)]

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        # access_rights_uid: a search the code runs for the user on purpose (a related field)
        if not access_rights_uid:
            names = self._domain_field_names(args)
            if order:
                names += [term.split()[0] for term in order.split(",") if term.strip()]
            self._check_restricted_fields(names)
        return super(RecurringAccessGuard, self)._search(
            args, offset=offset, limit=limit, order=order, count=count, access_rights_uid=access_rights_uid)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        groupby_names = [groupby] if isinstance(groupby, str) else list(groupby or [])
        names = list(fields or []) + groupby_names + self._domain_field_names(domain)
        if orderby:
            names += [term.split()[0] for term in orderby.split(",") if term.strip()]
        self._check_restricted_fields(names)
        return super(RecurringAccessGuard, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)

    @api.model
    def _check_scheduler(self, method):
        """The daily jobs (``cron_*``) run as the scheduler's user: any other caller (over RPC,
        a portal user or a salesperson) is refused, whatever it passes."""
        user = self.env.user
        if not (user._is_superuser() or user._is_system()):
            raise AccessError(_("%s is run by the scheduler: only an administrator may call it.")
                              % ("%s.%s" % (self._name, method)))

    @api.multi
    def _check_may_edit(self):
        """The buttons that change the records: the user must be allowed to write them."""
        self.check_access_rights("write")
        self.check_access_rule("write")

    @api.model
    def _guard_labels(self, name):
        field = self._fields[name]
        return {"field": field.get_description(self.env)["string"], "technical": name,
                "model": self._model_label()}

    @api.model
    def _model_label(self):
        """The model's name in the user's language (its description is the English one)."""
        return self.env["ir.model"]._get(self._name).name or self._description or self._name

    @api.multi
    def _code_write(self, values):
        """Write fields of ``_code_fields`` as the application: the user must be allowed to
        write the records, the values are the code's. The chatter still tracks the change
        under the user's name (the write is the superuser's, the tracking the user's)."""
        if self._guard_trusted():
            return self.write(values)
        self.check_access_rights("write")
        self.check_access_rule("write")
        context = self.env.context
        tracked = None
        if hasattr(self, "message_track") and not context.get("tracking_disable") \
                and not context.get("mail_notrack"):
            track_self = self if "lang" in context else self.with_context(lang=self.env.user.lang)
            tracked = track_self._get_tracked_fields(list(values))
            if tracked:
                initial = {record.id: {name: record[name] for name in tracked} for record in track_self}
        result = self.sudo().with_context(mail_notrack=True).write(values)
        if tracked:
            track_self.message_track(tracked, initial)
        return result
