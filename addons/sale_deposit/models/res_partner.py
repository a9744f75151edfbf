from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

from .sale_order import OVERRIDE_FIELDS


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sale.deposit.terms.mixin"]

    deposit_template_id = fields.Many2one(
        "sale.deposit.template",
        string="Deposit template",
        company_dependent=True,
        help="The deposit terms this customer's new quotations start from, in the current company: they come "
             "before the customer's own terms and the company's defaults; a template picked on the quotation "
             "comes first.",
    )

    @api.model
    def create(self, vals):
        self._deposit_check_override(vals)
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        self._deposit_check_override(vals)
        return super(ResPartner, self).write(vals)

    def _deposit_check_override(self, vals):
        """Confirming or delivering before the deposit is paid is a sales manager's decision, on
        the customer as on the order: anyone else may only write the value the customer already
        has (or, on a new customer, the default), as a form saving every field does."""
        names = [name for name in OVERRIDE_FIELDS if name in vals]
        if not names or self.env.uid == SUPERUSER_ID or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        defaults = self.default_get(names) if not self else {}
        for name in names:
            current = {bool(partner[name]) for partner in self} if self else {bool(defaults.get(name))}
            if current != {bool(vals[name])}:
                raise AccessError(_("Only a sales manager can change \"%s\" on a customer.")
                                  % self._fields[name].get_description(self.env)["string"])
