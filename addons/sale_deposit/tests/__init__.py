import os

from . import test_deposit_invoice
from . import test_final_invoice
from . import test_delivery_and_cancellation
from . import test_returns
from . import test_deposit_accounting
from . import test_late_interest
from . import test_deposit_templates
from . import test_deposit_review19
from . import test_review19_open_points
from . import test_review19_third_round
from . import test_review19_fourth_round
from . import test_review19_third_review_points

# The 200 random order histories: the test command (scripts/test) runs them in an Odoo
# process of their own, beside this addon's other tests, and names them in L2C_TESTS_APART
# for the processes that install the addon with its tests. Anywhere else (an integrator's
# `odoo-bin --test-enable -i sale_deposit`) they run here with the others.
if "sale_deposit.tests.test_deposit_properties" not in os.environ.get("L2C_TESTS_APART", "").split(","):
    from . import test_deposit_properties
