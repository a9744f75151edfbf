"""11.0.1.1.0: leads stored with a NaN or infinite expected revenue (before the web service
refused them) get 0, the ids logged; nothing is posted in their chatter."""
from odoo.addons.crm_leads.models.crm_lead import clean_non_finite_revenue


def migrate(cr, version):
    if version:
        clean_non_finite_revenue(cr)
