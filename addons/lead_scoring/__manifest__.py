{
    "name": "Lead Scoring",
    "summary": "Rule-based and predictive lead scoring with behaviour events, decay and explanations",
    "version": "11.0.1.0.0",
    "license": "AGPL-3",
    "author": "Lead-to-Cash Team",
    "website": "https://example.com/lead-to-cash",
    "category": "Sales",
    "depends": [
        "crm_leads",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/lead_scoring_security.xml",
        "data/lead_scoring_cron.xml",
        "views/crm_lead_event_views.xml",
        "views/crm_lead_views.xml",
        "views/lead_scoring_rule_views.xml",
        "views/lead_scoring_model_views.xml",
        "views/res_company_views.xml",
        "report/lead_scoring_report_views.xml",
        "views/lead_scoring_menus.xml",
    ],
    "demo": [
        "demo/lead_scoring_demo.xml",
    ],
    "installable": True,
    "application": False,
}
