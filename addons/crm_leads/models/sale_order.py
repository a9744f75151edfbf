from odoo import api, models

from .. import access_guard

# links of a quotation its users set (the form, RPC, an import): to records they may read.
# Odoo 11 reads a many2one's name as superuser: an order pointed at another team's opportunity
# (sale_crm), an employee's private address or another company's team, salesperson, pricelist,
# terms, fiscal position or analytic account would show its name.
LINK_FIELDS = ("opportunity_id", "partner_id", "partner_invoice_id", "partner_shipping_id", "team_id", "user_id",
               "pricelist_id", "payment_term_id", "fiscal_position_id", "analytic_account_id")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def create(self, vals):
        access_guard.check_links(self, access_guard.link_values(self, vals, LINK_FIELDS), LINK_FIELDS)
        return super(SaleOrder, self).create(vals)

    @api.multi
    def write(self, vals):
        access_guard.check_links(self, vals, LINK_FIELDS)
        return super(SaleOrder, self).write(vals)
