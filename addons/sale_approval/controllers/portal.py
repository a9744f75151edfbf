import logging

import werkzeug

from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ..models.sale_quotation_answer import AnswerError

_logger = logging.getLogger(__name__)


def portal_messages():
    """The messages the quotation page shows for the codes of its URL (``?error=reason``):
    fixed sentences, translated when shown, so that nobody makes the company's page say
    their own text. An unknown code shows Odoo's generic error, or nothing for a success."""
    return {
        "error": {
            "reason": _("Tell us why you refuse this quotation."),
            "closed": _("This quotation is no longer waiting for your answer."),
            "expired": _("This quotation has expired."),
            "review": _("This quotation is being reviewed by our team: you will receive it again once it is "
                        "ready."),
            "name": _("Type your name to sign."),
            "signature": _("Draw your signature to accept."),
        },
        "success": {
            "refused": _("Your answer has been recorded. Thank you."),
        },
    }


class ApprovalCustomerPortal(CustomerPortal):
    """The customer's answer on the portal's quotation page (/my/orders/<id>).

    Accepting goes through ``sale.order.action_customer_accept`` (evidence kept, approval
    cycle checked, order confirmed); refusing through ``action_customer_refuse``. A quotation
    waiting for approval is neither shown nor printed to the customer.
    """

    def _portal_quote_user_can_accept(self, order_id):
        # answering is what this module is for: the signature form is always offered
        return True

    def _order_get_page_view_values(self, order, access_token, **kwargs):
        values = super(ApprovalCustomerPortal, self)._order_get_page_view_values(order, access_token, **kwargs)
        values["portal_confirmation"] = "sign"
        values["refusal_reasons"] = request.env["sale.refusal.reason"].sudo().search(
            [("customer_visible", "=", True)])
        messages = portal_messages()
        values.pop("warning", None)
        values["approval_message"] = False
        if values.get("error"):
            values["approval_message"] = messages["error"].get(values["error"])
            if not values["approval_message"]:
                values["error"] = "generic"
        elif values.get("success"):
            values["approval_message"] = messages["success"].get(values["success"])
            if not values["approval_message"]:
                values.pop("success")
        return values

    def _approval_under_review(self, order_id, access_token):
        """The order, when the visitor is a customer and it waits for approval (else None)."""
        try:
            order_sudo = self._order_check_access(int(order_id), access_token=access_token)
        except (AccessError, ValueError, TypeError):
            return None
        if not request.env.user.share:
            return None  # an employee sees it in the portal as in the back office
        return order_sudo if order_sudo._approval_hidden_from_customer() else None

    def _render_under_review(self, order_sudo):
        return request.render("sale_approval.portal_quotation_under_review", {"order": order_sudo}, status=403)

    @http.route(["/my/orders/<int:order>"], type="http", auth="public", website=True)
    def portal_order_page(self, order=None, access_token=None, **kw):
        hidden = self._approval_under_review(order, access_token)
        if hidden:
            return self._render_under_review(hidden)
        return super(ApprovalCustomerPortal, self).portal_order_page(order=order, access_token=access_token, **kw)

    @http.route(["/my/orders/pdf/<int:order_id>"], type="http", auth="public", website=True)
    def portal_order_report(self, order_id, access_token=None, **kw):
        hidden = self._approval_under_review(order_id, access_token)
        if hidden:
            return self._render_under_review(hidden)
        return super(ApprovalCustomerPortal, self).portal_order_report(order_id, access_token=access_token, **kw)

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
        except AnswerError as error:
            return {"error": error.name}
        except UserError as error:
            # another module's check (stock, deposit...): its words are for employees
            _logger.info("Online acceptance of %s refused: %s", order_sudo.name, error.name)
            return {"error": _("This quotation cannot be accepted online right now: please contact us.")}
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
        except AnswerError as error:
            query["error"] = error.code
        except UserError as error:
            _logger.info("Online refusal of %s not recorded: %s", order_sudo.name, error.name)
            query["error"] = "generic"
        else:
            query["success"] = "refused"
        return request.redirect("/my/orders/%s?%s" % (order_id, werkzeug.urls.url_encode(query)))
