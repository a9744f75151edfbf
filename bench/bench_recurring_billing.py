"""Invoicing N due contracts in one run: recurring_billing against OCA ``contract``.

Both databases get the same N monthly contracts (same customers, two lines each, same
prices and 20 % tax; half the customers with 30-day payment terms), all due today; we
time one invoicing run of each (our cron, each period claimed under a row lock; OCA's
``cron_recurring_create_invoice``, one transaction, no lock). OCA runs on a database
without our addons (the template plus ``contract``). The invoices must be the same,
invoice by invoice: customer, untaxed amount, taxes, total and payment terms; the row
says FAILED otherwise. Both leave the invoices in draft (OCA 11.0 never validates).
Peak memory: the growth of this process's peak resident set during each run.

BENCH_CONTRACTS (default 10,000) sets N.
"""
import datetime
import os

import common

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "10000"))
PARTNERS = 10


def _fixtures(env):
    tax = env["account.tax"].create({
        "name": "TVA 20 % (bench)", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale"})
    products = [env["product.product"].create({
        "name": name, "type": "service", "list_price": price, "taxes_id": [(6, 0, tax.ids)]})
        for name, price in (("Bench hosting", 49.0), ("Bench support", 12.5))]
    Term = env["account.payment.term"]
    term = Term.search([("name", "=", "Bench 30 days")], limit=1) or Term.create(
        {"name": "Bench 30 days", "line_ids": [(0, 0, {"value": "balance", "days": 30})]})
    partners = env["res.partner"].browse()
    for index in range(PARTNERS):
        partners |= partners.create({"name": "Bench customer %s" % index, "customer": True,
                                     "property_payment_term_id": term.id if index % 2 else False})
    return tax, products, partners


def _peak_reset():
    """Start a new peak: Linux resets VmHWM when 5 is written to clear_refs. False when it
    cannot (the figure is then the growth over the peak so far, which may hide the run's)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_mb():
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:")) / 1024.0


def _invoices(env):
    """The invoices of the bench customers, each as what a customer would compare."""
    invoices = env["account.invoice"].search([("partner_id.name", "like", "Bench customer %")])
    return sorted((inv.partner_id.name, round(inv.amount_untaxed, 2), round(inv.amount_tax, 2),
                   round(inv.amount_total, 2), inv.payment_term_id.name or "") for inv in invoices)


def _line_values(index, products, tax):
    return [
        {"product_id": products[0].id, "name": "Hosting", "quantity": 1 + index % 3, "price_unit": 49.0,
         "tax_ids": tax.ids},
        {"product_id": products[1].id, "name": "Support", "quantity": 1, "price_unit": 12.5 + index % 7,
         "tax_ids": tax.ids},
    ]


def _ours(ctx, today):
    db = ctx.clone(ctx.db, "rbbench_ours")
    with ctx.env(db) as env:
        tax, products, partners = _fixtures(env)
        Contract = env["recurring.contract"].with_context(tracking_disable=True, mail_notrack=True)
        for index in range(CONTRACTS):
            Contract.create({
                "partner_id": partners[index % PARTNERS].id,
                "date_start": today,
                "line_ids": [(0, 0, dict(values, tax_ids=[(6, 0, values["tax_ids"])]))
                             for values in _line_values(index, products, tax)],
            })
        env["recurring.contract"].search([("state", "=", "draft"), ("name", "like", "SUB/")]).filtered(
            lambda c: c.partner_id in partners).action_start()
    reset = _peak_reset()
    before = _peak_mb()
    with ctx.env(db, {"recurring_no_job": True, "tz": "Europe/Paris"}) as env:
        with common.timer() as timer:
            env["recurring.contract"].cron_invoice_due(today=today)
    peak = _peak_mb() - before
    with ctx.env(db) as env:
        return timer.seconds, _invoices(env), peak, reset


def _baseline(ctx, today):
    db = ctx.clone(ctx.stock("contract"), "rbbench_oca")
    with ctx.env(db) as env:
        tax, products, partners = _fixtures(env)
        Account = env["account.analytic.account"].with_context(tracking_disable=True, mail_notrack=True)
        for index in range(CONTRACTS):
            Account.create({
                "name": "Bench contract %s" % index,
                "partner_id": partners[index % PARTNERS].id,
                "recurring_invoices": True,
                "recurring_rule_type": "monthly",
                "recurring_interval": 1,
                "date_start": today,
                "recurring_next_date": today,
                "recurring_invoice_line_ids": [(0, 0, {
                    "product_id": values["product_id"], "name": values["name"], "quantity": values["quantity"],
                    "uom_id": products[0].uom_id.id, "price_unit": values["price_unit"],
                }) for values in _line_values(index, products, tax)],
            })
    reset = _peak_reset()
    before = _peak_mb()
    with ctx.env(db) as env:
        with common.timer() as timer:
            env["account.analytic.account"].cron_recurring_create_invoice()
    peak = _peak_mb() - before
    with ctx.env(db) as env:
        return timer.seconds, _invoices(env), peak, reset


def run(ctx):
    today = datetime.date.today()
    ours, our_invoices, our_peak, our_reset = _ours(ctx, today)
    base, base_invoices, base_peak, base_reset = _baseline(ctx, today)
    failure = ""
    if len(our_invoices) != CONTRACTS or len(base_invoices) != CONTRACTS:
        failure = "%d invoices (ours) and %d (OCA) for %d due contracts" % (
            len(our_invoices), len(base_invoices), CONTRACTS)
    elif our_invoices != base_invoices:
        first = next(pair for pair in zip(our_invoices, base_invoices) if pair[0] != pair[1])
        failure = "invoices differ; first difference (customer, untaxed, tax, total, terms): ours %s, OCA %s" % first
    total = sum(invoice[3] for invoice in our_invoices)
    note = "%d due contracts, 2 lines each, draft invoices on both sides; %d invoices each, same customer, " \
           "untaxed, tax, total and payment terms invoice by invoice: %s (total %.2f EUR)" % (
               CONTRACTS, len(our_invoices), "no" if failure else "yes", total)
    return [
        common.Result("recurring invoicing run, %d contracts" % CONTRACTS, ours, base, unit="s", better="lower",
                      target=">= 3x", note=note, baseline_name="OCA contract 11.0.2.1.0, stock database",
                      failure=failure),
        common.Result("time per invoice", ours / max(len(our_invoices), 1), base / max(len(base_invoices), 1),
                      unit="s", better="lower", target="", failure=failure,
                      note="one invoice of two lines: the whole run divided by the invoices made",
                      baseline_name="OCA contract"),
        common.Result("peak memory of a recurring invoicing run, %d contracts" % CONTRACTS, our_peak, base_peak,
                      unit="MB", better="lower", target="", failure=failure,
                      note="growth of the process's peak resident set (VmHWM) during the run" + (
                          "" if our_reset and base_reset else
                          "; VmHWM could not be reset here: growth over the peak so far, a lower bound")),
    ]
