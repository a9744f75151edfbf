"""11.0.1.2.0: incoming servers switched to the gateway by the install of 11.0.1.0 go
back to Odoo's fetch (the gateway is opt-in per server since 11.0.1.1.0)."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["fetchmail.server"]._gateway_release_install_switch()
