import logging

from odoo import SUPERUSER_ID, api

from .lib import fellegi_sunter

_logger = logging.getLogger(__name__)


def pre_init_hook(cr):
    """pg_trgm gives the fuzzy name index (the database role must be allowed to create it)."""
    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def post_init_hook(cr, registry):
    """Trigram index on normalised names, then the keys of every existing partner (set-based)."""
    cr.execute("CREATE INDEX IF NOT EXISTS res_partner_dedup_name_trgm ON res_partner "
               "USING gin (dedup_name gin_trgm_ops)")
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    partners = env["res.partner"].search([])
    partners._dedup_update_keys()
    _logger.info("contact_dedup: normalised keys of %d partners", len(partners))
    env["contact.dedup.weight"]._store_model(fellegi_sunter.DEFAULT_MODEL)
