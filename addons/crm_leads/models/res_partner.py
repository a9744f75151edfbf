from odoo import api, models

from .. import access_guard
from ..lib.intake import is_valid_email, like_escape as _like_escape, normalise_email


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo 11 checks a field's groups on read only: a salesman could read a portal user's
    # signup token (groups base.group_erp_manager) through read_group, or guess it through
    # search domains, and reset that customer's password. No query may use such a field.

    @api.model
    def _where_calc(self, domain, active_test=True):
        access_guard.check_domain(self, domain)
        return super(ResPartner, self)._where_calc(domain, active_test=active_test)

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        access_guard.check_order(self, order)
        return super(ResPartner, self)._search(args, offset=offset, limit=limit, order=order, count=count,
                                               access_rights_uid=access_rights_uid)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        access_guard.check_read_group(self, fields, groupby, orderby)
        return super(ResPartner, self).read_group(domain, fields, groupby, offset=offset, limit=limit,
                                                  orderby=orderby, lazy=lazy)

    @api.model
    def _intake_find_partner(self, values):
        """The existing partner a new lead belongs to, or an empty recordset.

        :param values: dict with keys among ``email``, ``phone``, ``name``,
            ``company_name``, ``vat``, ``website``
        Same e-mail address (ignoring case and spaces) first, else a company of the
        same name ignoring case. contact_dedup overrides this with fuzzy matching.
        """
        email = normalise_email(values.get("email"))
        if email and is_valid_email(email):
            partner = self.search([("email", "=ilike", _like_escape(email))], limit=1, order="is_company desc, id")
            if partner:
                return partner
        company_name = (values.get("company_name") or "").strip()
        if company_name:
            return self.search([("is_company", "=", True), ("name", "=ilike", _like_escape(company_name))],
                               limit=1, order="id")
        return self.browse()
