from . import test_invoicing
from . import test_validation
from . import test_lifecycle
from . import test_sale_and_access
from . import test_concurrency
from . import test_xlsx_report
