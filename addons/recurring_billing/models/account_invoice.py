from odoo import fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    recurring_contract_id = fields.Many2one(
        "recurring.contract",
        string="Contract",
        index=True,
        readonly=True,
        copy=False,
    )
