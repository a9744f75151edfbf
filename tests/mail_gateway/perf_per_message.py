"""Cost per e-mail, ours against stock message_process, measured as bench/bench_mail_gateway.py
does (same messages, ours and stock alternating message by message, one commit per message), on
databases of your own, never the bench_* ones. Not a test: run it by hand.

    .venv/bin/python tests/mail_gateway/perf_per_message.py OURS_DB STOCK_DB [N] [--profile]

OURS_DB: a clone of the template with our addons installed; STOCK_DB: a clone of the template.
N messages of each shape (default 40). --profile: ours only, under cProfile, with the number of
SQL queries per shape, the costliest functions printed. --code=DIR: load our addons from DIR first
(e.g. an older commit's ``git archive`` of addons/mail_gateway), to measure before and after.
--shared-phone: every signature with the same phone number, as the bench had it before.
"""
import cProfile
import os
import pstats
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "bench"), os.path.join(ROOT, "tests")]

import bench_mail_gateway as bench  # noqa: E402
import common  # noqa: E402


def measure(ctx, db, stock_db):
    timings, leads = bench._per_message(ctx, db, stock_db)
    import odoo.addons.mail_gateway
    print("mail_gateway loaded from %s" % os.path.dirname(odoo.addons.mail_gateway.__file__))
    ours = sum(timings["ours", shape] for shape in bench.SHAPES) / len(bench.SHAPES)
    stock = sum(timings["stock", shape] for shape in bench.SHAPES) / len(bench.SHAPES)
    print("per e-mail: ours %.0f ms, stock %.0f ms, ours/stock %.2fx" % (ours * 1000, stock * 1000, ours / stock))
    print("per shape (ours/stock ms): " + ", ".join(
        "%s %.0f/%.0f" % (shape, timings["ours", shape] * 1000, timings["stock", shape] * 1000)
        for shape in bench.SHAPES))
    print("leads: %s" % leads)


def profile(ctx, db):
    import odoo.sql_db
    counts = {"n": 0}
    original = odoo.sql_db.Cursor.execute

    def counting(self, *args, **kwargs):
        counts["n"] += 1
        return original(self, *args, **kwargs)

    odoo.sql_db.Cursor.execute = counting
    profiler = cProfile.Profile()
    with ctx.env(db) as env:
        env["ir.config_parameter"].set_param("mail_gateway.throttle_limit", "0")
        env.cr.commit()
        gateway = env["mail.gateway.message"]
        gateway.receive(bench._raw("warm-ours", 0))
        env.cr.commit()
        tag = "prof-%s" % uuid.uuid4().hex[:6]
        for shape in bench.SHAPES:
            counts["n"] = 0
            start = time.perf_counter()
            for n in range(1, bench.PER_MESSAGE + 1):
                raw = bench._shaped(tag, n, shape)
                profiler.enable()
                gateway.receive(raw)
                env.cr.commit()
                profiler.disable()
            print("%-10s %.0f ms, %.1f queries per message" % (
                shape, (time.perf_counter() - start) * 1000 / bench.PER_MESSAGE, counts["n"] / bench.PER_MESSAGE))
    odoo.sql_db.Cursor.execute = original
    profiler.dump_stats(os.environ.get("PERF_PROFILE_OUT", "/tmp/mail_gateway_perf.prof"))
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(25)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    db, stock_db = args[0], args[1]
    bench.PER_MESSAGE = int(args[2]) if len(args) > 2 else 40
    if db.startswith("bench_") or stock_db.startswith("bench_"):
        sys.exit("bench_* databases belong to the benchmark runner")
    ctx = common.Context(db, None)
    code = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--code=")]
    if code:
        import odoo
        ctx._configure()
        odoo.modules.module.initialize_sys_path()
        odoo.modules.module.ad_paths.insert(0, os.path.abspath(code[0]))
    if "--shared-phone" in sys.argv:
        # the bench before 2026-11-30: every signature with one phone number
        bench.BODY = bench.BODY.replace("Tel: +33 1 45 %(n)06d", "Tel: +33 1 23 45 67 89")
    if "--profile" in sys.argv:
        profile(ctx, db)
    else:
        measure(ctx, db, stock_db)


if __name__ == "__main__":
    main()
