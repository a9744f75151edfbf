from . import test_invoicing
