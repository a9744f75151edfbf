from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class ApprovalLink(http.Controller):
    """Approve or refuse a quotation from the approval request e-mail.

    The links are signed per approver and per version of the quotation's amounts (see
    ``sale.order._approval_link_url``) and are followed *signed in as that approver*
    (``auth="user"``): the token alone would let whoever holds the e-mail (a forwarded mail,
    a shared mailbox, a mail scanner following links) decide in the approver's name, while a
    session ties the decision to the person, runs it with their rights and limit, and the
    token still proves the link was issued to them for these amounts.
    """

    def _render(self, order, action, token, problem=None, done=None, status=200, retry=False):
        values = {
            "order": order, "action": action, "token": token, "problem": problem, "done": done, "retry": retry,
            "reasons": request.env["sale.refusal.reason"].search([]),
        }
        return request.render("sale_approval.approval_link_page", values, status=status)

    def _order(self, order_id, action, token):
        """(order as the current user, problem sentence or False)."""
        order = request.env["sale.order"].browse(order_id).exists()
        if not order:
            return order, _("This quotation does not exist any more.")
        try:
            order.check_access_rights("read")
            order.check_access_rule("read")
        except AccessError:
            return order.browse(), _("You may not read this quotation.")
        return order, order._approval_link_problem(action, token)

    def _decide(self, order, action, token, **decision):
        try:
            with request.env.cr.savepoint():
                if action == "approve":
                    order.action_approval_approve()
                else:
                    order.action_approval_refuse(**decision)
        except UserError as error:
            return self._render(order, action, token, problem=error.name, status=403)
        done = _("You approved %s.") if action == "approve" else _("You refused %s.")
        return self._render(order, action, token, done=done % order.name)

    @http.route("/sale_approval/<int:order_id>/approve", type="http", auth="user", methods=["GET"])
    def approve(self, order_id, token=None, **kwargs):
        order, problem = self._order(order_id, "approve", token)
        if problem:
            return self._render(order, "approve", token, problem=problem, status=403)
        return self._decide(order, "approve", token)

    @http.route("/sale_approval/<int:order_id>/refuse", type="http", auth="user", methods=["GET", "POST"])
    def refuse(self, order_id, token=None, reason_id=None, note=None, **kwargs):
        order, problem = self._order(order_id, "refuse", token)
        if problem:
            return self._render(order, "refuse", token, problem=problem, status=403)
        if request.httprequest.method != "POST":
            return self._render(order, "refuse", token)
        reason = request.env["sale.refusal.reason"]
        if reason_id and reason_id.isdigit():
            reason = reason.browse(int(reason_id)).exists()
        note = (note or "").strip()
        if not reason and not note:
            return self._render(order, "refuse", token, problem=_("Say why the quotation is refused."),
                                status=400, retry=True)
        return self._decide(order, "refuse", token, reason=reason, note=note or None)
