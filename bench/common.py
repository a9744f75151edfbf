"""What every benchmark gets: databases, an in-process Odoo environment, servers.

A benchmark is a module ``bench/bench_<name>.py`` with ``run(ctx)`` returning a list
of ``Result``: our figure and the stock-Odoo way of doing the same work, measured in
the same run on the same machine. ``bench/run`` prints them and writes
docs/BENCHMARKS.md.
"""
import contextlib
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import harness  # noqa: E402


class Result(object):
    """One line of the table. ``better`` says which way is good: 'lower' for times,
    'higher' for throughputs or quality figures. ``ratio`` is baseline / ours for
    'lower', ours / baseline for 'higher': above 1 means we win.

    ``failure``: what the benchmark's correctness check found wrong (different totals,
    lost or doubled records), empty when it passed. Such a row is printed FAILED and
    makes ``bench/run`` exit non-zero: a fast wrong answer is no result."""

    def __init__(self, name, ours, baseline, unit="s", better="lower", target="", note="", baseline_name="",
                 failure=""):
        self.name, self.ours, self.baseline, self.unit = name, ours, baseline, unit
        self.better, self.target, self.note, self.baseline_name = better, target, note, baseline_name
        self.failure = failure

    @property
    def ratio(self):
        if not self.baseline or not self.ours:
            return None
        return self.baseline / self.ours if self.better == "lower" else self.ours / self.baseline


class Context(object):
    """``db``: a database with all our addons and demo data (read-only for benchmarks:
    ``clone`` it to write). ``template``: the French company with the stock modules and
    none of ours. ``stock(modules)``: a clone of the template with only what a baseline
    needs, so that a stock figure is never measured with our addons' overrides loaded."""

    def __init__(self, db, template):
        self.db = db
        self.template = template
        self._scratch = []
        self._stock = {}
        self._configured = False

    def stock(self, modules="", name=None):
        """A database without our addons: the template plus ``modules`` (comma-separated
        stock or OCA modules, e.g. "contract"), made once per run and dropped at its end.
        Benchmarks that write to it clone it first."""
        key = ",".join(sorted(m for m in modules.split(",") if m))
        if key not in self._stock:
            db = self.clone(self.template, name or "bench_stock_%d" % len(self._stock))
            if key:
                self.install(db, key)
            ours = self.our_modules_installed(db)
            if ours:
                raise RuntimeError("stock database %s has our addons installed: %s" % (db, ", ".join(ours)))
            self._stock[key] = db
        return self._stock[key]

    def our_modules_installed(self, db):
        folder = os.path.join(ROOT, "addons")
        ours = sorted(name for name in os.listdir(folder)
                      if os.path.isfile(os.path.join(folder, name, "__manifest__.py")))
        out = subprocess.run(["psql", "-tAc", "select name from ir_module_module where state = 'installed'", db],
                             env=harness.pg_env(), stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
        return sorted(set(out.split()) & set(ours))

    def _pg(self, *args):
        subprocess.run(list(args), check=True, env=harness.pg_env(), stdout=subprocess.DEVNULL)

    def clone(self, source, target):
        """A copy of a database (and its filestore), dropped when the run ends."""
        self.drop(target)
        self._pg("createdb", "-T", source, target)
        store = os.path.join(harness.LOCAL, "data", "filestore")
        if os.path.isdir(os.path.join(store, source)):
            subprocess.run(["cp", "-a", os.path.join(store, source), os.path.join(store, target)], check=True)
        self._scratch.append(target)
        return target

    def drop(self, db):
        if self._configured:
            import odoo
            # this process's registry may still hold connections to it: dropdb would refuse
            odoo.sql_db.close_db(db)
            odoo.modules.registry.Registry.delete(db)
        subprocess.run(["dropdb", "--if-exists", db], env=harness.pg_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", os.path.join(harness.LOCAL, "data", "filestore", db)])

    def install(self, db, modules):
        """Install Odoo modules in a database, in a subprocess."""
        log = os.path.join(harness.LOCAL, "logs", "bench-install-%s.log" % db)
        subprocess.run(harness.odoo_command(db, "-i", modules, "--stop-after-init", "--max-cron-threads=0",
                                            "--logfile=%s" % log), check=True, env=harness.pg_env())

    def _configure(self):
        if self._configured:
            return
        import odoo
        env = harness.pg_env()
        odoo.tools.config.parse_config([
            "-c", os.path.join(ROOT, "odoo.conf"),
            "--addons-path=%s,%s" % (os.path.join(ROOT, "addons"),
                                     os.path.join(harness.VENV, "lib", "python3.7", "site-packages", "odoo", "addons")),
            "--db_host=%s" % env["PGHOST"], "--db_port=%s" % env["PGPORT"], "--db_user=%s" % env["PGUSER"],
            "--data-dir=%s" % os.path.join(harness.LOCAL, "data"), "--log-level=warn",
        ])
        self._configured = True

    @contextlib.contextmanager
    def env(self, db=None, context=None):
        """An Odoo environment (superuser) in this process; commits when the block ends."""
        self._configure()
        import odoo
        registry = odoo.registry(db or self.db)
        with odoo.api.Environment.manage(), registry.cursor() as cr:
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}))

    @contextlib.contextmanager
    def server(self, db=None, workers=0):
        server = harness.OdooServer(db or self.db, workers=workers)
        try:
            yield server
        finally:
            server.stop()

    def cleanup(self):
        for db in self._scratch:
            self.drop(db)


@contextlib.contextmanager
def timer():
    """``with timer() as t: ...`` then ``t.seconds``."""
    class _T(object):
        seconds = 0.0
    t = _T()
    start = time.perf_counter()
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - start
