{
    "name": "Contact Deduplication",
    "summary": "Find, prevent and merge duplicate companies, contacts and leads",
    "version": "11.0.1.0.0",
    "license": "AGPL-3",
    "author": "Lead-to-Cash Team",
    "website": "https://example.com/lead-to-cash",
    "category": "Sales",
    "depends": [
        "crm_leads",
        "contacts",
    ],
    "external_dependencies": {
        "python": ["phonenumbers"],
    },
    "data": [
        "security/contact_dedup_security.xml",
        "security/ir.model.access.csv",
        "data/contact_dedup_cron.xml",
        "views/contact_dedup_group_views.xml",
        "views/contact_dedup_merge_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
