from . import recurring_contract_change_wizard
from . import recurring_contract_line_stop_wizard
