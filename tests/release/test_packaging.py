"""Integrators install our addons as wheels into their own Odoo 11: build the wheels,
install them into a clean virtualenv holding only Odoo, and install the addons in a
database with that virtualenv's Odoo (our addons/ folder nowhere on its path)."""
import glob
import os
import subprocess
import zipfile

import pytest

from harness import LOCAL, ROOT, pg_env

ADDONS = sorted(name for name in os.listdir(os.path.join(ROOT, "addons"))
                if os.path.isfile(os.path.join(ROOT, "addons", name, "__manifest__.py")))


def _sh(*args, **kwargs):
    return subprocess.run(list(args), check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=kwargs.pop("env", pg_env()), **kwargs).stdout


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheels")
    _sh(os.path.join(ROOT, "scripts", "build-wheels"), str(out))
    return sorted(glob.glob(str(out / "*.whl")))


def test_each_addon_builds_an_oca_named_wheel_with_its_data_files(wheels):
    names = {os.path.basename(w).split("-")[0] for w in wheels}
    assert names == {"odoo11_addon_%s" % a for a in ADDONS}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            files = archive.namelist()
            metadata = archive.read([f for f in files if f.endswith("METADATA")][0]).decode()
        addon = os.path.basename(wheel).split("-")[0][len("odoo11_addon_"):]
        assert "odoo/addons/%s/__manifest__.py" % addon in files
        assert "odoo/addons/%s/security/ir.model.access.csv" % addon in files
        assert "Requires-Dist: odoo" in metadata


def test_wheels_install_into_a_clean_odoo_and_the_addons_install_in_a_database(wheels, tmp_path):
    python37 = _sh("bash", "-c", "source '%s/scripts/lib.sh'; find_python37" % ROOT).strip().splitlines()[-1]
    venv = tmp_path / "venv"
    _sh(python37, "-m", "venv", str(venv))
    pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    _sh(*(pip + ["setuptools<58", "wheel"]))
    _sh(*(pip + ["--no-build-isolation", "vatnumber==1.2"]))
    _sh(*(pip + ["-r", os.path.join(ROOT, "requirements.txt")]))
    _sh(*(pip + ["--no-deps", "-r", os.path.join(ROOT, "requirements-nodeps.txt")]))
    _sh(*(pip + ["--no-deps"] + wheels))
    addons_path = venv / "lib" / "python3.7" / "site-packages" / "odoo" / "addons"
    for addon in ADDONS:
        assert (addons_path / addon / "__manifest__.py").is_file()

    template = _sh("bash", "-c", "source '%s/scripts/lib.sh'; ensure_template" % ROOT).strip().splitlines()[-1]
    db = "packaging_%d" % os.getpid()
    env = pg_env()
    _sh("bash", "-c", "source '%s/scripts/lib.sh'; clone_db %s %s" % (ROOT, template, db))
    try:
        log = os.path.join(LOCAL, "logs", "%s.log" % db)
        subprocess.run([str(venv / "bin" / "python"), "-c", "import odoo; odoo.cli.main()",
                        "--addons-path=%s" % addons_path, "--db_host=%s" % env["PGHOST"],
                        "--db_port=%s" % env["PGPORT"], "--db_user=%s" % env["PGUSER"],
                        "--data-dir=%s" % os.path.join(LOCAL, "data"), "-d", db, "-i", ",".join(ADDONS),
                        "--stop-after-init", "--max-cron-threads=0", "--logfile=%s" % log],
                       check=True, env=env, cwd=str(tmp_path))
        states = _sh("psql", "-d", db, "-tAc",
                     "select name || '=' || state from ir_module_module where name in (%s) order by name"
                     % ",".join("'%s'" % a for a in ADDONS)).split()
        assert states == ["%s=installed" % a for a in ADDONS]
    finally:
        _sh("bash", "-c", "source '%s/scripts/lib.sh'; drop_db %s" % (ROOT, db))
