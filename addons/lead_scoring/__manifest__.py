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
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
