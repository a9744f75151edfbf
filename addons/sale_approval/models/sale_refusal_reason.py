from odoo import fields, models


class SaleRefusalReason(models.Model):
    _name = "sale.refusal.reason"
    _description = "Reason for refusing a quotation"
    _order = "sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    active = fields.Boolean(
        default=True,
    )
    customer_visible = fields.Boolean(
        string="Offered to customers",
        default=True,
        help="Shown in the list a customer picks from when refusing a quotation online.",
    )
