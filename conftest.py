"""pytest at the repository root: our addons importable as odoo.addons.<name>, and
Odoo's own test modules (addons/*/tests, run by Odoo's runner) left out of collection."""
import os

import odoo.addons

ROOT = os.path.dirname(os.path.abspath(__file__))
ADDONS = os.path.join(ROOT, "addons")
if ADDONS not in odoo.addons.__path__:
    odoo.addons.__path__.append(ADDONS)


def pytest_ignore_collect(path, config):
    parts = str(path).split(os.sep)
    # addons/<name>/tests/... belong to Odoo's runner; addons/<name>/lib/tests to pytest
    if "addons" in parts:
        index = len(parts) - 1 - parts[::-1].index("addons")
        rest = parts[index + 1:]
        if len(rest) >= 2 and rest[1] == "tests":
            return True
    return None
