from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SaleApprovalMassWizard(models.TransientModel):
    """Approve or refuse the quotations selected in the list, one reason for all refusals.

    Each quotation is checked for the current user (something waits for them on it, within
    their approval limit); those they may not decide are listed before and after, never
    skipped silently.
    """

    _name = "sale.approval.mass.wizard"
    _description = "Approve or refuse several quotations"

    action = fields.Selection(
        selection=[("approve", "Approve"), ("refuse", "Refuse")],
        required=True,
        readonly=True,
    )
    order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Selected quotations",
        readonly=True,
    )
    allowed_count = fields.Integer(
        string="Quotations you may decide",
        compute="_compute_problems",
    )
    problems = fields.Text(
        string="Not decided by you",
        compute="_compute_problems",
    )
    reason_id = fields.Many2one(
        comodel_name="sale.refusal.reason",
        string="Reason",
    )
    note = fields.Text(
        string="Explanation",
    )
    state = fields.Selection(
        selection=[("draft", "To decide"), ("done", "Done")],
        default="draft",
        readonly=True,
    )
    result = fields.Text(
        readonly=True,
    )

    @api.depends("order_ids", "action", "state")
    def _compute_problems(self):
        for wizard in self:
            problems = wizard.order_ids._approval_decision_problems(self.env.user, wizard.action)
            wizard.allowed_count = len(wizard.order_ids) - len(problems)
            wizard.problems = "\n".join(problems.values()) or False

    def _reopen(self):
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
            "view_mode": "form", "target": "new",
            "name": _("Approve quotations") if self.action == "approve" else _("Refuse quotations"),
        }

    @api.multi
    def action_apply(self):
        self.ensure_one()
        problems = self.order_ids._approval_decision_problems(self.env.user, self.action)
        allowed = self.order_ids.filtered(lambda order: order not in problems)
        if not allowed:
            raise UserError(_("None of the selected quotations can be decided by you:\n%s")
                            % "\n".join(problems.values()))
        if self.action == "approve":
            allowed.action_approval_approve()
            done = _("Approved: %s") % ", ".join(allowed.mapped("name"))
        else:
            note = (self.note or "").strip()
            if not self.reason_id and not note:
                raise UserError(_("Say why the quotations are refused."))
            allowed.action_approval_refuse(reason=self.reason_id, note=note or None)
            done = _("Refused: %s") % ", ".join(allowed.mapped("name"))
        lines = [done]
        if problems:
            lines.append(_("Not decided:"))
            lines.extend(problems.values())
        self.write({"state": "done", "result": "\n".join(lines)})
        return self._reopen()
