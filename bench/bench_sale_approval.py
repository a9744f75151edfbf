"""sale_approval: confirming quotations through the approval rule check against stock
``action_confirm`` on a database without the addon.

Ours: a clone of the template with ``sale_approval`` alone installed, and one active rule
of every condition kind (amount, discount, margin, credit, payment term, category,
domain) set so that none holds: each confirmation evaluates all seven, then confirms.
Stock: a clone of the template with ``sale_management`` (none of our addons). The same
QUOTATIONS quotations of two lines are made in both, outside the timing; then each is
confirmed on its own with a commit, the two databases alternating in blocks of BLOCK so
that a change of load weighs on both alike.
"""
import os

from common import Result, timer

QUOTATIONS = int(os.environ.get("BENCH_APPROVAL_QUOTATIONS") or 1000)
BLOCK = 50


def _quotations(env, count):
    """``count`` quotations of two lines for one customer, committed; their ids."""
    partner = env["res.partner"].create({"name": "Bench approval customer", "email": "bench@approval.example"})
    products = env["product.product"]
    for values in ({"name": "Bench chair", "type": "consu", "list_price": 120.0, "standard_price": 60.0},
                   {"name": "Bench desk", "type": "consu", "list_price": 480.0, "standard_price": 250.0}):
        products |= env["product.product"].create(values)
    ids = []
    for n in range(count):
        order = env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1 + (n + i) % 5,
                                   "price_unit": product.list_price}) for i, product in enumerate(products)],
        })
        ids.append(order.id)
    env.cr.commit()
    return ids


def _rules(env):
    """One rule of each condition kind, none of which holds for the bench quotations."""
    company = env.user.company_id
    category = env["product.category"].create({"name": "Bench approval: never sold"})
    manager = env.ref("base.user_root")
    common = {"company_id": company.id, "approver_kind": "user", "approver_user_id": manager.id}
    kinds = [
        ("amount", {"amount_threshold": 1e9}),
        ("discount", {"percent_threshold": 90.0}),
        ("margin", {"percent_threshold": -1000.0}),
        ("credit", {}),
        ("payment_term", {"days_threshold": 3650}),
        ("category", {"category_ids": [(6, 0, category.ids)]}),
        ("domain", {"domain": "[('client_order_ref', '=', 'bench: never')]"}),
    ]
    rules = env["sale.approval.rule"]
    for tier, (kind, values) in enumerate(kinds, start=1):
        rules |= rules.create(dict(common, name="Bench rule: %s" % kind, condition=kind, tier=tier, **values))
    env.cr.commit()
    return rules


def run(ctx):
    stock_db = ctx.clone(ctx.stock("sale_management"), "bench_sale_approval_stock")
    ours_db = ctx.clone(ctx.template, "bench_sale_approval_ours")
    ctx.install(ours_db, "sale_approval")
    with ctx.env(ours_db) as env, ctx.env(stock_db) as stock_env:
        rules = _rules(env)
        # one more each for the warm-up
        ours_ids = _quotations(env, QUOTATIONS + 1)
        stock_ids = _quotations(stock_env, QUOTATIONS + 1)
        # warm-up: one confirmation each, outside the timing
        for path_env, ids in ((env, ours_ids), (stock_env, stock_ids)):
            path_env["sale.order"].browse(ids.pop()).action_confirm()
            path_env.cr.commit()
        times = {"ours": 0.0, "stock": 0.0}
        paths = {"ours": (env, ours_ids), "stock": (stock_env, stock_ids)}
        for start in range(0, len(ours_ids), BLOCK):
            order_of_paths = ("ours", "stock") if (start // BLOCK) % 2 == 0 else ("stock", "ours")
            for name in order_of_paths:
                path_env, ids = paths[name]
                for order_id in ids[start:start + BLOCK]:
                    with timer() as t:
                        path_env["sale.order"].browse(order_id).action_confirm()
                        path_env.cr.commit()
                    times[name] += t.seconds
        confirmed = {name: path_env["sale.order"].search_count([("id", "in", ids), ("state", "=", "sale")])
                     for name, (path_env, ids) in paths.items()}
        checked = len(rules)
    count = len(ours_ids)
    failure = ""
    if confirmed["ours"] != count or confirmed["stock"] != count:
        failure = "confirmed ours %d, stock %d, of %d" % (confirmed["ours"], confirmed["stock"], count)
    ours_ms, stock_ms = times["ours"] / count * 1000, times["stock"] / count * 1000
    return [
        Result("sale_approval: confirming %d quotations through the approval rule check vs stock confirm" % count,
               ours_ms, stock_ms, unit="ms", better="lower", target="overhead <= 20%", failure=failure,
               baseline_name="stock action_confirm, database without sale_approval",
               note="per quotation, one commit each; %d rules (one of each condition kind, none holding) "
                    "evaluated at each confirmation; overhead %+.0f%%; confirmed ours %d, stock %d" % (
                        checked, (ours_ms / stock_ms - 1) * 100, confirmed["ours"], confirmed["stock"])),
    ]
