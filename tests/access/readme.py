"""Write each addon's readme/ACCESS.rst ("Access rights" in README.rst) from the matrix.

    .venv/bin/python tests/access/readme.py && scripts/gen-readme
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import access_matrix as matrix  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPERATIONS = (("read", "Read"), ("write", "Write"), ("unlink", "Delete"))


def _records(names, every):
    if not names:
        return "no"
    if names == every:
        return "all"
    if names == {name for name in every if not name.endswith("_oc")}:
        return "all of its company"
    return ", ".join(matrix.RECORD_LABELS.get(name, name) for name in sorted(names, key=every_order(every)))


def every_order(every):
    order = {name: index for index, name in enumerate(sorted(every))}
    return lambda name: order.get(name, 0)


def render(addon):
    out = [
        "Generated from ``tests/access/access_matrix.py`` (``tests/access/readme.py``), where every cell is "
        "tested through JSON-RPC as a real user. A role not listed under a model has no access to it. "
        "Salespeople have the \"own documents\" rights, sales managers \"all documents\". Companies follow "
        "Odoo's multi-company rules: a user sees the records of the company he is working in and of its "
        "child companies (a parent company sees its subsidiaries' records, not the other way round).",
        "",
    ]
    for model, spec in sorted(matrix.MODELS.items()):
        if spec["addon"] != addon:
            continue
        title = "``%s``" % model
        out += [title, "~" * len(title), ""]
        if spec.get("note"):
            out += [spec["note"], ""]
        if spec["kind"] != "checked":
            continue
        if not spec["rights"]:
            out += ["No role of the matrix has any access: administrators only.", ""]
            continue
        every = set(spec["records"].split())
        out += [".. list-table::", "   :header-rows: 1", "", "   * - Role"]
        out += ["     - %s" % label for _op, label in OPERATIONS] + ["     - Create"]
        for role in matrix.ROLES:
            cell = spec["rights"].get(role)
            if not cell:
                continue
            out.append("   * - %s" % matrix.ROLE_LABELS[role])
            out += ["     - %s" % _records(cell[op], every) for op, _label in OPERATIONS]
            create = "no"
            if cell["create"]:
                # the rules checked on each create (test_create_rules): only records it may read
                create = "yes, records it may read" if model in matrix.CREATE_CHECKS else "yes"
            out.append("     - %s" % create)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main():
    addons = sorted({spec["addon"] for spec in matrix.MODELS.values()})
    for addon in addons:
        path = os.path.join(ROOT, "addons", addon, "readme", "ACCESS.rst")
        with open(path, "w") as handle:
            handle.write(render(addon))


if __name__ == "__main__":
    main()
