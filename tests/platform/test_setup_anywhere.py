"""The set-up works from any folder its caller owns: a clone in a private (mode 700)
folder, as root, gets a started cluster and a database, without any folder of the
caller's being opened up; `scripts/stop` stops it and `--purge` removes it. A run
killed earlier leaves test databases that the next run drops. Ctrl-C on `scripts/run`
stops only a cluster that run started itself."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from harness import LOCAL, ROOT, free_port, pg_env

SETUP = """
set -euo pipefail
source scripts/lib.sh
pg_start
# a second command while the cluster runs must not wait for the first one's locks
timeout 60 bash -c 'source scripts/lib.sh; pg_start' || { echo "second pg_start blocked"; exit 1; }
createdb probe_private
psql -tAc "select 'answer:' || 6 * 7" probe_private
echo "pgdata:$PGDATA"
"""


def _clean_env():
    env = dict(os.environ)
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
        env.pop(name, None)
    return env


def _sh(script, cwd, user=None, env=None):
    command = ["bash", "-c", script]
    if user:
        command = ["runuser", "-u", user, "--"] + command
    return subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=env or _clean_env(), timeout=300)


def _clone(parent, user=None):
    target = os.path.join(parent, "p")
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", ROOT, target], check=True)
    if user:
        subprocess.run(["chown", "-R", "%s:" % user, parent], check=True)
    return target


@pytest.mark.skipif(os.getuid() != 0, reason="not applicable here: the check is made as root")
def test_a_clone_in_a_private_folder_as_root_gets_a_cluster_and_a_database():
    parent = tempfile.mkdtemp()  # mode 700, as root's home on a fresh server
    assert oct(os.stat(parent).st_mode & 0o777) == "0o700"
    try:
        clone = _clone(parent)
        result = _sh(SETUP, clone)
        assert result.returncode == 0, result.stdout
        assert "answer:42" in result.stdout
        pgdata = [line for line in result.stdout.splitlines() if line.startswith("pgdata:")][0][len("pgdata:"):]
        # the cluster lives outside the private folder, in a folder of postgres's own
        assert not pgdata.startswith(parent)
        assert pwd.getpwuid(os.stat(pgdata).st_uid).pw_name == "postgres"
        # and the caller's folders were not opened up
        assert oct(os.stat(parent).st_mode & 0o777) == "0o700"
        stop = _sh("./scripts/stop", clone)
        assert stop.returncode == 0, stop.stdout
        assert "stopping PostgreSQL" in stop.stdout
        purge = _sh("./scripts/stop --purge", clone)
        assert purge.returncode == 0, purge.stdout
        assert not os.path.exists(os.path.dirname(pgdata))
    finally:
        _sh("./scripts/stop --purge >/dev/null 2>&1 || true", os.path.join(parent, "p"))
        shutil.rmtree(parent, ignore_errors=True)


@pytest.mark.skipif(os.getuid() != 0, reason="not applicable here: creating a user needs root")
def test_a_normal_user_runs_the_cluster_as_itself_in_its_own_private_folder():
    user = "l2c_probe"
    if subprocess.run(["id", user], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", user], check=True)
    home = pwd.getpwnam(user).pw_dir
    parent = os.path.join(home, "work")
    shutil.rmtree(parent, ignore_errors=True)
    os.makedirs(parent)
    os.chmod(home, 0o700)
    try:
        clone = _clone(parent, user)
        env = dict(_clean_env(), HOME=home, USER=user)
        result = _sh(SETUP, clone, user=user, env=env)
        assert result.returncode == 0, result.stdout
        assert "answer:42" in result.stdout
        assert "pgdata:%s/.local/pgdata" % clone in result.stdout
        assert _sh("./scripts/stop --purge", clone, user=user, env=env).returncode == 0
    finally:
        _sh("./scripts/stop --purge >/dev/null 2>&1 || true", os.path.join(parent, "p"), user=user)
        shutil.rmtree(parent, ignore_errors=True)


def test_databases_of_killed_runs_are_dropped_by_the_next_run():
    env = pg_env()
    # a run whose process is gone, one still alive, one kept on purpose
    dead = "test_20200101000000_999999999"
    alive = "test_20200101000000_%d" % os.getpid()
    kept = "test_20200101000000_999999998"
    for db in (dead, alive, kept):
        subprocess.run(["createdb", db], check=True, env=env)
    with open(os.path.join(LOCAL, "kept-databases"), "a") as handle:
        handle.write(kept + "\n")
    try:
        result = subprocess.run(["bash", "-c", "source scripts/lib.sh; drop_stale_databases"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        assert result.returncode == 0, result.stdout
        names = subprocess.run(["psql", "-tAc", "select datname from pg_database"], env=env, check=True,
                               stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
        assert dead not in names
        assert alive in names and kept in names
    finally:
        for db in (dead, alive, kept):
            subprocess.run(["dropdb", "--if-exists", db], env=env)
        path = os.path.join(LOCAL, "kept-databases")
        with open(path) as handle:
            rest = [line for line in handle if line.strip() != kept]
        with open(path, "w") as handle:
            handle.writelines(rest)


def _run_command_interrupted(clone, env, delay=1.0):
    """`scripts/run` in ``clone``, interrupted (Ctrl-C to its process group) ``delay`` seconds
    after it starts building its first database; returns its output."""
    port = str(free_port())
    process = subprocess.Popen(["./scripts/run"], cwd=clone, env=dict(env, ODOO_PORT=port), start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    lines, building = [], threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if "building template database" in line or "creating database" in line:
                building.set()
    # the output is read aside: a run that never builds, or goes on serving after Ctrl-C,
    # fails this test with its output instead of hanging the test command
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not building.wait(600):
            pytest.fail("scripts/run did not start building a database in 600 s; its output:\n" + "".join(lines))
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(300)
        except subprocess.TimeoutExpired:
            pytest.fail("scripts/run was still running 300 s after Ctrl-C; its output:\n" + "".join(lines))
        reader.join(120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return "".join(lines)


def _pg_state(clone, env):
    return _sh("source scripts/lib.sh; pg_running && echo state:up || echo state:down", clone, env=env).stdout


def test_scripts_run_stops_only_the_postgresql_it_started_itself():
    """Ctrl-C on `scripts/run` stops the project's PostgreSQL when that run started it and
    nothing else uses it; a cluster it found running (a script may be between two
    connections, without holding the cluster) or one another command holds stays up."""
    parent = tempfile.mkdtemp()
    env = _clean_env()
    try:
        clone = _clone(parent)
        # the clone borrows the checkout's virtualenv and lessc (nothing to install)
        os.symlink(os.path.join(ROOT, ".venv"), os.path.join(clone, ".venv"))
        os.symlink(os.path.join(ROOT, "node_modules"), os.path.join(clone, "node_modules"))
        os.utime(os.path.join(clone, "package-lock.json"), (0, 0))
        # Given a cluster started by another command, which has ended since
        started = _sh("source scripts/lib.sh; pg_start && echo started", clone, env=env)
        assert "started" in started.stdout, started.stdout
        # when a run is interrupted, then that cluster stays up; whenever the Ctrl-C comes: Odoo
        # swallowed one that came while it loaded its modules, and the run went on to serve
        for delay in (0.5, 1.5, 3.0):
            out = _run_command_interrupted(clone, env, delay)
            assert "this command did not start it" in out, out
            assert "serving" not in out, out
            assert "state:up" in _pg_state(clone, env)
        # Given no cluster running, when a run starts it and is interrupted, then it stops it
        _sh("./scripts/stop", clone, env=env)
        assert "state:down" in _pg_state(clone, env)
        out = _run_command_interrupted(clone, env)
        assert "stopping PostgreSQL" in out, out
        assert "state:down" in _pg_state(clone, env)
        # Given another command of the project holding the cluster, a run that started it leaves it up
        holder = subprocess.Popen(["bash", "-c", "source scripts/lib.sh; hold_cluster; echo holding; sleep 300"],
                                  cwd=clone, env=env, stdout=subprocess.PIPE, universal_newlines=True)
        try:
            assert holder.stdout.readline().strip() == "holding"
            out = _run_command_interrupted(clone, env)
            assert "another command uses it" in out, out
            assert "state:up" in _pg_state(clone, env)
        finally:
            holder.kill()
            holder.wait()
    finally:
        _sh("./scripts/stop --purge >/dev/null 2>&1 || true", os.path.join(parent, "p"), env=env)
        shutil.rmtree(parent, ignore_errors=True)


def _importing_odoo(pid):
    """Process ``pid`` runs odoo-bin (after the exec: the forked copy of pytest has lxml too) and
    is importing Odoo: lxml, which ``odoo.tools`` imports first of its libraries, is mapped
    (about 0.12 s into a 0.44 s import on a quiet machine); or it is gone."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as cmdline:
            if b"odoo-bin" not in cmdline.read():
                return False
        with open("/proc/%d/maps" % pid) as maps:
            return "lxml" in maps.read()
    except OSError:
        return True


def test_an_install_dies_of_a_ctrl_c_that_comes_while_odoo_is_still_imported():
    """A Ctrl-C that reaches an install (``--stop-after-init``) while Python still imports Odoo
    kills it at once, by the signal, as bash expects of a child it interrupted; before, it was
    a KeyboardInterrupt in the middle of an import (a traceback and exit code 1, or swallowed:
    in a full run at a load of 9, scripts/run went on to build and serve after its Ctrl-C).
    The Ctrl-C is sent once the import of Odoo has begun (lxml mapped). (Sent at a fixed delay
    after the exec, it came, at a load of 9, before odoo-bin's first lines: lost with the forked
    copy of pytest's handler, or ignored, as a background job of scripts/test ignores it.)"""
    command = [os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "scripts", "odoo-bin"),
               "--stop-after-init", "--version"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None and not _importing_odoo(process.pid):
        time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGINT, (process.returncode, err[-2000:])
    assert "KeyboardInterrupt" not in err, err[-2000:]
