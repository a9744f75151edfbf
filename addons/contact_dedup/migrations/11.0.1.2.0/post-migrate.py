"""11.0.1.2.0: a partner's address key holds both address lines (street and street2), and the
blocking keys add the name with the street's sound and read the town without its spaces:
every partner's keys are computed again (set-based). The address has a new comparison level
(the same town with no street on one side): the model the last scan stored has the old levels,
so the defaults serve until the next scan, and the weights page shows them."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    count = env["res.partner"]._dedup_migrate_keys(forget_model=True)
    _logger.info("contact_dedup: keys of %d partners computed again with both address lines", count)
