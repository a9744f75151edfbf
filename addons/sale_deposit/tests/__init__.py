from . import test_deposit_invoice
