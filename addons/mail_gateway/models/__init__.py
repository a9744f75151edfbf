from . import mail_gateway_rule
from . import mail_gateway_message
from . import mail_gateway_imap_folder
from . import crm_lead
from . import fetchmail_server
from . import res_config_settings
