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
    def _recurring_claims(self, invoice_lines=None, action="delete"):
        """The invoiced periods (claims) these draft invoices hold, or only those no other line
        of their invoice bills once ``invoice_lines`` are removed, their contracts locked (the
        invoicing run locks the contract it bills: wait for it, never release a period it
        claims). A closed contract is not invoiced any more: releasing its periods is refused,
        as they would never be billed again (except to the superuser)."""
        Period = self.env["recurring.contract.period"].sudo()
        if not self.ids:
            return Period
        periods = Period.search([("invoice_id", "in", self.ids)])
        if invoice_lines is not None:
            kept = {(line.invoice_id.id, line.recurring_period_start)
                    for line in self.mapped("invoice_line_ids") - invoice_lines if line.recurring_period_start}
            removed = {(line.invoice_id.id, line.recurring_period_start) for line in invoice_lines}
            periods = periods.filtered(lambda p: (p.invoice_id.id, p.date_start) in removed - kept)
        contracts = periods.mapped("contract_id")
        if contracts:
            self.env.cr.execute("SELECT id FROM recurring_contract WHERE id IN %s FOR UPDATE",
                                (tuple(contracts.ids),))
            contracts.invalidate_cache(["state"])
        closed = contracts.browse() if self.env.uid == SUPERUSER_ID else contracts.filtered(
            lambda c: c.state == "closed")
        for contract in closed:
            invoice = periods.filtered(lambda p: p.contract_id == contract)[:1].invoice_id
            values = {"invoice": invoice.number or invoice.display_name, "contract": contract.name}
            if action == "cancel":
                raise UserError(_("%(invoice)s cannot be cancelled as a draft: contract %(contract)s is closed and "
                                  "would never bill its periods again. Validate the invoice, then cancel it with a "
                                  "credit note.") % values)
            if action == "remove":
                raise UserError(_("The lines of the periods of %(invoice)s cannot be removed: contract %(contract)s "
                                  "is closed and would never bill them again. Validate the invoice, then correct it "
                                  "with a credit note.") % values)
            raise UserError(_("%(invoice)s cannot be deleted: contract %(contract)s is closed and would never "
                              "bill its periods again. Validate the invoice, then cancel it with a credit note.")
                            % values)
        return periods

    @api.model
    def _release_recurring_claims(self, periods):
        """Release ``periods``: the next run bills them again, once."""
        if periods:
            contracts = periods.mapped("contract_id")
            periods.unlink()
            contracts._compute_next_invoice_date()

    @api.multi
    def unlink(self):
        """Odoo deletes an invoice never validated (a draft): the periods it billed are released
        (the next run bills them again, once) and its usage and adjustments become not invoiced
        again (their link to its lines is emptied by the database). A closed contract is not
        invoiced any more: deleting its invoice is refused, as it would leave its periods never
        billed (except to the superuser)."""
        periods = self._recurring_claims()
        result = super(AccountInvoice, self).unlink()
        self._release_recurring_claims(periods)
        return result

    @api.multi
    def action_invoice_cancel(self):
        """A draft invoice of a contract cancelled: as when it is deleted, its periods, usage and
        adjustments are released and the next run bills them again, once. A validated invoice
        cancelled keeps them (its journal entry was the billing)."""
        drafts = self.filtered(lambda invoice: invoice.state == "draft" and invoice.recurring_contract_id)
        periods = drafts._recurring_claims(action="cancel")
        result = super(AccountInvoice, self).action_invoice_cancel()
        lines = drafts.mapped("invoice_line_ids")
        if lines:
            for model in ("recurring.usage", "recurring.contract.adjustment"):
                self.env[model].sudo().search([("invoice_line_id", "in", lines.ids)]).write(
                    {"invoice_line_id": False})
        self._release_recurring_claims(periods)
        return result

    @api.multi
    def action_invoice_draft(self):
        """A contract's draft invoice cancelled released what it billed (billed again by the next
        run): it cannot come back as a draft, it would bill it twice."""
        for invoice in self.filtered(lambda i: i.state == "cancel" and i.recurring_contract_id):
            lines = invoice.invoice_line_ids
            held = self.env["recurring.contract.period"].sudo().search_count([("invoice_id", "=", invoice.id)]) \
                or any(self.env[model].sudo().search_count([("invoice_line_id", "in", lines.ids)])
                       for model in ("recurring.usage", "recurring.contract.adjustment"))
            if not held:
                raise UserError(_("%(invoice)s was cancelled as a draft: contract %(contract)s bills its periods "
                                  "again on its next invoice, so it cannot be reset to draft. Create a new invoice "
                                  "if something else must be billed.") % {
                    "invoice": invoice.display_name, "contract": invoice.recurring_contract_id.name})
        return super(AccountInvoice, self).action_invoice_draft()
