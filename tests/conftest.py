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


# L2C_CPU_REPORT=1 (scripts/test passes it on): the CPU seconds each test cost, written to
# $L2C_CPU_REPORT_FILE, the costliest first (docs/DEVELOPING.md, "Where the time goes"): what
# the processes of the test's database used (Odoo servers and their workers, PostgreSQL
# backends), Chromium, and this process with the children it waited for.
_CPU = {"rows": []}


def _cpu_now(db):
    import re
    import subprocess
    # this database only, not the run's others that share its name as a prefix (<db>_p2, <db>_g0)
    ours = re.compile(re.escape(db) + r"(?!\w)")
    output = subprocess.run(["ps", "-eo", "pid=,times=,args="], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout
    seen = {}
    for line in output.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1].isdigit() and (ours.search(parts[2]) or "chrom" in parts[2]):
            seen[parts[0]] = int(parts[1])
    times = os.times()
    return seen, times.user + times.system + times.children_user + times.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    db = os.environ.get("ODOO_TEST_DB")
    if os.environ.get("L2C_CPU_REPORT") != "1" or not db:
        yield
        return
    before, own = _cpu_now(db)
    yield
    after, own_after = _cpu_now(db)
    others = sum(value - before.get(pid, 0) for pid, value in after.items())
    _CPU["rows"].append((others + own_after - own, item.nodeid))


def pytest_sessionfinish(session):
    path = os.environ.get("L2C_CPU_REPORT_FILE")
    if _CPU["rows"] and path:
        with open(path, "w") as handle:
            for seconds, name in sorted(_CPU["rows"], reverse=True):
                handle.write("%7.1f s  %s\n" % (seconds, name))
