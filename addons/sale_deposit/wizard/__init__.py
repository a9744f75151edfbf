from . import sale_deposit_wizard
