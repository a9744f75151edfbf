from . import test_prevention
from . import test_scan
from . import test_merge
from . import test_merge_undo
from . import test_lead_merge_undo
from . import test_review_18
from . import test_scan_same
from . import test_migrate_keys
