"""The test command turns Odoo's log into a verdict: a failing addon test or an
install error makes it exit non-zero, whereas Odoo 11's own runner exits 0."""
import os
import subprocess
import textwrap

import pytest

from harness import ROOT

MANIFEST = '{"name": "%s", "version": "11.0.1.0.0", "license": "AGPL-3", "depends": ["base"], "data": %s}'


def _addon(base, name, test_body, data=()):
    path = base / name
    (path / "tests").mkdir(parents=True)
    (path / "__init__.py").write_text("")
    (path / "__manifest__.py").write_text(MANIFEST % (name, list(data)))
    (path / "tests" / "__init__.py").write_text("from . import test_probe\n")
    (path / "tests" / "test_probe.py").write_text(textwrap.dedent("""
        from odoo.tests.common import TransactionCase


        class TestProbe(TransactionCase):
            def test_probe(self):
                %s
        """) % test_body)
    return path


def _run(addons_dir, name):
    result = subprocess.run(
        [os.path.join(ROOT, "scripts", "test"), name, "--addons-path", str(addons_dir), "--no-lint", "--no-pytest"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    return result.returncode, result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    base = tmp_path_factory.mktemp("probe_addons")
    _addon(base, "probe_passing", "self.assertTrue(self.env.user)")
    _addon(base, "probe_failing", "self.assertEqual(1 + 1, 3, 'deliberate failure')")
    bad = _addon(base, "probe_broken_install", "pass", data=["views/broken.xml"])
    (bad / "views").mkdir()
    (bad / "views" / "broken.xml").write_text(
        '<odoo><record id="x" model="no.such.model"><field name="name">x</field></record></odoo>')
    return base


def test_passing_addon_test_gives_exit_zero(probes):
    code, last = _run(probes, "probe_passing")
    assert last == "1 passed, 0 failed, 0 skipped"
    assert code == 0


def test_deliberately_failing_addon_test_fails_the_command(probes):
    code, last = _run(probes, "probe_failing")
    assert last == "0 passed, 1 failed, 0 skipped"
    assert code != 0


def test_install_error_fails_the_command(probes):
    code, last = _run(probes, "probe_broken_install")
    assert code != 0
    assert ", 0 failed" not in last
