{
    "name": "CRM Lead Intake",
    "summary": "Capture leads by web service and website form, qualify, route and assign them, "
               "forecast and export the pipeline",
    "version": "11.0.1.1.0",
    "license": "AGPL-3",
    "author": "Lead-to-Cash Team",
    "website": "https://example.com/lead-to-cash",
    "category": "Sales",
    "depends": [
        "crm",
        "sale_crm",
        "report_xlsx",
    ],
    "data": [
        "security/crm_leads_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/crm_lead_views.xml",
        "views/crm_lead_api_key_views.xml",
        "views/crm_lead_assignment_rule_views.xml",
        "views/crm_team_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_lead_form_templates.xml",
        "report/crm_lead_forecast_report_views.xml",
        "report/crm_lead_pipeline_reports.xml",
    ],
    "demo": [
        "demo/crm_leads_demo.xml",
    ],
    "installable": True,
    "application": True,
}
