from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager


class RecurringCustomerPortal(CustomerPortal):
    """/my/contracts: a customer's contracts and their invoices."""

    def _contract_domain(self):
        partner = request.env.user.partner_id
        return [("partner_id", "child_of", [partner.commercial_partner_id.id]), ("is_template", "=", False),
                ("state", "!=", "draft")]

    def _prepare_portal_layout_values(self):
        values = super(RecurringCustomerPortal, self)._prepare_portal_layout_values()
        values["contract_count"] = request.env["recurring.contract"].search_count(self._contract_domain())
        return values

    @http.route(["/my/contracts", "/my/contracts/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_contracts(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Contract = request.env["recurring.contract"]
        domain = self._contract_domain()
        pager = portal_pager(url="/my/contracts", total=Contract.search_count(domain), page=page,
                             step=self._items_per_page)
        contracts = Contract.search(domain, order="date_start desc, id desc", limit=self._items_per_page,
                                    offset=pager["offset"])
        values.update({
            "contracts": contracts,
            "page_name": "contract",
            "pager": pager,
            "default_url": "/my/contracts",
        })
        return request.render("recurring_billing.portal_my_contracts", values)

    @http.route(["/my/contracts/<int:contract_id>"], type="http", auth="user", website=True)
    def portal_my_contract(self, contract_id, **kw):
        contract = request.env["recurring.contract"].browse(contract_id)
        try:
            contract.check_access_rights("read")
            contract.check_access_rule("read")
            contract.name  # pylint: disable=pointless-statement
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        # only the customer's own invoices: an invoice linked to the contract by mistake (or on
        # purpose) stays off another customer's page
        commercial = request.env.user.partner_id.commercial_partner_id
        invoices = contract.sudo().invoice_ids.filtered(
            lambda inv: inv.state in ("open", "paid") and inv.commercial_partner_id == commercial)
        values.update({
            "contract": contract.sudo(),
            "invoices": invoices,
            "page_name": "contract",
        })
        return request.render("recurring_billing.portal_my_contract", values)
