from odoo import api, fields, models


class AccountInvoiceLine(models.Model):
    _inherit = "account.invoice.line"

    recurring_period_start = fields.Date(
        string="Period start",
        readonly=True,
        copy=False,
    )
    recurring_period_end = fields.Date(
        string="Period end",
        readonly=True,
        copy=False,
    )

    @api.multi
    def unlink(self):
        """A line billing a contract's period removed from a draft invoice: once no line of
        the invoice bills that period, the period is released and the next run bills it again,
        once (its usage and adjustments removed with it are not invoiced any more either: their
        link is emptied by the database)."""
        drafts = self.filtered(lambda line: line.recurring_period_start and line.invoice_id.state == "draft"
                               and line.invoice_id.recurring_contract_id).mapped("invoice_id")
        periods = drafts._recurring_claims(self, action="remove") if drafts else None
        result = super(AccountInvoiceLine, self).unlink()
        if periods:
            drafts._release_recurring_claims(periods)
        return result
