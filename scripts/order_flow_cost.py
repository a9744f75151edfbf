"""CPU seconds of Odoo's own order-to-invoice steps in a database, for comparing a database
with the project's addons against a stock one on the same machine, in the same minutes.

    .venv/bin/python scripts/order_flow_cost.py DB [--orders N] [Odoo options: -c odoo.conf ...]

Creates a customer and a product, then N quotations of one line (3 x 100.00, VAT 20 %), and
for each: confirm (with its delivery), create the invoice, validate it. Prints the mean CPU
seconds of the Odoo process per step (PostgreSQL's own CPU is not counted), and rolls
everything back: the database is left as it was. The first order is not counted (caches).

scripts/lib.sh sets the Odoo options the same way for every script, e.g.:

    source scripts/lib.sh; pg_start
    clone_db "$(template_name)" stock_flow    # the template: Odoo's own modules only
    "$VENV/bin/python" scripts/order_flow_cost.py stock_flow --orders 15 -c odoo.conf \\
        --addons-path="$ROOT/addons,$VENV/lib/python3.7/site-packages/odoo/addons" \\
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --data-dir="$LOCAL/data"
"""
import argparse
import sys
import time


def measure(env, orders):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    partner = env["res.partner"].create({"name": "Flow Cost SARL", "is_company": True})
    tax = env["account.tax"].search([("type_tax_use", "=", "sale"), ("amount", "=", 20),
                                     ("price_include", "=", False)], limit=1)
    product = env["product.product"].create({
        "name": "Flow cost table", "type": "consu", "list_price": 100.0, "invoice_policy": "order",
        "taxes_id": [(6, 0, tax.ids)]})

    def one():
        order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {
            "product_id": product.id, "name": product.name, "product_uom_qty": 3,
            "product_uom": product.uom_id.id, "price_unit": 100.0, "tax_id": [(6, 0, tax.ids)]})]})
        times = [time.process_time()]
        order.action_confirm()
        times.append(time.process_time())
        invoice = env["account.invoice"].browse(order.action_invoice_create())
        times.append(time.process_time())
        invoice.action_invoice_open()
        times.append(time.process_time())
        return [after - before for before, after in zip(times, times[1:])]

    one()
    rows = [one() for _index in range(orders)]
    return [sum(row[step] for row in rows) / len(rows) for step in range(3)]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--orders", type=int, default=15)
    args, odoo_args = parser.parse_known_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api
    odoo.tools.config.parse_config(odoo_args)
    registry = odoo.registry(args.db)
    with api.Environment.manage(), registry.cursor() as cr:
        try:
            confirm, create, validate = measure(api.Environment(cr, SUPERUSER_ID, {}), args.orders)
        finally:
            cr.rollback()
    print("%s, %d orders, Odoo CPU per order: confirm %.3f s, create the invoice %.3f s, validate it %.3f s"
          % (args.db, args.orders, confirm, create, validate))


if __name__ == "__main__":
    main(sys.argv[1:])
