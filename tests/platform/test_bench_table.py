"""docs/BENCHMARKS.md is written by bench/run only: a partial run replaces the rows of the
benchmarks it ran, drops the rows they no longer write, and keeps every other row as it was."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _runner():
    spec = importlib.util.spec_from_file_location("bench_runner", os.path.join(ROOT, "bench", "runner.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names(path):
    with open(path) as handle:
        return [line[2:].split(" | ")[0] for line in handle.read().splitlines()
                if line.startswith("| ") and not line.startswith("| benchmark |")]


def test_a_partial_run_replaces_its_rows_drops_the_retired_ones_and_keeps_the_others(tmp_path):
    runner = _runner()
    path = str(tmp_path / "BENCHMARKS.md")
    old = [("full duplicate scan of 100,000 partners, key refresh included", "274 s", "-", "-", "", "", "old"),
           ("duplicate check while creating one contact, p95", "37 ms", "-", "-", "", "", "old"),
           ("peak memory of the Odoo process scanning 100000 partners", "243 MB", "-", "-", "", "", "old"),
           ("recurring invoicing run, 10000 contracts", "761 s", "-", "-", "", "", "kept")]
    runner._write(path, old, full=True)
    fresh = [("full duplicate scan of 100,000 partners", "50 s", "-", "-", "", "", "new"),
             ("duplicate check while creating one contact among 100,000 partners, p95", "30 ms", "-", "-", "", "",
              "new")]
    retired = ["duplicate check while creating one contact, p95",
               "peak memory of the Odoo process scanning 100000 partners"]
    runner._write(path, fresh, full=False, retired=retired)
    assert _names(path) == ["recurring invoicing run, 10000 contracts", "full duplicate scan of 100,000 partners",
                            "duplicate check while creating one contact among 100,000 partners, p95"]
    with open(path) as handle:
        text = handle.read()
    assert "274 s" not in text and "| 761 s |" in text and text.startswith("# Benchmarks")


def test_an_unknown_benchmark_name_is_refused_before_any_work():
    import subprocess
    import time
    table = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    before = os.path.getmtime(table)
    started = time.monotonic()
    run = subprocess.run([os.path.join(ROOT, "bench", "run"), "crm_lead", "no_such_bench"], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    assert run.returncode == 2, run.stdout
    assert "no benchmark matches 'no_such_bench'" in run.stdout and "crm_leads" in run.stdout
    # refused before the benchmark database is built (that takes half a minute and more)
    assert "building benchmark database" not in run.stdout and time.monotonic() - started < 20
    assert os.path.getmtime(table) == before
