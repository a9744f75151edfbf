"""Run the benchmarks of bench/ and print, for each, our figure, the stock-Odoo baseline
measured in the same run, and their ratio. Writes docs/BENCHMARKS.md.

    python bench/runner.py --db BENCH_DB --template TEMPLATE_DB [name ...]
"""
import argparse
import datetime
import importlib.util
import os
import platform
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import ROOT, Context  # noqa: E402


def _load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fmt(value, unit):
    if value is None:
        return "-"
    if unit == "s" and value < 1:
        return "%.1f ms" % (value * 1000)
    return "%.3g %s" % (value, unit)


def _machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return "%s, %d cores, %.0f GiB, Python %s, PostgreSQL 15" % (
        cpu or platform.machine(), os.cpu_count(), mem, platform.python_version())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    paths = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.startswith("bench_") and f.endswith(".py"))
    if args.names:
        paths = [p for p in paths if any(n in os.path.basename(p) for n in args.names)]
    ctx = Context(args.db, args.template)
    rows, failures = [], []
    try:
        for path in paths:
            name = os.path.basename(path)
            print("== %s" % name, flush=True)
            try:
                results = _load(path).run(ctx)
            except Exception:  # a broken benchmark must not hide the others
                failures.append(name)
                traceback.print_exc()
                continue
            for result in results:
                ratio = result.ratio
                rows.append((result.name, _fmt(result.ours, result.unit),
                             "%s%s" % (_fmt(result.baseline, result.unit),
                                       " (%s)" % result.baseline_name if result.baseline_name else ""),
                             "%.2fx" % ratio if ratio else "-", result.target, result.note))
                print("  %-55s ours %-12s baseline %-28s ratio %-8s %s\n      %s" % rows[-1], flush=True)
    finally:
        ctx.cleanup()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.strip()
    lines = [
        "# Benchmarks", "",
        "Command: `%sbench/run` (one run; ours and the stock-Odoo baseline measured side by side)." % "".join(
            "%s=%s " % (name, value) for name, value in sorted(os.environ.items()) if name.startswith("BENCH_")),
        "Ratio > 1 means ours is better (faster, or higher for quality figures).", "",
        "Machine: %s. Run: %s, commit %s." % (_machine(), datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), commit),
        "", "| benchmark | ours | stock-Odoo baseline | ratio | target | note |", "|---|---|---|---|---|---|",
    ]
    lines += ["| %s |" % " | ".join(row) for row in rows]
    if failures:
        lines += ["", "Failed to run: %s" % ", ".join(failures)]
    path = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    if not args.names:
        with open(path, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    elif rows and os.path.exists(path):
        _merge_rows(path, rows, "`%sbench/run %s`" % ("".join(
            "%s=%s " % (name, value) for name, value in sorted(os.environ.items()) if name.startswith("BENCH_")),
            " ".join(args.names)), commit)
    return 1 if failures else 0


def _merge_rows(path, rows, command, commit):
    """A run of some benchmarks replaces their rows in docs/BENCHMARKS.md (matched by the
    benchmark's name up to its first ", ", sizes may differ) and says so above the table."""
    with open(path) as handle:
        lines = handle.read().splitlines()

    def key(name):
        return name.split(", ")[0].split(" (")[0].strip()
    fresh = {key(row[0]): "| %s |" % " | ".join(row) for row in rows}
    marker = "|---|"
    table = next((index for index, line in enumerate(lines) if line.startswith(marker)), None)
    if table is None:
        return
    placed = set()
    for index in range(table + 1, len(lines)):
        if lines[index].startswith("| "):
            name = key(lines[index][2:].split(" | ")[0])
            if name in fresh:
                lines[index] = fresh[name]
                placed.add(name)
    end = table + 1
    while end < len(lines) and lines[end].startswith("| "):
        end += 1
    lines[end:end] = [line for name, line in fresh.items() if name not in placed]
    # earlier partial runs: name only the rows of theirs that this run did not replace
    for index in range(table - 1, -1, -1):
        line = lines[index]
        if line.startswith("Re-measured ") and " -> rows " in line:
            head, _sep, names = line.rstrip(".").partition(" -> rows ")
            kept = [name for name in names.split(", ") if name not in fresh]
            if kept:
                lines[index] = "%s -> rows %s." % (head, ", ".join(kept))
            else:
                del lines[index]
                table -= 1
    names = ", ".join(sorted(fresh))
    note = "Re-measured %s: %s -> rows %s." % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "%s at commit %s" % (command, commit), names)
    lines.insert(table - 2, note)
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
