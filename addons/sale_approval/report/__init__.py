from . import sale_approval_analysis_xlsx
