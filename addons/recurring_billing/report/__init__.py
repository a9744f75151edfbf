from . import recurring_revenue_report
