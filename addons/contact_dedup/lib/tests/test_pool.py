import os

import pytest

from .. import pool


def _pid_and_double(rows):
    return os.getpid(), [row * 2 for row in rows]


def _fail_on_seven(rows):
    if 7 in rows:
        raise ValueError("row 7 is poisoned")
    return rows


def test_chunks_scored_in_children_come_back_in_order():
    chunks = [list(range(start, start + 5)) for start in range(0, 100, 5)]
    results = []
    with pool.ChunkScorer(_pid_and_double, 2) as scorer:
        for chunk in chunks:
            results.extend(scorer.submit(chunk))
        results.extend(scorer.results())
    assert [values for _pid, values in results] == [[row * 2 for row in chunk] for chunk in chunks]
    pids = {pid for pid, _values in results}
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 2


def test_without_processes_chunks_are_scored_here():
    with pool.ChunkScorer(_pid_and_double, 0) as scorer:
        assert scorer.submit([1, 2]) == [(os.getpid(), [2, 4])]
        assert scorer.results() == []


def test_an_error_in_a_child_reaches_the_caller():
    with pytest.raises(ValueError, match="row 7 is poisoned"):
        with pool.ChunkScorer(_fail_on_seven, 2) as scorer:
            for start in range(0, 20, 5):
                scorer.submit(list(range(start, start + 5)))
            scorer.results()


def test_processes_for_a_job():
    assert pool.processes_for(10, 0, 100) == 0  # small job: here
    assert pool.processes_for(1000, 1, 100) == 0  # one process: here
    assert pool.processes_for(1000, 3, 100) == 3
    assert 0 <= pool.processes_for(1000, 0, 100) <= 4


def _slow(rows):
    import time
    time.sleep(0.2)
    return rows


def test_a_child_killed_stops_the_job_instead_of_hanging():
    import signal
    import time
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="died"):
        with pool.ChunkScorer(_slow, 2) as scorer:
            scorer.submit([1])
            time.sleep(0.1)  # a child is scoring it
            for pid, _channel in scorer.children:
                os.kill(pid, signal.SIGKILL)
            for start_row in range(2, 40):
                scorer.submit([start_row])
            scorer.results()
    assert time.monotonic() - start < 30
