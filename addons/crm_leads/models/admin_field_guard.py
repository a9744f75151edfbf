from odoo import api, models

from .. import access_guard


class AdminFieldGuard(models.AbstractModel):
    """Fields restricted to administrators (``groups=``) stay out of the others' queries.

    Odoo 11 checks a field's groups on read only: a user outside them could still group by
    the field, search on it (a bisection rebuilds a secret) or sort on it. A model holding
    such a field (an API key's hash, a trained scoring model, a customer's signup token, an
    e-mail's raw source) inherits this mixin; ``access_guard`` says what is refused."""

    _name = "crm_leads.admin_field_guard"
    _description = "Fields for administrators only: no search, group or sort criterion for others"

    @api.model
    def _where_calc(self, domain, active_test=True):
        access_guard.check_domain(self, domain)
        return super(AdminFieldGuard, self)._where_calc(domain, active_test=active_test)

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        access_guard.check_order(self, order)
        return super(AdminFieldGuard, self)._search(args, offset=offset, limit=limit, order=order, count=count,
                                                    access_rights_uid=access_rights_uid)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        access_guard.check_read_group(self, fields, groupby, orderby)
        return super(AdminFieldGuard, self).read_group(domain, fields, groupby, offset=offset, limit=limit,
                                                       orderby=orderby, lazy=lazy)
