from . import test_routing
from . import test_store_first
from . import test_hostile_input
from . import test_message_id_reuse
