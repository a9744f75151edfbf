from . import lead_scoring_report
