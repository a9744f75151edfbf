from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    recurring_invoice_date = fields.Selection(
        [("run", "The day the invoice is made"), ("period", "The period's invoicing day")],
        string="Date of recurring invoices",
        default="run",
        required=True,
        help="The day the invoice is made keeps invoice numbers in date order (French rule); "
             "the period always stays on the invoice lines.",
    )
