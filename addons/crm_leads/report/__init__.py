from . import crm_lead_forecast_report
