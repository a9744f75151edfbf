{
    "name": "Mail Gateway",
    "summary": "Incoming e-mail becomes leads and messages on the right record, never lost, never doubled",
    "version": "11.0.1.2.0",
    "license": "AGPL-3",
    "author": "Lead-to-Cash Team",
    "website": "https://example.com/lead-to-cash",
    "category": "Sales",
    "depends": [
        "crm_leads",
        "fetchmail",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/mail_gateway_security.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/mail_gateway_message_views.xml",
        "views/mail_gateway_rule_views.xml",
        "views/fetchmail_server_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/mail_gateway_rule_demo.xml",
    ],
    "installable": True,
    "application": False,
}
