from odoo import api, fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    recurring_contract_id = fields.Many2one(
        "recurring.contract",
        string="Contract",
        index=True,
        readonly=True,
        copy=False,
    )

    @api.multi
    def compute_taxes(self):
        # the recurring invoicing run creates a batch of invoices, then computes their tax
        # lines all at once (account.invoice.create would do it invoice by invoice)
        if self.env.context.get("recurring_defer_taxes"):
            return True
        return super(AccountInvoice, self).compute_taxes()
