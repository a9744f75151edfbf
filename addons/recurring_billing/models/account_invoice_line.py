from odoo import fields, models


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
