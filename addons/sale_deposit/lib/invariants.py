"""Accounting invariants of a sales order with deposits, checked on posted entries.

The model gathers the facts of one order from its posted journal entries
(:class:`OrderFacts`); :func:`check` states what an auditor expects of them and
returns the broken rules as sentences. Amounts are in the order's currency, except
the deposit account's balance, which is also checked in the company's currency
(exchange differences must be booked, not left on 4191).

The rules:

1. Never invoiced more than the order: the goods invoiced net of credit notes (deposit
   invoices included, indemnities and penalties aside) never exceed the order's total;
   with the kept earnest money added and the penalty paid back taken off, neither.
2. Once the order is fully invoiced: the goods invoiced net equal the goods the customer
   keeps, the deposit account of the order is zero, and the VAT in the tax lines equals
   the VAT due on the goods kept.
3. Once the order is cancelled: nothing is left invoiced for goods (every deposit
   invoice credited), the deposit account is zero and the VAT in the tax lines is zero.
4. Once the customer's account for the order is settled (nothing owed either way),
   every deposit invoice is reconciled: paid, or credited by a credit note reconciled
   with it; no document is left open against another.
"""
from collections import namedtuple
from decimal import Decimal

from .deposit import to_decimal

OrderFacts = namedtuple("OrderFacts", [
    "reference",          # the order's name, for the messages
    "digits",             # decimal places of the order's currency
    "order_total",        # taxed total of the order as ordered
    "kept_total",         # taxed value of the goods ordered less those returned
    "vat_due",            # VAT on the goods kept
    "goods_invoiced",     # invoices less credit notes, taxed, indemnity and penalty lines aside
    "indemnity",          # kept earnest money invoiced (outside the scope of VAT)
    "penalty",            # earnest money paid back on top of the deposit (outside the scope of VAT)
    "vat_booked",         # VAT in the tax lines of the order's documents, credit positive
    "deposit_balance",    # balance of the deposit account for the order, in the order's currency
    "deposit_balance_company",  # the same in the company's currency, exchange differences included
    "fully_invoiced",
    "cancelled",
    "settled",            # the customer owes nothing and is owed nothing on the order
    "open_deposit_invoices",  # numbers of the deposit invoices left with an open residual
    "open_documents",     # number of the order's documents left with an open residual
    "tolerance_units",    # how many roundings of one cent the order's documents may accumulate
])


def check(facts):
    """The rules broken by ``facts`` (an :class:`OrderFacts`), as sentences; empty when all hold."""
    unit = Decimal(1).scaleb(-facts.digits)
    tolerance = unit * max(int(facts.tolerance_units), 1)

    def amount(value):
        return to_decimal(value, facts.digits)

    goods = amount(facts.goods_invoiced)
    kept = amount(facts.kept_total)
    errors = []
    if goods > amount(facts.order_total) + tolerance:
        errors.append("%s: %s invoiced for goods, more than the order's total of %s" % (
            facts.reference, goods, amount(facts.order_total)))
    overall = goods + amount(facts.indemnity) - amount(facts.penalty)
    if overall > amount(facts.order_total) + tolerance:
        errors.append("%s: %s invoiced with the indemnities, more than the order's total of %s" % (
            facts.reference, overall, amount(facts.order_total)))
    if facts.cancelled:
        expected_goods, expected_vat = Decimal(0), Decimal(0)
    elif facts.fully_invoiced:
        expected_goods, expected_vat = kept, amount(facts.vat_due)
    else:
        expected_goods = expected_vat = None
    if expected_goods is not None:
        state = "cancelled" if facts.cancelled else "fully invoiced"
        if abs(goods - expected_goods) > tolerance:
            errors.append("%s (%s): %s invoiced for goods, %s expected" % (
                facts.reference, state, goods, expected_goods))
        if abs(amount(facts.deposit_balance)) > tolerance:
            errors.append("%s (%s): the deposit account shows %s, zero expected" % (
                facts.reference, state, amount(facts.deposit_balance)))
        if abs(to_decimal(facts.deposit_balance_company, 2)) > Decimal("0.01") * max(int(facts.tolerance_units), 1):
            errors.append("%s (%s): the deposit account shows %s in the company's currency, zero expected" % (
                facts.reference, state, to_decimal(facts.deposit_balance_company, 2)))
        if abs(amount(facts.vat_booked) - expected_vat) > tolerance:
            errors.append("%s (%s): %s of VAT in the tax lines, %s due" % (
                facts.reference, state, amount(facts.vat_booked), expected_vat))
    if facts.settled and (facts.open_deposit_invoices or facts.open_documents):
        errors.append("%s (settled): documents left open against each other: %s" % (
            facts.reference, ", ".join(facts.open_deposit_invoices) or "%d document(s)" % facts.open_documents))
    return errors
