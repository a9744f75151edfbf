"""11.0.1.1.0: partners get blocking keys that survive typos (``dedup_blocking``), and VAT keys
carry the country prefix: every partner's keys are computed again (set-based), and the
matching weights page starts from the default model."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    count = env["res.partner"]._dedup_migrate_keys(forget_model=False)
    _logger.info("contact_dedup: keys and blocking keys of %d partners computed again", count)
