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
# $L2C_CPU_REPORT_FILE, the costliest first (docs/DEVELOPING.md, "Where the time goes"): this
# process and its descendants (the Odoo servers and their workers, Chromium), each with the
# children it has waited for (/proc/<pid>/stat: utime + stime + cutime + cstime, so that a
# process that ended is counted once, in its parent), and the PostgreSQL backends of the
# test's database.
_CPU = {"rows": []}


def _cpu_now(db):
    ticks = float(os.sysconf("SC_CLK_TCK"))
    stats = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/cmdline" % name, "rb") as handle:
                args = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except (OSError, IndexError):
            continue
        # after the name: state, ppid, ... utime (14th field of the line), stime, cutime, cstime
        stats[name] = (fields[1], sum(int(value) for value in fields[11:15]) / ticks, args)
    children = {}
    for pid, (ppid, _cpu, _args) in stats.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = 0.0, [str(os.getpid())]
    while todo:
        pid = todo.pop()
        tree += stats[pid][1] if pid in stats else 0.0
        todo.extend(children.get(pid, []))
    backend = "postgres: %s %s " % (os.environ.get("PGUSER", "odoo"), db)
    backends = {pid: cpu for pid, (_ppid, cpu, args) in stats.items() if args.startswith(backend)}
    return backends, tree


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    db = os.environ.get("ODOO_TEST_DB")
    if os.environ.get("L2C_CPU_REPORT") != "1" or not db:
        yield
        return
    backends, tree = _cpu_now(db)
    yield
    backends_after, tree_after = _cpu_now(db)
    database = sum(value - backends.get(pid, 0) for pid, value in backends_after.items())
    _CPU["rows"].append((tree_after - tree + database, item.nodeid))


def pytest_sessionfinish(session):
    path = os.environ.get("L2C_CPU_REPORT_FILE")
    if _CPU["rows"] and path:
        with open(path, "w") as handle:
            for seconds, name in sorted(_CPU["rows"], reverse=True):
                handle.write("%7.1f s  %s\n" % (seconds, name))
