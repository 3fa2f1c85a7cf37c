"""The benchmarks still run against the current code, at a tiny size.

Only their invariants are checked here (0 overbooked, 0 violations, the
documented JSON keys); their timings go to docs/BENCHMARKS.md, never into a
test. The benchmarks create and drop their own scratch database on the same
PostgreSQL server as the test run.
"""
from __future__ import annotations

import logging

import pytest
from sqlalchemy.engine import make_url

from benchmarks import bookings, ledger, search

pytestmark = pytest.mark.slow


@pytest.fixture
def bench_server(pg_url, monkeypatch, tmp_path):
    monkeypatch.setenv("BENCH_DATABASE_URL", make_url(pg_url).set(database="postgres").render_as_string(False))
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    yield
    logging.disable(logging.NOTSET)  # the bookings benchmark silences the email log


@pytest.mark.postgres
def test_bookings_benchmark_never_overbooks(bench_server):
    result = bookings.main(["--clients", "3", "--attempts", "30", "--slots", "2", "--capacity", "20",
                            "--mode", "thread"])
    assert result["overbooked"] == 0 and result["errors"] == 0
    assert result["confirmed"] == result["seats_held_after"] == 40  # 90 attempts for 40 seats
    assert result["confirmed"] + result["sold_out"] == 90
    assert {"bookings_per_s", "clients"} <= result.keys()


@pytest.mark.postgres
def test_ledger_benchmark_leaves_a_clean_ledger(bench_server):
    result = ledger.main(["--workers", "3", "--transfers", "20", "--accounts", "5", "--bulk-entries", "200"])
    assert result["violations"] == 0 and result["failed"] == 0
    assert result["committed"] + result["refused"] == 60
    assert result["entries"] >= 2 * result["committed"] + 200
    assert {"transfers_per_s", "check_s"} <= result.keys()


def test_search_benchmark_builds_and_queries(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    result = search.main(["--listings", "300", "--queries", "10", "--procs", "1"])
    assert 0 < result["documents"] <= 300
    assert {"listings", "build_s", "index_mb", "p50_ms", "p95_ms", "facet_p95_ms", "fts5_p95_ms"} <= result.keys()
