from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError


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

    @api.multi
    def write(self, values):
        # the invoicing of a contract links its invoices: a user linking another invoice to a
        # contract would show it on the contract's customer portal page
        if "recurring_contract_id" in values and self.env.uid != SUPERUSER_ID:
            raise AccessError(_("%(field)s (%(technical)s) of %(model)s is set by the application, not by "
                                "users.") % {"field": self._fields["recurring_contract_id"].get_description(
                                    self.env)["string"], "technical": "recurring_contract_id",
                                    "model": self.env["ir.model"]._get(self._name).name})
        return super(AccountInvoice, self).write(values)
