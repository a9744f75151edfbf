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
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "application": True,
}
