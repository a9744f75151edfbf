"""11.0.1.3.0: letters without an accent to strip (Ł, Ø, Đ...) are folded instead of dropped,
"Cie" is a legal form, and Mat, Math and Pat are diminutives: the keys of the partners whose
names hold one are computed again. The weights page stores each field by its code (shown in
the reader's language): its rows are written again from the stored model."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    cr.execute("""
        SELECT id FROM res_partner
         WHERE name ~ '[łŁøØđĐħĦıþÞ]' OR street ~ '[łŁøØđĐħĦıþÞ]' OR city ~ '[łŁøØđĐħĦıþÞ]'
            OR company_name ~* '([łŁøØđĐħĦıþÞ]|\\mcie\\M)' OR name ~* '\\m(cie|mat|math|pat)\\M'
            OR parent_id IN (SELECT id FROM res_partner WHERE name ~* '([łŁøØđĐħĦıþÞ]|\\mcie\\M)')""")
    partners = env["res.partner"].browse([row[0] for row in cr.fetchall()])
    partners._dedup_update_keys()
    env["contact.dedup.weight"]._store_model(env["contact.dedup.group"]._dedup_model())
    _logger.info("contact_dedup: keys of %d partners computed again (letters folded)", len(partners))
