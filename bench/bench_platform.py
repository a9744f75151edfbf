"""Platform baseline: 1,000 leads created one XML-RPC call each, against one bulk call.

Both go through a real server over XML-RPC, as an external program would, on a stock
database (crm, none of our addons). The figure tells integrators what batching saves,
and is the yardstick of the crm_leads API.
"""
import time

from common import Result

COUNT = 1000


def _payloads(tag):
    return [{"name": "Bench %s lead %d" % (tag, i), "email_from": "lead%d@%s.example.com" % (i, tag),
             "type": "lead"} for i in range(COUNT)]


def run(ctx):
    db = ctx.clone(ctx.stock(), "bench_platform_scratch")
    with ctx.server(db) as server:
        rpc = server.rpc()
        rpc.call("crm.lead", "create", {"name": "warm-up"})
        one_by_one = _payloads("single")
        start = time.perf_counter()
        for values in one_by_one:
            rpc.call("crm.lead", "create", values)
        single = time.perf_counter() - start

        bulk_values = _payloads("bulk")
        start = time.perf_counter()
        # Odoo 11's create takes one dict: the bulk way is one call creating all leads server-side
        rpc.call("crm.lead", "load", ["name", "email_from", "type"],
                 [[v["name"], v["email_from"], v["type"]] for v in bulk_values])
        bulk = time.perf_counter() - start
        counts = [rpc.call("crm.lead", "search_count", [("name", "like", "Bench %s lead" % tag)])
                  for tag in ("single", "bulk")]
    failure = "" if counts == [COUNT, COUNT] else "leads created one by one / in bulk: %s, expected %d each" % (
        counts, COUNT)
    return [Result("1,000 leads over XML-RPC: bulk load vs one call each", bulk, single, unit="s",
                   baseline_name="1,000 create calls on a stock database", failure=failure,
                   note="per lead: %.1f ms one by one, %.1f ms in bulk" % (single * 1000 / COUNT, bulk * 1000 / COUNT))]
