from odoo import api, fields, models
from odoo.addons import decimal_precision as dp

from ..lib import recurrence


class RecurringContractAmendment(models.Model):
    """A dated change of a contract line's quantity or price, made before its date. It is
    applied by the invoicing run once every period before it is invoiced, so that those
    periods bill the old terms and the later ones the new terms; a change within a period
    gives a prorated adjustment on the next invoice."""

    _name = "recurring.contract.amendment"
    _description = "Scheduled change of a contract line"
    _order = "date, id"

    line_id = fields.Many2one(
        "recurring.contract.line",
        required=True,
        ondelete="cascade",
        index=True,
    )
    contract_id = fields.Many2one(
        related="line_id.contract_id",
        store=True,
        readonly=True,
        index=True,
    )
    date = fields.Date(
        string="Effective date",
        required=True,
        help="First day of the new quantity and price.",
    )
    quantity = fields.Float(
        string="New quantity",
        digits=dp.get_precision("Product Unit of Measure"),
        required=True,
    )
    price_unit = fields.Float(
        string="New unit price",
        digits=dp.get_precision("Product Price"),
        required=True,
    )
    old_quantity = fields.Float(
        string="Previous quantity",
        digits=dp.get_precision("Product Unit of Measure"),
        readonly=True,
    )
    old_price_unit = fields.Float(
        string="Previous unit price",
        digits=dp.get_precision("Product Price"),
        readonly=True,
    )
    state = fields.Selection(
        [("pending", "Scheduled"), ("applied", "Applied")],
        default="pending",
        required=True,
        readonly=True,
    )

    @api.multi
    def _apply_before(self, period):
        """Apply the pending changes effective on or before the first day of ``period``,
        which is about to be invoiced: the periods before it are invoiced."""
        for amendment in self.filtered(lambda a: a.state == "pending").sorted(lambda a: (a.date, a.id)):
            day = fields.Date.from_string(amendment.date)
            if day > period.start:
                continue
            contract = amendment.contract_id
            kwargs = contract._recurrence_kwargs()
            containing = recurrence.period_of(kwargs["anchor"] or kwargs["date_start"], day,
                                              kwargs["interval"], kwargs["unit"])
            line = amendment.line_id
            amendment.write({"old_quantity": line.quantity, "old_price_unit": line.price_unit, "state": "applied"})
            line.with_context(recurring_apply_now=True, recurring_amendment_recorded=True).apply_change(
                amendment.date, quantity=amendment.quantity, price_unit=amendment.price_unit,
                period_invoiced=containing.start < period.start)
