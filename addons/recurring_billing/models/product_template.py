from odoo import fields, models

from .recurring_contract import UNIT_SELECTION


class ProductTemplate(models.Model):
    _inherit = "product.template"

    recurring_ok = fields.Boolean(
        string="Subscription product",
        help="Sold on a sales order, it starts a recurring contract instead of being invoiced once.",
    )
    recurring_interval = fields.Integer(
        string="Invoice every",
        default=1,
    )
    recurring_unit = fields.Selection(
        UNIT_SELECTION,
        string="Period",
        default="month",
    )
