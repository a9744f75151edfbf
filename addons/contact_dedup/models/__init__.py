from . import contact_dedup_exclusion
from . import contact_dedup_group
from . import contact_dedup_merge_log
from . import contact_dedup_pair
from . import contact_dedup_weight
from . import crm_lead
from . import res_config_settings
from . import res_partner
