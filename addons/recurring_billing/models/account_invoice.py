from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError


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

    @api.multi
    def unlink(self):
        """Odoo deletes an invoice never validated (a draft): the periods it billed are released
        (the next run bills them again, once) and its usage and adjustments become not invoiced
        again (their link to its lines is emptied by the database). A closed contract is not
        invoiced any more: deleting its invoice is refused, as it would leave its periods never
        billed (except to the superuser)."""
        Period = self.env["recurring.contract.period"].sudo()
        periods = Period.search([("invoice_id", "in", self.ids)]) if self.ids else Period
        contracts = periods.mapped("contract_id")
        if contracts:
            # the invoicing run locks the contract it bills: wait for it, never release a period it claims
            self.env.cr.execute("SELECT id FROM recurring_contract WHERE id IN %s FOR UPDATE",
                                (tuple(contracts.ids),))
            contracts.invalidate_cache(["state"])
        # the superuser (scripts cleaning up) deletes what it must, as it deletes contracts
        closed = contracts.browse() if self.env.uid == SUPERUSER_ID else contracts.filtered(
            lambda c: c.state == "closed")
        for contract in closed:
            invoice = periods.filtered(lambda p: p.contract_id == contract)[:1].invoice_id
            raise UserError(_("%(invoice)s cannot be deleted: contract %(contract)s is closed and would never "
                              "bill its periods again. Validate the invoice, then cancel it with a credit note.") % {
                "invoice": invoice.number or invoice.display_name, "contract": contract.name})
        result = super(AccountInvoice, self).unlink()
        if periods:
            periods.unlink()
            contracts._compute_next_invoice_date()
        return result
