from . import sale_deposit_wizard
from . import sale_advance_payment_inv
