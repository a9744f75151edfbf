from . import test_intake_pipeline
from . import test_api_key
from . import test_assignment
from . import test_conversion
from . import test_access
from . import test_forecast
from . import test_website_form
from . import test_pipeline_export
