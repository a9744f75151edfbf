from . import crm_lead_forecast_report
from . import crm_lead_pipeline_xlsx
from . import crm_lead_pipeline_summary
