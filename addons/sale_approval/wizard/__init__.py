from . import sale_approval_refuse_wizard
