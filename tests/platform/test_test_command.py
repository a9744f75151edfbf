"""The test command's verdict rests on every signal: each way a run can go wrong ends
non-zero, with a line "FAILED: ..." naming the cause (Odoo 11's own runner exits 0 for
several of them)."""
import os
import subprocess
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness import ROOT, pg_env

MANIFEST = ('{"name": "%s", "version": "11.0.1.0.0", "license": "AGPL-3", "depends": ["base"], '
            '"data": %s, "post_init_hook": %s}')
# a test module that the test command may run in an Odoo process of its own (as the deposit
# histories of sale_deposit): left out when L2C_TESTS_APART names it
APART_INIT = """import os

from . import test_probe

if "%s.tests.test_apart" not in os.environ.get("L2C_TESTS_APART", "").split(","):
    from . import test_apart
"""
APART = {"L2C_TESTS_APART": "probe_apart.tests.test_apart,probe_apart_exit.tests.test_apart"}


def _addon(base, name, test_body, data=(), init="", hook=None, lib_test=None):
    path = base / name
    (path / "tests").mkdir(parents=True)
    (path / "__init__.py").write_text(textwrap.dedent(init))
    (path / "__manifest__.py").write_text(MANIFEST % (name, list(data), repr(hook)))
    (path / "tests" / "__init__.py").write_text("from . import test_probe\n")
    (path / "tests" / "test_probe.py").write_text(textwrap.dedent("""
        from odoo.tests.common import TransactionCase


        class TestProbe(TransactionCase):
            def test_probe(self):
                %s
        """) % test_body)
    if lib_test:
        (path / "lib" / "tests").mkdir(parents=True)
        (path / "lib" / "tests" / "test_lib_probe.py").write_text(textwrap.dedent(lib_test))
    return path


def _run(addons_dir, name, *options, env=None):
    command = [os.path.join(ROOT, "scripts", "test"), name, "--no-lint"] + list(options)
    if addons_dir is not None:
        command += ["--addons-path", str(addons_dir)]
    environment = dict(pg_env(), **(env or {}))
    environment.pop("L2C_ALLOW_SKIPS", None)
    environment.update(env or {})
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=600, env=environment)
    lines = result.stdout.strip().splitlines()
    causes = [line for line in lines if line.startswith("FAILED: ")]
    return result.returncode, lines[-1] if lines else "", causes, result.stdout


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    base = tmp_path_factory.mktemp("probe_addons")
    _addon(base, "probe_passing", "self.assertTrue(self.env.user)")
    _addon(base, "probe_failing", "self.assertEqual(1 + 1, 3, 'deliberate failure')")
    bad = _addon(base, "probe_broken_install", "pass", data=["views/broken.xml"])
    (bad / "views").mkdir()
    (bad / "views" / "broken.xml").write_text(
        '<odoo><record id="x" model="no.such.model"><field name="name">x</field></record></odoo>')
    # Odoo killed with SIGKILL in the middle of installing the addon (no exception, no log line)
    _addon(base, "probe_killed", "pass", hook="kill_me", init="""
        import os
        import signal


        def kill_me(cr, registry):
            os.kill(os.getpid(), signal.SIGKILL)
        """)
    # Odoo stops silently with exit code 0 while loading the addon: nothing says it failed
    _addon(base, "probe_silent_exit", "pass", init="""
        import os

        os._exit(0)
        """)
    # Odoo exits 0 in the middle of the post-install tests: the log just stops
    exit_post = _addon(base, "probe_exit_in_tests", "self.assertTrue(self.env.user)")
    (exit_post / "tests" / "__init__.py").write_text("from . import test_probe, test_exit\n")
    (exit_post / "tests" / "test_exit.py").write_text(textwrap.dedent("""
        import os

        from odoo.tests import common


        @common.at_install(False)
        @common.post_install(True)
        class TestExit(common.TransactionCase):
            def test_exit(self):
                os._exit(0)
        """))
    # an Odoo test skipped because a component is missing; another whose reason also names an
    # addon this run does not install (not a peer's skip for all that); one marked to fail
    odoo_skip = _addon(base, "probe_odoo_skip", "self.skipTest('Chromium is not installed')")
    (odoo_skip / "tests" / "__init__.py").write_text("from . import test_probe, test_more\n")
    (odoo_skip / "tests" / "test_more.py").write_text(textwrap.dedent("""
        import unittest

        from odoo.tests.common import TransactionCase


        class TestMore(TransactionCase):
            def test_names_a_peer_too(self):
                self.skipTest("Chromium is not installed; sale_deposit is a peer")

            @unittest.expectedFailure
            def test_marked_to_fail(self):
                self.assertEqual(1 + 1, 3)
        """))
    _addon(base, "probe_pytest_failing", "pass", lib_test="""
        def test_deliberate_failure():
            assert 1 + 1 == 3
        """)
    missing = _addon(base, "probe_missing_component", "pass", lib_test="""
        import pytest


        def test_needs_an_imap_server():
            pytest.skip("dovecot is not installed")
        """)
    # a whole file skipped at import, and a test marked to fail, for the same reasons
    (missing / "lib" / "tests" / "test_lib_probe_file.py").write_text(textwrap.dedent("""
        import pytest

        pytest.skip("dovecot is not installed for this file", allow_module_level=True)


        def test_never_collected():
            pass
        """))
    (missing / "lib" / "tests" / "test_lib_probe_xfail.py").write_text(textwrap.dedent("""
        import pytest


        @pytest.mark.xfail(reason="chromium is not installed", run=False)
        def test_marked_to_fail():
            pass
        """))
    # a test module run apart: one of its two tests fails
    apart = _addon(base, "probe_apart", "self.assertTrue(self.env.user)")
    (apart / "tests" / "__init__.py").write_text(APART_INIT % "probe_apart")
    (apart / "tests" / "test_apart.py").write_text(textwrap.dedent("""
        from odoo.tests.common import TransactionCase


        class TestApart(TransactionCase):
            def test_passes(self):
                self.assertTrue(self.env.user)

            def test_fails(self):
                self.assertEqual(1 + 1, 3, 'deliberate failure apart')
        """))
    # a test module run apart whose process exits 0 in the middle of its tests: the log just stops
    apart_exit = _addon(base, "probe_apart_exit", "self.assertTrue(self.env.user)")
    (apart_exit / "tests" / "__init__.py").write_text(APART_INIT % "probe_apart_exit")
    (apart_exit / "tests" / "test_apart.py").write_text(textwrap.dedent("""
        import os

        from odoo.tests.common import TransactionCase


        class TestApart(TransactionCase):
            def test_exit(self):
                os._exit(0)
        """))
    return base


@pytest.fixture(scope="module")
def runs(probes):
    """All probe runs, two at a time (each installs one tiny addon in a clone of the template)."""
    cases = {
        "passing": (probes, "probe_passing", "--no-pytest"),
        "failing": (probes, "probe_failing", "--no-pytest"),
        "broken": (probes, "probe_broken_install", "--no-pytest"),
        "killed": (probes, "probe_killed"),
        "silent": (probes, "probe_silent_exit", "--no-pytest"),
        "pytest_failing": (probes, "probe_pytest_failing"),
        "missing_component": (probes, "probe_missing_component"),
        "misspelt": (None, "crm_lead"),
        "exit_in_tests": (probes, "probe_exit_in_tests", "--no-pytest"),
        "odoo_skip": (probes, "probe_odoo_skip", "--no-pytest"),
        "two_lists": (None, "crm_leadz", "sale_deposit"),
        "blank_list": (None, " , "),
        # two independent addons: installed once, then each tested in its own process
        "two_groups": (probes, "probe_passing,probe_failing", "--no-pytest"),
        # a test module run in an Odoo process of its own (L2C_TESTS_APART)
        "apart": (probes, "probe_apart", "--no-pytest"),
        "apart_exit": (probes, "probe_apart_exit", "--no-pytest"),
    }
    with ThreadPoolExecutor(2) as pool:
        futures = {key: pool.submit(_run, *args, env=APART if key.startswith("apart") else None)
                   for key, args in cases.items()}
        results = {key: future.result() for key, future in futures.items()}
    with ThreadPoolExecutor(1) as pool:
        results["missing_component_allowed"] = pool.submit(
            _run, probes, "probe_missing_component", env={"L2C_ALLOW_SKIPS": "1"}).result()
    return results


def test_passing_addon_test_gives_exit_zero(runs):
    code, last, causes, _out = runs["passing"]
    assert (code, last, causes) == (0, "1 passed, 0 failed, 0 skipped", [])


def test_deliberately_failing_addon_test_fails_the_command(runs):
    code, last, causes, out = runs["failing"]
    assert code != 0
    assert last.startswith("0 passed, ") and ", 0 failed" not in last
    assert "deliberate failure" in out
    assert any("probe_failing" in c and "deliberate failure" in c for c in causes), causes


def test_install_error_fails_the_command_naming_the_addon(runs):
    code, last, causes, _out = runs["broken"]
    assert code != 0 and ", 0 failed" not in last
    assert any("probe_broken_install" in c for c in causes) or any("no.such.model" in c for c in causes)


def test_odoo_killed_mid_install_fails_the_command(runs):
    code, last, causes, _out = runs["killed"]
    assert code != 0 and ", 0 failed" not in last
    assert any("killed by signal 9" in c for c in causes), causes
    assert any("probe_killed" in c for c in causes), causes
    # and pytest does not run against the half-installed database
    assert any("pytest not run: probe_killed not installed" in c for c in causes), causes


def test_odoo_stopping_silently_with_exit_zero_fails_the_command(runs):
    code, last, causes, _out = runs["silent"]
    assert code != 0 and ", 0 failed" not in last
    assert any("probe_silent_exit" in c for c in causes), causes


def test_a_failing_pytest_test_fails_the_command(runs):
    code, last, causes, out = runs["pytest_failing"]
    assert code != 0 and ", 0 failed" not in last
    assert "test_deliberate_failure" in out
    assert any("pytest" in c for c in causes), causes


def test_a_test_skipped_for_a_missing_component_fails_unless_allowed(runs):
    code, last, causes, out = runs["missing_component"]
    assert code != 0 and last.endswith(", 3 failed, 0 skipped"), (last, causes)
    assert "dovecot is not installed" in out
    # a whole file skipped, and a test marked to fail, fail the same way
    assert "dovecot is not installed for this file" in out and "the whole file skipped" in out
    assert "marked to fail (xfail)" in out and "chromium is not installed" in out
    code, last, causes, _out = runs["missing_component_allowed"]
    assert code == 0, causes
    assert last.endswith(", 0 failed, 3 skipped"), last


def test_independent_addons_tested_side_by_side_keep_every_verdict(runs):
    code, last, causes, out = runs["two_groups"]
    assert code != 0
    assert last == "1 passed, 1 failed, 0 skipped"
    assert "Odoo tests of probe_passing" in out and "Odoo tests of probe_failing" in out
    assert any("probe_failing" in c and "deliberate failure" in c for c in causes), causes
    assert not any("probe_passing" in c for c in causes), causes


def test_odoo_exiting_zero_in_the_middle_of_its_tests_fails_the_command(runs):
    code, last, causes, _out = runs["exit_in_tests"]
    assert code != 0 and ", 0 failed" not in last
    assert any("did not run to their end" in c or "stopped before the end" in c for c in causes), causes


def test_an_odoo_test_skipped_for_a_missing_component_fails(runs):
    code, last, causes, _out = runs["odoo_skip"]
    assert code != 0 and ", 0 failed" not in last
    assert any("Chromium is not installed'" in c or c.endswith("Chromium is not installed") for c in causes), causes
    # naming an addon absent from the run does not excuse a missing component
    assert any("sale_deposit is a peer" in c for c in causes), causes
    # a test marked to fail is a failure, and the counts are still read
    assert any("expected failures" in c and "expectedFailure" in c for c in causes), causes
    assert not any("could not be read" in c for c in causes), causes
    assert last == "0 passed, 3 failed, 0 skipped", (last, causes)


def test_a_test_module_run_apart_is_counted_and_its_failure_fails_the_command(runs):
    code, last, causes, out = runs["apart"]
    assert code != 0
    # test_probe in the install with tests, the two tests of test_apart in their own process
    assert last == "2 passed, 1 failed, 0 skipped", (last, causes)
    assert "Odoo tests apart: test_apart" in out
    failed = [c for c in causes if "deliberate failure apart" in c]
    # run once, in its own process: the install with tests left it out
    assert len(failed) == 1 and "probe_apart.tests.test_apart" in failed[0], causes


def test_a_test_module_run_apart_that_stops_silently_fails_the_command(runs):
    code, last, causes, _out = runs["apart_exit"]
    assert code != 0 and ", 0 failed" not in last
    assert any("stopped before its end" in c for c in causes), causes


def test_two_addon_lists_are_refused_rather_than_one_dropped(runs):
    code, _last, causes, _out = runs["two_lists"]
    assert code != 0
    assert causes and "one comma-separated list" in causes[0]


def test_a_misspelt_addon_fails_at_once_naming_it(runs):
    code, last, causes, _out = runs["misspelt"]
    assert code != 0
    assert causes and "unknown addon 'crm_lead'" in causes[0]


def test_an_addon_list_of_blanks_is_refused_at_once(runs):
    code, last, causes, _out = runs["blank_list"]
    assert (code, last) == (2, "0 passed, 1 failed, 0 skipped")
    assert causes and "no addon named in ' , '" in causes[0]


def test_an_empty_odoo_log_is_a_failure(tmp_path):
    log = tmp_path / "empty.log"
    log.write_text("")
    result = subprocess.run([os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "scripts", "odoodb.py"),
                             "summarize", str(log)], stdout=subprocess.PIPE, universal_newlines=True)
    assert result.returncode != 0
    assert "is empty" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "odoo: 0 passed, 1 failed, 0 skipped"
