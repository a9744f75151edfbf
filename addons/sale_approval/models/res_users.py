from odoo import _, api, fields, models

from ..lib import approval


class ResUsers(models.Model):
    _inherit = "res.users"

    sale_approval_limit = fields.Float(
        string="Quotation approval limit",
        digits=(16, 2),
        help="Largest untaxed quotation total (company currency) this user may approve; 0 means no limit.",
    )
    sale_approval_manager_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales manager",
        help="Approves this salesperson's quotations under rules that ask for the salesperson's manager.",
    )
    sale_approval_delegate_id = fields.Many2one(
        comodel_name="res.users",
        string="Approval delegate",
        help="Decides in this user's place while they are away.",
    )
    sale_approval_away_until = fields.Date(
        string="Away until",
        help="Up to this day (included), approval requests also go to the delegate.",
    )

    def __init__(self, pool, cr):
        """Let users set their own delegation from their preferences."""
        init_res = super(ResUsers, self).__init__(pool, cr)
        fields_ = ["sale_approval_delegate_id", "sale_approval_away_until"]
        type(self).SELF_WRITEABLE_FIELDS = list(self.SELF_WRITEABLE_FIELDS) + fields_
        type(self).SELF_READABLE_FIELDS = list(self.SELF_READABLE_FIELDS) + fields_
        return init_res

    def _sale_approval_is_away(self, today):
        self.ensure_one()
        return bool(self.sale_approval_delegate_id and self.sale_approval_away_until
                    and self.sale_approval_away_until >= today)

    @api.multi
    def write(self, vals):
        result = super(ResUsers, self).write(vals)
        if {"sale_approval_delegate_id", "sale_approval_away_until"} & set(vals):
            self._sale_approval_hand_over()
        return result

    def _sale_approval_hand_over(self):
        """A delegation that starts: the open requests already waiting for these users become the
        delegate's too, and the delegate is told about those he can decide now (activity, e-mail)."""
        today = fields.Date.context_today(self)
        Request = self.env["sale.approval.request"].sudo()
        for user in self.sudo():
            if not user._sale_approval_is_away(today):
                continue
            delegate = user.sale_approval_delegate_id
            requests = Request.search([
                ("approver_ids", "in", user.ids), ("state", "in", (approval.WAITING, approval.PENDING)),
                ("order_id.state", "in", ("draft", "sent"))])
            requests = requests.filtered(lambda request: request.cycle == request.order_id.approval_cycle
                                         and delegate not in request.approver_ids)
            if not requests:
                continue
            requests.write({"approver_ids": [(4, delegate.id)]})
            for order in requests.mapped("order_id"):
                pending = requests.filtered(lambda request: request.order_id == order
                                            and request.state == approval.PENDING)
                if pending and order.approval_state == "pending":
                    order.with_context(lang=delegate.lang or self.env.lang)._approval_notify(pending, users=delegate)
                order.message_post(author_id=self.env.user.partner_id.id, subtype="mail.mt_note", body=_(
                    "%(delegate)s decides in place of %(user)s, away until %(date)s.") % {
                        "delegate": delegate.name, "user": user.name, "date": user.sale_approval_away_until})
        return True
