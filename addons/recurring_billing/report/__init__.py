from . import recurring_revenue_report
from . import recurring_contract_xlsx
