from . import test_deposit_invoice
from . import test_final_invoice
from . import test_delivery_and_cancellation
from . import test_returns
from . import test_deposit_accounting
from . import test_deposit_properties
from . import test_late_interest
from . import test_deposit_templates
