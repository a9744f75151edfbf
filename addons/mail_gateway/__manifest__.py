{
    "name": "Mail Gateway",
    "summary": "Incoming e-mail becomes leads and messages on the right record, never lost, never doubled",
    "version": "11.0.1.0.0",
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
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
