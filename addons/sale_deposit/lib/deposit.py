"""Deposit maths: amounts, split over tax groups, deductions, arrhes, legal interest.

Amounts are handled as :class:`decimal.Decimal` rounded to the currency's digits,
so that what the order shows, what the invoices book and what the tests assert agree
to the cent.
"""
import datetime
from decimal import Decimal, ROUND_HALF_UP

PERCENT_UNTAXED = "percent_untaxed"
PERCENT_TAXED = "percent_taxed"
FIXED = "fixed"
METHODS = (PERCENT_UNTAXED, PERCENT_TAXED, FIXED)

ACOMPTE = "acompte"
ARRHES = "arrhes"


class DepositError(ValueError):
    """Bad deposit input; the message is meant for the user."""


def to_decimal(value, digits=2):
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(str(value or 0)).quantize(quantum, rounding=ROUND_HALF_UP)


def effective_kind(kind, consumer):
    """The legal kind of an advance payment.

    French consumer law (Code de la consommation, L214-1) presumes that money paid in
    advance on a consumer sale is earnest money (arrhes) unless the contract says otherwise.
    A business sale with nothing stated is treated as a down payment (acompte).
    """
    if kind in (ACOMPTE, ARRHES):
        return kind
    return ARRHES if consumer else ACOMPTE


def deposit_amount(method, value, untaxed_total, taxed_total, already_deposited=0, digits=2):
    """Tax-included amount of a new deposit.

    :param method: ``percent_untaxed`` (the percentage applies to the untaxed total and
        taxes are added on top), ``percent_taxed`` (the percentage of the total the
        customer pays) or ``fixed`` (a tax-included amount).
    :param already_deposited: tax-included deposits already asked on the order.
    :raises DepositError: negative or null value, percentage above 100, or a deposit
        that, added to the earlier ones, would exceed the order total.
    """
    if method not in METHODS:
        raise DepositError("Unknown deposit method: %s" % method)
    value = Decimal(str(value or 0))
    untaxed_total = to_decimal(untaxed_total, digits)
    taxed_total = to_decimal(taxed_total, digits)
    if value <= 0:
        raise DepositError("The deposit must be a positive amount or percentage.")
    if taxed_total <= 0:
        raise DepositError("A deposit needs an order with a positive total.")
    if method in (PERCENT_UNTAXED, PERCENT_TAXED) and value > 100:
        raise DepositError("A deposit percentage cannot exceed 100%.")
    if method == FIXED:
        amount = to_decimal(value, digits)
    elif method == PERCENT_TAXED:
        amount = to_decimal(taxed_total * value / 100, digits)
    else:
        # a percentage of the untaxed total, taxes on top: same share of the taxed total
        amount = to_decimal(taxed_total * value / 100, digits)
    if amount + to_decimal(already_deposited, digits) > taxed_total:
        raise DepositError("The deposits would exceed the order total.")
    return amount


def split_over_tax_groups(amount, groups, digits=2):
    """Split a tax-included deposit over the order's tax groups, pro rata.

    :param groups: list of ``(key, untaxed, taxed)`` per group of taxes of the order.
    :returns: list of ``(key, untaxed_share, taxed_share)``; the taxed shares add up to
        ``amount`` exactly (the last group takes the rounding difference).
    """
    amount = to_decimal(amount, digits)
    groups = [(key, to_decimal(untaxed, digits), to_decimal(taxed, digits)) for key, untaxed, taxed in groups]
    groups = [group for group in groups if group[2]]
    total = sum(group[2] for group in groups)
    if not total:
        raise DepositError("A deposit needs an order with a positive total.")
    result = []
    left = amount
    for index, (key, untaxed, taxed) in enumerate(groups):
        if index == len(groups) - 1:
            taxed_share = left
        else:
            taxed_share = to_decimal(amount * taxed / total, digits)
        left -= taxed_share
        untaxed_share = to_decimal(taxed_share * untaxed / taxed, digits) if taxed else Decimal(0)
        result.append((key, untaxed_share, taxed_share))
    return result


def deduction(available, invoice_amount, order_left_to_invoice, digits=2):
    """Deposit to deduct from one final invoice.

    The available deposit is spread pro rata over what is left to invoice on the order, so
    that several partial invoices share it, and the invoice closing the order takes all of
    it. The deduction never exceeds the invoice (no negative invoice) nor the deposit.

    :param available: paid deposit not yet deducted nor refunded (tax included).
    :param invoice_amount: tax-included total of the goods on this invoice.
    :param order_left_to_invoice: tax-included amount of the order still to invoice,
        this invoice included.
    """
    available = to_decimal(available, digits)
    invoice_amount = to_decimal(invoice_amount, digits)
    left = to_decimal(order_left_to_invoice, digits)
    if available <= 0 or invoice_amount <= 0:
        return Decimal(0)
    if left <= invoice_amount:
        share = available
    else:
        share = to_decimal(available * invoice_amount / left, digits)
    return min(share, available, invoice_amount)


def deposit_balance(invoiced, paid, refunded, deducted, digits=2):
    """Invoiced, paid and remaining (paid, not refunded nor deducted) deposit amounts."""
    invoiced = to_decimal(invoiced, digits)
    paid = to_decimal(paid, digits)
    refunded = to_decimal(refunded, digits)
    deducted = to_decimal(deducted, digits)
    remaining = paid - refunded - deducted
    if remaining < 0:
        raise DepositError("The deductions and refunds exceed the deposit paid.")
    return {"invoiced": invoiced, "paid": paid, "remaining": remaining}


def _arrhes_amounts(left_to_deduct, paid_left, digits):
    left = to_decimal(left_to_deduct, digits)
    paid = to_decimal(paid_left, digits)
    if paid <= 0:
        raise DepositError("No earnest money was paid on this deposit.")
    if paid > left:
        raise DepositError("More money was received than is left on the deposit.")
    return left, paid


def arrhes_forfeit(left_to_deduct, paid_left, digits=2):
    """Earnest money kept when the customer withdraws (Code de la consommation, L214-1).

    What is left of the deposit invoice is cancelled by a credit note (avoir), price and VAT
    through the tax engine, so that the VAT goes back to zero in the tax report; the money
    received and not used is kept as an indemnity outside the scope of VAT, settled by that
    money. An unpaid part of the deposit is simply cancelled.

    :param left_to_deduct: tax-included deposit invoiced, neither deducted nor credited.
    :param paid_left: money received on it, neither deducted nor refunded.
    :returns: dict with ``credit_note`` (tax included) and ``indemnity`` (outside the scope of VAT).
    :raises DepositError: nothing was paid, or more was paid than is left on the deposit.
    """
    left, paid = _arrhes_amounts(left_to_deduct, paid_left, digits)
    return {"credit_note": left, "indemnity": paid}


def arrhes_double_refund(left_to_deduct, paid_left, digits=2):
    """What the seller owes when failing to deliver: the earnest money back, and as much again.

    The credit note cancels what is left of the deposit invoice (price and VAT through the tax
    engine), which gives the money received back, and adds a penalty of the same amount outside
    the scope of VAT: the customer is owed twice the money received.

    :returns: dict with ``credit_note`` (tax included, the penalty aside) and ``penalty``.
    :raises DepositError: nothing was paid, or more was paid than is left on the deposit.
    """
    left, paid = _arrhes_amounts(left_to_deduct, paid_left, digits)
    return {"credit_note": left, "penalty": paid}


def add_months(date, months):
    month = date.month - 1 + months
    year = date.year + month // 12
    month = month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return datetime.date(year, month, min(date.day, days))


def rate_in_force(rates, day, default=None):
    """The rate in force on ``day``: that of the latest period starting on or before it.

    :param rates: ``[(start_date, rate)]``, in any order.
    :param default: rate of the days before the first period (``None``: an error).
    """
    known = [(start, rate) for start, rate in rates if start <= day]
    if known:
        return Decimal(str(max(known, key=lambda item: item[0])[1]))
    if default is None:
        raise DepositError("No legal interest rate is known for %s." % day.isoformat())
    return Decimal(str(default))


def late_interest(payments, today, rates, end_date=None, grace_months=3, digits=2, default_rate=None):
    """Legal interest on advance payments (Code de la consommation, L214-2).

    Each sum paid in advance bears interest at the legal rate once ``grace_months`` have passed
    after its payment, until the delivery or the refund (``end_date``; ``today`` while neither
    happened): simple interest on a 365-day year, each day at the rate of its semester. Once the
    advance is used, the interest accrued up to that day stays owed.

    :param payments: ``[(payment_date, amount)]`` of the money received.
    :param rates: ``[(semester_start, yearly rate in %)]`` for the creditor's kind.
    :returns: ``(late, interest)``: whether a payment is past its grace period with the advance
        still unused, and the interest accrued up to ``end_date`` or ``today``.
    :raises DepositError: a negative rate, or a day with no rate known and no ``default_rate``.
    """
    if any(Decimal(str(rate)) < 0 for _start, rate in rates) or (
            default_rate is not None and Decimal(str(default_rate)) < 0):
        raise DepositError("The legal interest rate cannot be negative.")
    stop = min(end_date, today) if end_date else today
    late = False
    total = Decimal(0)
    starts = sorted(start for start, _rate in rates)
    for paid_on, amount in payments:
        amount = to_decimal(amount, digits)
        start = add_months(paid_on, grace_months)
        if amount <= 0 or stop <= start:
            continue
        late = late or not end_date
        # one segment per semester crossed, each at its own rate
        cuts = [start] + [day for day in starts if start < day < stop] + [stop]
        for begin, finish in zip(cuts, cuts[1:]):
            rate = rate_in_force(rates, begin, default_rate)
            total += amount * rate / 100 * (finish - begin).days / 365
    return late, to_decimal(total, digits)
