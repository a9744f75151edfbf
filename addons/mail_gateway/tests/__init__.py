from . import test_routing
from . import test_store_first
