from . import crm_lead_export_selection
