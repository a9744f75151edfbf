from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# what lets the contract's Pause and Resume buttons write pauses: an object no caller can put
# in a context (an RPC context is JSON), unlike a flag
_PAUSE_WRITE = object()


class RecurringContractPause(models.Model):
    """A pause of a contract, both days included: its days are not billed (a period
    partly paused is billed for its other days).

    Pauses are made by the contract's Pause and Resume buttons (``action_pause``,
    ``action_resume``), which credit the paused days of the periods invoiced in advance. A
    pause written directly must end, must not overlap another one, and must not hold a
    day of a period already invoiced (its days would be neither credited nor billed)."""

    _name = "recurring.contract.pause"
    _inherit = "recurring.access.guard"
    _description = "Pause of a contract"
    _order = "date_start"

    contract_id = fields.Many2one(
        "recurring.contract",
        required=True,
        ondelete="cascade",
        index=True,
    )
    date_start = fields.Date(
        required=True,
    )
    date_end = fields.Date(
        help="Last paused day; empty while the contract is still paused.",
    )

    @api.model
    def create(self, values):
        self._guard_values(values)
        pause = super(RecurringContractPause, self).create(values)
        if not self._pause_trusted():
            pause._check_direct_pause()
        return pause

    @api.multi
    def write(self, values):
        self._guard_values(values)
        if not self._pause_trusted() and set(values) & {"contract_id", "date_start", "date_end"}:
            # the days it paused before the write count too: they may have been credited
            self._check_direct_pause()
            result = super(RecurringContractPause, self).write(values)
            self._check_direct_pause()
            return result
        return super(RecurringContractPause, self).write(values)

    @api.model
    def _pause_trusted(self):
        """The Pause and Resume buttons only. Not the superuser: in Odoo 11 it is also the
        Administrator who signs in, and a pause over an invoiced period is wrong whoever writes it."""
        return self.env.context.get("recurring_pause_write") is _PAUSE_WRITE

    @api.model
    def _app(self):
        """These pauses as the Pause and Resume buttons write them: as the application (users
        read pauses, never write them), once the button checked the user may edit the contract."""
        return self.sudo().with_context(recurring_pause_write=_PAUSE_WRITE)

    @api.multi
    def _check_direct_pause(self):
        for pause in self:
            contract = pause.contract_id
            if not pause.date_end:
                raise UserError(_("A pause of contract %s without an end is made by the Pause button (the Resume "
                                  "button ends it): give the pause its last day.") % contract.name)
            claims = contract.sudo().period_ids.filtered(
                lambda p: p.date_start <= pause.date_end and p.date_end >= pause.date_start)
            if claims:
                claim = claims.sorted("date_start")[0]
                raise UserError(_(
                    "The period of contract %(name)s from %(start)s to %(end)s is already invoiced: a pause "
                    "cannot cover its days, they would be neither billed nor credited. Date the pause after "
                    "%(last)s, or use the Pause and Resume buttons (they credit the paused days already "
                    "invoiced).") % {
                    "name": contract.name,
                    "start": contract._format_date(fields.Date.from_string(claim.date_start)),
                    "end": contract._format_date(fields.Date.from_string(claim.date_end)),
                    "last": contract._format_date(fields.Date.from_string(max(claims.mapped("date_end"))))})

    @api.constrains("contract_id", "date_start", "date_end")
    def _check_dates(self):
        for pause in self:
            if pause.date_end and pause.date_end < pause.date_start:
                raise ValidationError(_("A pause ends on or after its first day: %(end)s is before %(start)s.") % {
                    "end": pause.date_end, "start": pause.date_start})
            for other in pause.contract_id.pause_ids - pause:
                if (not other.date_end or other.date_end >= pause.date_start) \
                        and (not pause.date_end or pause.date_end >= other.date_start):
                    raise ValidationError(_("Pauses of contract %(name)s overlap: from %(start)s to %(end)s and "
                                            "from %(other_start)s to %(other_end)s.") % {
                        "name": pause.contract_id.name, "start": pause.date_start,
                        "end": pause.date_end or _("now"), "other_start": other.date_start,
                        "other_end": other.date_end or _("now")})
