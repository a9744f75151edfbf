from . import sale_approval_refuse_wizard
from . import sale_approval_mass_wizard
from . import sale_approval_analysis_wizard
