"""pytest plugin of the test command (`-p skip_policy`): a skipped test is a failure.

The README's set-up installs every component our tests use (dovecot, Chromium, ...):
a test that skips because one is missing would leave a green run that tested nothing.
These skips stay skips: a test that needs a peer addon which this run did not install
(its reason names that addon, e.g. "lead_scoring is not installed"; naming an addon that
is installed does not excuse a skip, nor does a reason that also names a component the
set-up installs, e.g. "Chromium missing; sale_deposit"), a check that does
not apply to the caller (its reason starts "not applicable here:", e.g. a check made as
root), and any skip when L2C_ALLOW_SKIPS=1 is set on purpose (a machine without dovecot
or Chromium). A whole file skipped (``pytest.skip(..., allow_module_level=True)``,
``pytest.importorskip``) is judged the same way, and a test marked to fail (``xfail``)
is a failure unless L2C_ALLOW_SKIPS=1: it would hide a test the same way.
"""
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

# what the README's set-up installs (a reason naming one is never a peer addon's skip): the
# list the Odoo verdict uses
from odoodb import COMPONENT_NAMED  # noqa: E402  pylint: disable=wrong-import-position


def _our_addons():
    folder = os.path.join(ROOT, "addons")
    return {name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name, "__manifest__.py"))}


def _absent_addons():
    """Our addons this run did not install (all of them for suites without a database)."""
    installed = {name for name in os.environ.get("ODOO_TEST_ADDONS", "").split(",") if name}
    return _our_addons() - installed


ABSENT_NAMED = re.compile(r"\b(%s)\b" % "|".join(sorted(_absent_addons()) or ["-no-addon-"]))


def skip_allowed(reason):
    """A skip for a peer addon this run did not install names that addon (and no component
    of the set-up); a check that does not apply to the caller says so; nothing else may skip."""
    reason = reason or ""
    if reason.startswith("not applicable here:"):
        return True
    return bool(ABSENT_NAMED.search(reason)) and not COMPONENT_NAMED.search(reason)


def _reason(longrepr):
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason


def _allow_all():
    return os.environ.get("L2C_ALLOW_SKIPS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _allow_all():
        return
    if hasattr(report, "wasxfail"):
        if call.when == "call" or report.skipped:
            report.outcome = "failed"
            report.longrepr = ("marked to fail (xfail), which the test command counts as a failure: %s "
                               "(fix the test or remove the mark; L2C_ALLOW_SKIPS=1 allows it on purpose)"
                               % (report.wasxfail or "no reason given"))
        return
    if report.skipped:
        _refuse_skip(report, "skipped")


def _refuse_skip(report, what):
    """Turn a skipped report into a failure, unless its reason is a skip allowed."""
    reason = _reason(report.longrepr)
    if skip_allowed(reason):
        return
    report.outcome = "failed"
    report.longrepr = ("%s, which the test command counts as a failure: %s (install what the README's "
                       "set-up installs, or set L2C_ALLOW_SKIPS=1 on purpose)" % (what, reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A whole file skipped at import time is judged as a skipped test is."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not _allow_all():
        _refuse_skip(report, "%s: the whole file skipped" % report.nodeid)
