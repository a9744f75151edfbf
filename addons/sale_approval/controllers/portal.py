import werkzeug

from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal


class ApprovalCustomerPortal(CustomerPortal):
    """The customer's answer on the portal's quotation page (/my/orders/<id>).

    Accepting goes through ``sale.order.action_customer_accept`` (evidence kept, approval
    cycle checked, order confirmed); refusing through ``action_customer_refuse``.
    """

    def _portal_quote_user_can_accept(self, order_id):
        # answering is what this module is for: the signature form is always offered
        return True

    def _order_get_page_view_values(self, order, access_token, **kwargs):
        values = super(ApprovalCustomerPortal, self)._order_get_page_view_values(order, access_token, **kwargs)
        values["portal_confirmation"] = "sign"
        values["refusal_reasons"] = request.env["sale.refusal.reason"].sudo().search(
            [("customer_visible", "=", True)])
        return values

    def _answer_evidence(self):
        http_request = request.httprequest
        return {
            "ip_address": http_request.remote_addr,
            "user_agent": http_request.headers.get("User-Agent", ""),
        }

    @http.route(["/my/quotes/accept"], type="json", auth="public", website=True)
    def portal_quote_accept(self, res_id, access_token=None, partner_name=None, signature=None):
        try:
            order_sudo = self._order_check_access(int(res_id), access_token=access_token)
        except (AccessError, ValueError, TypeError):
            return {"error": _("Invalid order")}
        try:
            # a savepoint, so that a refusal (approval missing, deposit rules...) leaves nothing behind
            with request.env.cr.savepoint():
                order_sudo.action_customer_accept(partner_name, signature, **self._answer_evidence())
        except UserError as error:
            return {"error": error.name}
        query = "access_token=%s" % order_sudo.access_token if access_token else ""
        return {
            "success": _("Your order has been confirmed."),
            "redirect_url": "/my/orders/%s?%s" % (order_sudo.id, query),
        }

    @http.route(["/my/quotes/<int:order_id>/refuse"], type="http", auth="public", methods=["POST"], website=True)
    def portal_quote_refuse(self, order_id, access_token=None, reason_id=None, note=None, **kwargs):
        try:
            order_sudo = self._order_check_access(order_id, access_token=access_token)
        except AccessError:
            return request.redirect("/my")
        reason = request.env["sale.refusal.reason"].sudo().browse()
        if reason_id and reason_id.isdigit():
            reason = reason.browse(int(reason_id)).exists().filtered("customer_visible")
        query = {"access_token": access_token} if access_token else {}
        try:
            with request.env.cr.savepoint():
                order_sudo.action_customer_refuse(reason=reason, note=note, **self._answer_evidence())
        except UserError as error:
            query["error"] = error.name
        else:
            query["success"] = _("Your answer has been recorded. Thank you.")
        return request.redirect("/my/orders/%s?%s" % (order_id, werkzeug.urls.url_encode(query)))
