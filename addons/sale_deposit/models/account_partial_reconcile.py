from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def create_tax_cash_basis_entry(self, percentage_before_rec):
        """The VAT of deposits deducted before their payment is declared once (see
        ``sale.order._deposit_declare_deducted_vat``); once an order's deposit documents with VAT due on
        payment are all settled, the cents Odoo's cash basis left on the waiting account by rounding each
        partial payment move to the VAT collected (see ``sale.order._deposit_clear_cash_basis_residue``)."""
        result = super(AccountPartialReconcile, self).create_tax_cash_basis_entry(percentage_before_rec)
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        orders = self.env["account.invoice"].sudo().search(
            [("move_id", "in", moves.ids), ("deposit_order_id", "!=", False)]).mapped("deposit_order_id")
        if orders:
            orders._deposit_declare_deducted_vat()
            orders._deposit_clear_cash_basis_residue()
        return result
