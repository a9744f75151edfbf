from . import contact_dedup_merge
from . import contact_dedup_settings
