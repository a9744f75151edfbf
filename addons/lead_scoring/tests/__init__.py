from . import test_lead_score
from . import test_scoring_rule
from . import test_predictive
from . import test_report
from . import test_assignment
from . import test_full_recompute
from . import test_event_company
from . import test_priority_manual
