from . import recurring_contract_change_wizard
