"""Fixtures of the tests that drive a running Odoo from outside.

The test command gives the database in ODOO_TEST_DB (our addons installed with demo
data); a session-wide server is started on it, on a free port. Running pytest by hand:
`ODOO_TEST_DB=<db> .venv/bin/python -m pytest tests/...` (scripts/test --keep-db prints one).
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def odoo_db():
    db = os.environ.get("ODOO_TEST_DB")
    if not db:
        pytest.skip("ODOO_TEST_DB is not set: run through scripts/test")
    return db


@pytest.fixture(scope="session")
def odoo_server(odoo_db):
    server = harness.OdooServer(odoo_db)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def admin_rpc(odoo_server):
    return odoo_server.rpc("admin", "admin")


@pytest.fixture
def desktop(odoo_server):
    client = harness.WebClient(odoo_server, 1400, 900)
    yield client
    client.close()


@pytest.fixture
def phone(odoo_server):
    client = harness.WebClient(odoo_server, 390, 844)
    yield client
    client.close()
