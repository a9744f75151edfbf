{
    "name": "Sale Deposits",
    "summary": "Deposits on sales orders: acompte, arrhes, avoir, deduction on the final invoice, payment before delivery",
    "version": "11.0.1.0.0",
    "license": "AGPL-3",
    "author": "Lead-to-Cash Team",
    "website": "https://example.com/lead-to-cash",
    "category": "Sales",
    "depends": [
        "sale_management",
        "sale_stock",
        "account_invoicing",
    ],
    "data": [
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
