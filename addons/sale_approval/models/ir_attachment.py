from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError


class IrAttachment(models.Model):
    """The quotation PDF a customer signed is evidence: nobody rewrites or deletes it."""

    _inherit = "ir.attachment"

    def _check_not_signed_quotation(self):
        # the superuser (the code: the portal's acceptance, the deletion of a whole order) only
        if self.env.uid == SUPERUSER_ID or not self.ids:
            return
        self.env.cr.execute("SELECT 1 FROM sale_quotation_answer WHERE document_id IN %s LIMIT 1",
                            [tuple(self.ids)])
        if self.env.cr.fetchone():
            raise AccessError(_("The quotation PDF a customer accepted and signed is kept as evidence: "
                                "it cannot be changed or deleted."))

    @api.multi
    def write(self, vals):
        self._check_not_signed_quotation()
        return super(IrAttachment, self).write(vals)

    @api.multi
    def unlink(self):
        self._check_not_signed_quotation()
        return super(IrAttachment, self).unlink()
