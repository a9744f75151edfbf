from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sale_approval_limit = fields.Float(
        string="Quotation approval limit",
        digits=(16, 2),
        help="Largest untaxed quotation total (company currency) this user may approve; 0 means no limit.",
    )
    sale_approval_manager_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales manager",
        help="Approves this salesperson's quotations under rules that ask for the salesperson's manager.",
    )
    sale_approval_delegate_id = fields.Many2one(
        comodel_name="res.users",
        string="Approval delegate",
        help="Decides in this user's place while they are away.",
    )
    sale_approval_away_until = fields.Date(
        string="Away until",
        help="Up to this day (included), approval requests also go to the delegate.",
    )

    def __init__(self, pool, cr):
        """Let users set their own delegation from their preferences."""
        init_res = super(ResUsers, self).__init__(pool, cr)
        fields_ = ["sale_approval_delegate_id", "sale_approval_away_until"]
        type(self).SELF_WRITEABLE_FIELDS = list(self.SELF_WRITEABLE_FIELDS) + fields_
        type(self).SELF_READABLE_FIELDS = list(self.SELF_READABLE_FIELDS) + fields_
        return init_res

    def _sale_approval_is_away(self, today):
        self.ensure_one()
        return bool(self.sale_approval_delegate_id and self.sale_approval_away_until
                    and self.sale_approval_away_until >= today)
