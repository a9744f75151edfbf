{
    "name": "Recurring Billing",
    "summary": "Subscriptions and contracts invoiced automatically, with proration, usage, renewals and reports",
    "version": "11.0.1.0.0",
    "license": "AGPL-3",
    "author": "Lead-to-Cash Team",
    "website": "https://example.com/lead-to-cash",
    "category": "Sales",
    "depends": [
        "sale_management",
        "account_invoicing",
        "portal",
    ],
    "data": [
        "security/recurring_billing_security.xml",
        "security/ir.model.access.csv",
        "data/recurring_contract_data.xml",
        "data/mail_template_data.xml",
        "views/recurring_contract_views.xml",
        "views/recurring_revenue_report_views.xml",
        "views/product_template_views.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/recurring_billing_demo.xml",
    ],
    "installable": True,
    "application": True,
}
