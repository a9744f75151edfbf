from . import test_rules
from . import test_cycle
from . import test_customer_answer
from . import test_approval_link
from . import test_mass_decision
from . import test_analysis_xlsx
from . import test_resend
from . import test_with_sale_deposit
