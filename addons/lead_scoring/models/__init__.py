from . import res_company
from . import lead_scoring_rule
from . import crm_lead_event
from . import lead_scoring_model
from . import crm_lead
from . import crm_lead_assignment_rule
