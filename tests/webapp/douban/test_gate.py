"""The shared rate limiter and circuits, on the real Redis and on the database (SQLite and PostgreSQL)."""
from __future__ import annotations

import multiprocessing
import time

import pytest
from sqlalchemy import create_engine, event

from webapp.extensions import db
from webapp.douban.gate import RedisGate, ScrapeGate, SqlGate, acquire


@pytest.fixture(params=["redis", "sqlite", "postgresql"])
def gate_spec(request, tmp_path):
    """``(kind, url)`` of a fresh gate store."""
    if request.param == "redis":
        return "redis", request.getfixturevalue("redis_url")
    if request.param == "sqlite":
        return "sql", f"sqlite:///{tmp_path / 'gate.sqlite'}"
    return "sql", request.getfixturevalue("pg_url")


def connect_gate(spec):
    """A gate on a store whose schema is already made."""
    kind, url = spec
    return RedisGate(url) if kind == "redis" else SqlGate(create_engine(url))


def open_gate(spec):
    """A gate on a fresh store, making the ``scrape_gate`` table first when the store is a database."""
    gate = connect_gate(spec)
    if isinstance(gate, SqlGate):
        db.metadata.create_all(gate.engine, tables=[ScrapeGate.__table__])
    return gate


def test_one_request_per_step_per_bucket(gate_spec):
    gate = open_gate(gate_spec)
    assert gate.try_acquire("pages", 0.5) == 0.0
    wait = gate.try_acquire("pages", 0.5)
    assert 0.4 < wait <= 0.5
    assert gate.try_acquire("images", 0.5) == 0.0  # buckets are separate
    time.sleep(wait)
    assert gate.try_acquire("pages", 0.5) == 0.0


def test_a_refusal_takes_nothing(gate_spec):
    gate = open_gate(gate_spec)
    gate.try_acquire("pages", 0.4)
    for _ in range(5):
        assert gate.try_acquire("pages", 10) > 0  # refused asks do not push the next permission further
    time.sleep(0.45)
    assert gate.try_acquire("pages", 0.4) == 0.0


@pytest.mark.parametrize("gate_spec", ["sqlite", "postgresql"], indirect=True)
def test_a_refusal_stays_a_refusal_when_the_process_stalls_before_reading_the_wait(gate_spec):
    gate = open_gate(gate_spec)
    assert gate.try_acquire("pages", 1.0) == 0.0  # the slot is taken for a second
    first = gate.granted_at

    @event.listens_for(gate.engine, "before_cursor_execute")
    def stall(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):  # the wait, read after the refused update
            time.sleep(1.1)  # the slot has passed meanwhile

    wait = gate.try_acquire("pages", 1.0)
    assert wait > 0 and gate.granted_at == first, "a refused ask must not read as a permission"
    assert gate.try_acquire("pages", 1.0) == 0.0 and gate.granted_at > first  # asked again: granted, recorded


def test_rate_counts_requests_in_the_window(gate_spec):
    gate = open_gate(gate_spec)
    assert gate.rate("pages").count == 0
    for _ in range(3):
        assert gate.try_acquire("pages", 0.01) == 0.0
        time.sleep(0.02)
    assert gate.try_acquire("pages", 10) == 0.0
    assert gate.try_acquire("pages", 10) > 0  # refused: not counted
    rate = gate.rate("pages")
    assert rate.count == 4 and 0 < rate.seconds < 1


def test_circuit_opens_reports_and_closes_by_itself(gate_spec):
    gate = open_gate(gate_spec)
    assert not gate.circuit("douban").is_open
    gate.open_circuit("douban", 0.6, "HTTP 403")
    state = gate.circuit("douban")
    assert state.is_open and state.reason == "HTTP 403" and 0 < state.remaining <= 0.6
    assert not gate.circuit("images").is_open
    time.sleep(0.7)
    assert not gate.circuit("douban").is_open
    gate.open_circuit("douban", 60, "again")
    gate.close_circuit("douban")
    assert not gate.circuit("douban").is_open


def _reserve_many(spec, step, n, out):
    """In a child process: take ``n`` permissions, reporting the store's clock at each grant."""
    try:
        gate = connect_gate(spec)
        stamps = []
        for _ in range(n):
            assert acquire(gate, "pages", step, max_wait=30) == 0.0
            stamps.append(gate.granted_at)
        out.put(stamps)
    except BaseException as exc:  # the parent reports it instead of waiting for a result that never comes
        out.put(f"{exc.__class__.__name__}: {exc}")
        raise


def test_acquire_gives_up_rather_than_waiting_too_long(gate_spec):
    gate = open_gate(gate_spec)
    assert acquire(gate, "pages", 5) == 0.0
    started = time.monotonic()
    assert 4 < acquire(gate, "pages", 5, max_wait=1) <= 5
    assert time.monotonic() - started < 0.5


def test_granted_at_is_the_stores_clock_at_the_grant(gate_spec):
    gate = open_gate(gate_spec)
    before = time.time()
    assert gate.try_acquire("pages", 0.5) == 0.0
    first = gate.granted_at
    assert abs(first - before) < 1.0  # the store's clock, close to this machine's (the same machine here)
    assert gate.try_acquire("pages", 0.5) > 0 and gate.granted_at == first  # a refusal grants nothing
    time.sleep(0.55)
    assert gate.try_acquire("pages", 0.5) == 0.0
    assert gate.granted_at - first >= 0.5 - 0.001


@pytest.mark.slow
def test_processes_sharing_the_gate_never_go_faster_than_the_step(gate_spec):
    """Three processes take turns through one store; the times the store granted are at least a step apart.

    The schema is made once, here, before the processes start; the children only connect. The gaps are
    measured on the store's own clock at each grant, so a child that is slow to run after its permission
    (a loaded machine) does not make two grants look closer than they were.
    """
    step, per_process = 0.2, 3
    open_gate(gate_spec)
    out = multiprocessing.get_context("spawn").Queue()
    procs = [multiprocessing.get_context("spawn").Process(target=_reserve_many, args=(gate_spec, step, per_process, out))
             for _ in range(3)]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    assert all(isinstance(r, list) for r in results), results
    stamps = sorted(t for r in results for t in r)
    for p in procs:
        p.join(timeout=10)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert len(stamps) == 3 * per_process
    assert min(gaps) >= step - 0.001, gaps  # the stores keep their times to 0.1 ms (Redis) or better
