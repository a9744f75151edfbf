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
def no_alert_backlog(odoo_db):
    """For the tests that send hundreds of leads to be assigned: the alerts of their leads
    still waiting in the job queue when the test ends are set done without running. Each
    assigned lead gets a queue job that alerts its salesperson (a chatter message and an
    activity, about 0.1 s of CPU); the jobs run while the test sends its leads, and the ones
    left would run in the background of the tests that follow (1,000 jobs: some 100 s of CPU
    taken from them). The alert itself is tested by test_alert_delay.py.

    One SQL statement, not the ORM: an unlink or a write of 800 jobs through RPC meets the
    job runner taking the same jobs (seen: the unlink's recompute failed on a closed cursor).
    The state changes only for a job still pending, checked again on a row the runner was
    taking, and queue_job's trigger tells the runner."""
    connection = harness.pg_connect(odoo_db)
    try:
        with connection, connection.cursor() as cr:
            cr.execute("SELECT coalesce(max(id), 0) FROM queue_job")
            newest = cr.fetchone()[0]
        yield
        with connection, connection.cursor() as cr:
            cr.execute("UPDATE queue_job SET state = 'done', date_done = now() at time zone 'UTC', "
                       "result = 'not run: a load test ended' "
                       "WHERE id > %s AND state = 'pending' AND method_name = '_job_intake_notify'", (newest,))
    finally:
        connection.close()
