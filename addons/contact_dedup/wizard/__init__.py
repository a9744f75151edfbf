from . import contact_dedup_merge
