"""pytest at the repository root: our addons importable as odoo.addons.<name>, and
Odoo's own test modules (addons/*/tests, run by Odoo's runner) left out of collection."""
import importlib.util
import os

import odoo.addons
from odoo.modules import module as odoo_module


def _find_spec(self, fullname, path=None, target=None):
    loader = self.find_module(fullname, path)
    return importlib.util.spec_from_loader(fullname, loader) if loader else None


# Odoo 11's import hooks (openerp.* aliases), put on sys.meta_path once any test loads
# Odoo's module system, only have the pre-3.4 find_module; pytest's importlib mode asks
# every finder for find_spec. Give them one that asks find_module.
for _hook in (odoo_module.AddonsHook, odoo_module.OdooHook):
    if not hasattr(_hook, "find_spec"):
        _hook.find_spec = _find_spec

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
