"""A change of billing terms recorded while an invoicing run works on the same contract,
with real processes (the run in an ``odoo-bin shell``, the change over XML-RPC or in a
second shell). Whichever comes first, no day is billed twice or left out: the invoiced
periods follow one another without a gap or an overlap, and a change dated inside a
period the run has just invoiced is refused with a message, not recorded."""
import datetime
import threading
import time

import pytest
import pytz

import harness

RUN = """
import time
contract = env["recurring.contract"].browse(%(id)d)
original = type(contract)._create_period_invoice


def slowed(record, period):
    invoice = original(record, period)
    print("INVOICED", flush=True)
    time.sleep(%(pause)r)
    return invoice


type(contract)._create_period_invoice = slowed
contract._invoice_contracts(contract._invoicing_today(), commit=True)
env.cr.commit()
print("DONE", flush=True)
"""

CHANGE = """
import os
import time
env["recurring.contract.amendment"].create({
    "kind": "terms", "contract_id": %(id)d, "date": %(date)r, "recurring_interval": 3, "recurring_unit": "month"})
print("CHANGED", flush=True)
deadline = time.time() + %(hold)r
while not os.path.exists(%(release)r) and time.time() < deadline:
    time.sleep(0.2)
env.cr.commit()
print("COMMITTED", flush=True)
"""


def _today():
    return datetime.datetime.now(pytz.timezone("Europe/Paris")).date()  # the run's today


def _month_start(day, shift):
    month = day.month - 1 + shift
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@pytest.fixture
def contract(admin_rpc):
    """A monthly contract invoiced in advance from the 1st of the month before last: three
    periods are due today (that month, last month, this month)."""
    stamp = str(int(time.time() * 1000))
    partner = admin_rpc.call("res.partner", "create", {"name": "Terms race %s" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Terms race %s" % stamp, "type": "service"})
    contract_id = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": _month_start(_today(), -2).isoformat(),
        "recurring_interval": 1, "recurring_unit": "month", "invoicing_mode": "advance",
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1, "price_unit": 300.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract_id])
    return contract_id


def _periods(admin_rpc, contract_id):
    """(start, end) of every invoiced period line of the contract, in order."""
    lines = admin_rpc.call("account.invoice.line", "search_read",
                           [("invoice_id.recurring_contract_id", "=", contract_id),
                            ("recurring_period_start", "!=", False)],
                           fields=["recurring_period_start", "recurring_period_end", "price_subtotal"])
    return sorted((line["recurring_period_start"], line["recurring_period_end"]) for line in lines)


def _assert_contiguous(periods, first_day):
    """Each period starts the day after the one before ends: no day twice, none left out."""
    assert periods, "nothing was invoiced"
    assert periods[0][0] == first_day.isoformat()
    for (_start, end), (next_start, _next_end) in zip(periods, periods[1:]):
        day_after = (datetime.date(*map(int, end.split("-"))) + datetime.timedelta(days=1)).isoformat()
        assert next_start == day_after, "gap or overlap between %s and %s in %s" % (end, next_start, periods)


def _run(db, contract_id, pause=0.0):
    return harness.odoo_shell(db, RUN % {"id": contract_id, "pause": pause}, "terms-race-run")


def test_change_of_terms_during_a_run_that_invoices_its_period_is_refused_not_doubled(
        odoo_server, admin_rpc, contract):
    today = _today()
    change_day = _month_start(today, -1) + datetime.timedelta(days=9)  # inside last month
    # given a run that has begun invoicing the contract's three periods and holds it
    run = _run(odoo_server.db, contract, pause=2.0)
    assert len(harness.read_marked_lines(run, "INVOICED", 1)) == 1
    # when a manager records a change of terms dated inside a period the run is invoicing
    outcome = {}

    def change():
        try:
            outcome["id"] = admin_rpc.call("recurring.contract.amendment", "create", {
                "kind": "terms", "contract_id": contract, "date": change_day.isoformat(),
                "recurring_interval": 3, "recurring_unit": "month"})
        except Exception as error:  # the RPC fault the manager sees
            outcome["error"] = str(error)
    thread = threading.Thread(target=change)
    thread.start()
    assert len(harness.read_marked_lines(run, "DONE", 1)) == 1
    assert run.wait(60) == 0
    thread.join(120)
    assert not thread.is_alive()
    # then the change waited for the run, saw this month invoiced, and was refused with a reason
    assert "id" not in outcome, "a change dated %s was recorded over invoiced periods" % change_day
    assert "already invoiced" in outcome.get("error", ""), outcome
    assert admin_rpc.call("recurring.contract.amendment", "search_count",
                          [("contract_id", "=", contract), ("kind", "=", "terms")]) == 0
    assert admin_rpc.call("recurring.contract.adjustment", "search_count", [("contract_id", "=", contract)]) == 0
    # and the three months are invoiced once each, under the old terms
    periods = _periods(admin_rpc, contract)
    assert len(periods) == 3
    _assert_contiguous(periods, _month_start(today, -2))


def test_run_during_an_uncommitted_change_of_terms_skips_the_contract_then_bills_the_new_calendar(
        odoo_server, admin_rpc, contract, tmp_path):
    today = _today()
    change_day = _month_start(today, -1) + datetime.timedelta(days=9)
    release = str(tmp_path / "release")
    # given a change of terms recorded in a transaction kept open until the test releases it
    # (or 90 s pass: a run that waited for it instead of skipping would end after that)
    change = harness.odoo_shell(odoo_server.db, CHANGE % {
        "id": contract, "date": change_day.isoformat(), "hold": 90.0, "release": release}, "terms-race-change")
    assert len(harness.read_marked_lines(change, "CHANGED", 1)) == 1
    # when an invoicing run comes meanwhile
    run = _run(odoo_server.db, contract)
    assert len(harness.read_marked_lines(run, "DONE", 1)) == 1
    assert run.wait(60) == 0
    first = _periods(admin_rpc, contract)
    open(release, "w").close()
    assert len(harness.read_marked_lines(change, "COMMITTED", 1)) == 1
    assert change.wait(60) == 0
    # then it left the contract alone rather than bill it on the calendar being changed
    assert first == [], first
    # and the next run bills the days up to the change, then the new quarterly calendar from it
    rerun = _run(odoo_server.db, contract)
    assert len(harness.read_marked_lines(rerun, "DONE", 1)) == 1
    assert rerun.wait(60) == 0
    periods = _periods(admin_rpc, contract)
    _assert_contiguous(periods, _month_start(today, -2))
    assert (_month_start(today, -1).isoformat(), (change_day - datetime.timedelta(days=1)).isoformat()) in periods
    quarterly = [period for period in periods if period[0] == change_day.isoformat()]
    assert quarterly, periods
    end = datetime.date(*map(int, quarterly[0][1].split("-")))
    assert end == _month_start(change_day, 3) + datetime.timedelta(days=8), quarterly
