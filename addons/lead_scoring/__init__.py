from . import models
from . import report
from . import controllers


def uninstall_hook(cr, registry):
    """crm_lead gets back PostgreSQL's default fill factor (see CrmLead.init)."""
    cr.execute("ALTER TABLE crm_lead RESET (fillfactor)")
