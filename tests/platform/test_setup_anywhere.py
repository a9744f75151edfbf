"""The set-up works from any folder its caller owns: a clone in a private (mode 700)
folder, as root, gets a started cluster and a database, without any folder of the
caller's being opened up; `scripts/stop` stops it and `--purge` removes it. A run
killed earlier leaves test databases that the next run drops."""
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

from harness import LOCAL, ROOT, pg_env

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
