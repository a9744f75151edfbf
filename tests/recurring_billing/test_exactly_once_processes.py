"""Exactly-once with real processes: an invoicing run killed with SIGKILL in the middle of
a batch, then run again; two runs started at the same time. Every period of every
contract ends up invoiced once, with one claim each."""
import datetime
import os
import signal
import time

import pytest
import pytz

import harness

CONTRACTS = 12
PERIODS = 3  # each contract starts two months ago, invoiced in advance: 3 periods due today

WORKER = """
import sys
import time
contracts = env["recurring.contract"].browse(%(ids)r)
original = type(contracts)._create_period_invoice


def slowed(record, period):
    invoice = original(record, period)
    print("INVOICED", flush=True)
    time.sleep(%(pause)r)
    return invoice


type(contracts)._create_period_invoice = slowed
print("STARTED", flush=True)
contracts._invoice_contracts(contracts._invoicing_today(), commit=True, batch_size=%(batch)r)
print("DONE", flush=True)
"""


def start_worker(db, contract_ids, pause=0.0, batch=4):
    """An Odoo process (``odoo-bin shell``) invoicing the contracts, one transaction per batch."""
    return harness.odoo_shell(db, WORKER % {"ids": list(contract_ids), "pause": pause, "batch": batch},
                              "recurring-worker")


def wait_lines(process, marker, count, timeout=240):
    """Read the worker's output until ``count`` lines ``marker`` (returns how many it saw)."""
    return len(harness.read_marked_lines(process, marker, count, timeout))


@pytest.fixture
def contracts(admin_rpc):
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()  # the run's today
    month = today.month - 3
    start = datetime.date(today.year + month // 12, month % 12 + 1, 1)
    stamp = str(int(time.time() * 1000))
    partner = admin_rpc.call("res.partner", "create", {"name": "Exactly once %s" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Exactly once %s" % stamp, "type": "service"})
    first = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": start.isoformat(),
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1, "price_unit": 10.0})]})
    ids = [first] + [admin_rpc.call("recurring.contract", "copy", first, {"date_start": start.isoformat()})
                     for _index in range(CONTRACTS - 1)]
    admin_rpc.call("recurring.contract", "action_start", ids)
    return ids


def invoiced_periods(admin_rpc, contract_ids):
    """(contract, period start) of every invoice line of the contracts, and the claims."""
    lines = admin_rpc.call("account.invoice.line", "search_read",
                           [("invoice_id.recurring_contract_id", "in", contract_ids)],
                           fields=["invoice_id", "recurring_period_start"])
    invoices = admin_rpc.call("account.invoice", "read", sorted({line["invoice_id"][0] for line in lines}),
                              ["recurring_contract_id"])
    contract_of = {invoice["id"]: invoice["recurring_contract_id"][0] for invoice in invoices}
    periods = [(contract_of[line["invoice_id"][0]], line["recurring_period_start"]) for line in lines]
    claims = admin_rpc.call("recurring.contract.period", "search_count", [("contract_id", "in", contract_ids)])
    return periods, claims


def assert_each_period_once(admin_rpc, contract_ids):
    periods, claims = invoiced_periods(admin_rpc, contract_ids)
    assert len(periods) == CONTRACTS * PERIODS
    assert len(set(periods)) == CONTRACTS * PERIODS
    assert claims == CONTRACTS * PERIODS


def test_two_runs_at_once_one_killed_with_sigkill_then_a_rerun_invoice_each_period_once(
        odoo_server, admin_rpc, contracts):
    # given two runs started at the same time, committing every 4 contracts (12 invoices)
    killed, other = [start_worker(odoo_server.db, contracts, pause=pause) for pause in (0.3, 0.05)]
    # when one of them is killed outright in the middle of a batch
    assert wait_lines(killed, "INVOICED", 5) == 5
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait(30) == -signal.SIGKILL
    # then the other one completes; what the killed one had not committed left nothing behind
    assert wait_lines(other, "DONE", 1) == 1
    assert other.wait(60) == 0
    periods, claims = invoiced_periods(admin_rpc, contracts)
    assert 0 < len(periods) <= CONTRACTS * PERIODS
    assert claims == len(periods) == len(set(periods))
    # when the run starts again, nothing is missing and nothing is doubled
    rerun = start_worker(odoo_server.db, contracts)
    assert wait_lines(rerun, "DONE", 1) == 1
    assert rerun.wait(60) == 0
    assert_each_period_once(admin_rpc, contracts)


def test_run_killed_with_sigkill_mid_batch_loses_only_that_batch(odoo_server, admin_rpc, contracts):
    # given a run committing every 4 contracts (12 invoices), slowed so the kill lands in its 2nd batch
    worker = start_worker(odoo_server.db, contracts, pause=0.3)
    assert wait_lines(worker, "INVOICED", 17) == 17
    # when the process is killed outright
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.wait(30) == -signal.SIGKILL
    # then the first batch stays invoiced, the batch in progress left no invoice and no claim
    periods, claims = invoiced_periods(admin_rpc, contracts)
    assert len(periods) == len(set(periods)) == claims == 4 * PERIODS
