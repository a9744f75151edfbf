from . import crm_lead_intake
