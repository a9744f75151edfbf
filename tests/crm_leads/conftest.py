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


@pytest.fixture
def no_alert_backlog(admin_rpc):
    """For the tests that send hundreds of leads to be assigned: the alerts of their leads
    still waiting in the job queue when the test ends are dropped. Each assigned lead gets a
    queue job that alerts its salesperson (a chatter message and an activity, about 0.1 s
    of CPU); the jobs run while the test sends its leads, and the ones left would run in the
    background of the tests that follow (1,000 jobs: some 100 s of CPU taken from them).
    The alert itself is tested by test_alert_delay.py."""
    newest = admin_rpc.call("queue.job", "search", [], limit=1, order="id desc")
    yield
    left = admin_rpc.call("queue.job", "search", [
        ("id", ">", newest[0] if newest else 0), ("state", "=", "pending"),
        ("method_name", "=", "_job_intake_notify")])
    if left:
        admin_rpc.call("queue.job", "unlink", left)
