"""11.0.1.4.0: the blocking keys add the name's sound with the house number (typos in the street,
the zip and the town at once): every partner's keys are computed again (set-based). The address
has a new comparison level (the same town and house number on another street): the model the
last scan stored has the old levels, so the defaults serve until the next scan, and the weights
page shows them."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    count = env["res.partner"]._dedup_migrate_keys(forget_model=True)
    _logger.info("contact_dedup: keys and blocking keys of %d partners computed again", count)
