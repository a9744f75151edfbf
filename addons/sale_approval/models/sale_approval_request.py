from odoo import api, fields, models

from ..lib import approval

STATES = [
    (approval.WAITING, "Waiting for the previous tier"),
    (approval.PENDING, "To approve"),
    (approval.APPROVED, "Approved"),
    (approval.REFUSED, "Refused"),
    (approval.CANCELLED, "Cancelled"),
]


class SaleApprovalRequest(models.Model):
    """One rule's approval of one version of a quotation: who was asked, who decided, when.

    Rows are never deleted: a change to the quotation cancels the open ones and starts a
    new cycle, so the history keeps every version of the amounts that was decided on.
    """

    _name = "sale.approval.request"
    _description = "Quotation approval request"
    _order = "order_id, cycle desc, tier, id"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Quotation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    rule_id = fields.Many2one(
        comodel_name="sale.approval.rule",
        required=True,
        ondelete="restrict",
    )
    tier = fields.Integer(
        required=True,
    )
    cycle = fields.Integer(
        string="Version",
        required=True,
        help="The quotation's approval cycle this request belongs to; a change to the quotation starts a new one.",
    )
    state = fields.Selection(
        selection=STATES,
        required=True,
        default=approval.WAITING,
        index=True,
    )
    approver_ids = fields.Many2many(
        comodel_name="res.users",
        string="Approvers",
        help="Who may decide, delegates of absent approvers included.",
    )
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Requested by",
    )
    requested_on = fields.Datetime()
    mailed_on = fields.Datetime(
        string="Approval e-mail sent on",
        help="When the approvers were last e-mailed about this request (at the request, or sent again).",
    )
    decided_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Decided by",
    )
    decided_for_id = fields.Many2one(
        comodel_name="res.users",
        string="Decided for",
        help="The absent approver a delegate decided for.",
    )
    decided_on = fields.Datetime()
    hours_to_decision = fields.Float(
        string="Hours to decision",
        digits=(16, 2),
        group_operator="avg",
    )
    refusal_reason_id = fields.Many2one(
        comodel_name="sale.refusal.reason",
        string="Refusal reason",
    )
    refusal_note = fields.Text()
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
    )
    amount_untaxed = fields.Monetary(
        string="Untaxed total asked",
        group_operator="sum",
    )
    amount_total = fields.Monetary(
        string="Total asked",
        group_operator="sum",
    )
    salesperson_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales team",
    )

    @api.multi
    def _decide(self, state, user, on_behalf=None, reason=None, note=None):
        now = fields.Datetime.now()
        for request in self:
            started = fields.Datetime.from_string(request.requested_on or now)
            hours = (fields.Datetime.from_string(now) - started).total_seconds() / 3600.0
            request.write({
                "state": state, "decided_by_id": user.id, "decided_on": now,
                "decided_for_id": on_behalf.id if on_behalf else False,
                "hours_to_decision": hours,
                "refusal_reason_id": reason.id if reason else False, "refusal_note": note or False,
            })
