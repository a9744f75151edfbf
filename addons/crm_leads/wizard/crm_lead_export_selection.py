from odoo import api, fields, models


class CrmLeadExportSelection(models.TransientModel):
    """The leads selected for a CSV download too many to name in its address (only the
    user who made it can read it; cleaned like every transient record)."""

    _name = "crm.lead.export.selection"
    _description = "Leads selected for a pipeline download"

    lead_ids_text = fields.Text(required=True)

    @api.multi
    def lead_ids(self):
        self.ensure_one()
        return [int(lead_id) for lead_id in self.lead_ids_text.split(",") if lead_id.isdigit()]
