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
    cpu = cpu.replace("(R)", "").replace(" Processor", "").replace(" CPU", "")
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return "%s, %d cores, %.0f GiB" % (cpu or platform.machine(), os.cpu_count(), mem)


def _command(names):
    sizes = "".join("%s=%s " % (name, value) for name, value in sorted(os.environ.items())
                    if name.startswith("BENCH_"))
    return "%sbench/run%s" % (sizes, "".join(" " + name for name in names))


def _commit():
    run = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                         universal_newlines=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--",
                            "addons", "bench", "scripts"], stdout=subprocess.PIPE, universal_newlines=True)
    return run.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


HEADER = [
    "# Benchmarks", "",
    "Written by `bench/run` only (never by hand): each row is our figure and the stock-Odoo way of doing",
    "the same work, measured side by side in one run. Stock baselines run on a database without our",
    "addons (the template database, plus only the stock or OCA modules the baseline needs). A row whose",
    "correctness check failed (different totals, lost or doubled records) says FAILED and made `bench/run`",
    "exit non-zero. Ratio > 1 means ours is better (faster, or higher for quality figures).",
    "`bench/run NAME` re-measures the benchmarks whose file name contains NAME and replaces their rows;",
    "the last column says, for each row, the commit, date, command and machine that measured it.",
    "",
    "| benchmark | ours | stock-Odoo baseline | ratio | target | note | measured |",
    "|---|---|---|---|---|---|---|",
]


def _cell(text):
    return str(text).replace("|", "/").replace("\n", " ")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    paths = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.startswith("bench_") and f.endswith(".py"))
    if args.names:
        paths = [p for p in paths if any(n in os.path.basename(p) for n in args.names)]
        if not paths:
            print("no benchmark matches %s" % " ".join(args.names), file=sys.stderr)
            return 2
    ctx = Context(args.db, args.template)
    rows, failures, wrong, retired = [], [], [], set()
    provenance = "%s, %s, `%s`, %s, load %.1f at start" % (
        _commit(), datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), _command(args.names), _machine(),
        os.getloadavg()[0])
    try:
        for path in paths:
            name = os.path.basename(path)
            print("== %s" % name, flush=True)
            try:
                module = _load(path)
                results = module.run(ctx)
            except Exception:  # a broken benchmark must not hide the others
                failures.append(name)
                traceback.print_exc()
                continue
            # rows this benchmark wrote under names it no longer uses: its re-run removes them
            retired.update(getattr(module, "RETIRED", ()))
            for result in results:
                ratio = result.ratio
                if result.failure:
                    wrong.append("%s: %s" % (result.name, result.failure))
                ratio_text = "FAILED" if result.failure else ("%.2fx" % ratio if ratio else "-")
                note = ("FAILED: %s; " % result.failure if result.failure else "") + (result.note or "")
                row = (result.name, _fmt(result.ours, result.unit),
                       "%s%s" % (_fmt(result.baseline, result.unit),
                                 " (%s)" % result.baseline_name if result.baseline_name else ""),
                       ratio_text, result.target, note)
                rows.append(tuple(_cell(cell) for cell in row) + (provenance,))
                print("  %-55s ours %-12s baseline %-28s ratio %-8s %s\n      %s" % row, flush=True)
    finally:
        ctx.cleanup()
    path = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    if rows:
        _write(path, rows, full=not args.names, retired=retired)
    for line in wrong:
        print("FAILED: %s" % line)
    for name in failures:
        print("FAILED: %s raised (traceback above)" % name)
    return 1 if failures or wrong else 0


def _key(row_line):
    name = row_line[2:].split(" | ")[0]
    return name.split(", ")[0].split(" (")[0].strip()


def _write(path, rows, full, retired=()):
    """A full run writes the whole table; a partial run replaces the rows of the
    benchmarks it ran (matched by name up to its first ", " or " (", sizes may differ),
    drops the rows they list as ``RETIRED`` (names of rows they wrote before, matched the
    same way) and keeps the others, each with its own provenance."""
    fresh = ["| %s |" % " | ".join(row) for row in rows]
    kept = []
    if not full and os.path.exists(path):
        with open(path) as handle:
            old = [line for line in handle.read().splitlines() if line.startswith("| ") and not line.startswith(
                "| benchmark |")]
        names = {_key(line) for line in fresh} | {_key("| %s | " % name) for name in retired}
        for line in old:
            if _key(line) in names:
                continue
            if line.count(" | ") < 6:  # a row from before per-row provenance
                line = line[:-2] + " | not re-measured since provenance was kept per row: see git log |"
            kept.append(line)
    with open(path, "w") as handle:
        handle.write("\n".join(HEADER + kept + fresh) + "\n")


if __name__ == "__main__":
    sys.exit(main())
