from odoo import api, models

from ..lib.intake import is_valid_email, like_escape as _like_escape, normalise_email


class ResPartner(models.Model):
    # a salesman could read a portal user's signup token (base.group_erp_manager) through
    # read_group, or guess it through search domains, and set that customer's password
    _name = "res.partner"
    _inherit = ["res.partner", "crm_leads.admin_field_guard"]

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

    @api.multi
    def _notify_by_chat(self, message):
        """Odoo 11 formats the message for the web client's inbox even when no partner gets
        it there (every recipient notified by e-mail, or none): a tracking message or a
        lead's alert paid for a full ``message_format`` that went nowhere."""
        if not self:
            return True
        return super(ResPartner, self)._notify_by_chat(message)
