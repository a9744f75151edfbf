"""A more patient server for the approval tests.

On a database no page was ever served from, the first ``/web/login`` compiles the asset
bundles (lessc): on a loaded machine that took more than the 300 s the shared fixture
waits (seen at a load average above 150). This fixture overrides ``odoo_server`` for
this folder only, with the same server and a 900 s wait.
"""
import pytest

import harness


class PatientOdooServer(harness.OdooServer):

    def wait_ready(self, timeout=900):
        return super(PatientOdooServer, self).wait_ready(timeout)


@pytest.fixture(scope="session")
def odoo_server(odoo_db):
    server = PatientOdooServer(odoo_db)
    yield server
    server.stop()
