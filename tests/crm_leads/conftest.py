"""Fixtures of the crm_leads end-to-end tests."""
import pytest

import harness


@pytest.fixture(scope="module")
def prefork_server(odoo_db):
    """Odoo in its production mode: two worker processes (a request may go to either),
    on the same database as the session's threaded server."""
    server = harness.OdooServer(odoo_db, workers=2)
    yield server
    server.stop()
