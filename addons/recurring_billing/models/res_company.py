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
    recurring_refund_unused_days = fields.Boolean(
        string="Credit unused days of closed contracts",
        default=True,
        help="Default of new contracts: closing a contract before the end of a period invoiced in advance "
             "credits the days left, prorated.",
    )
