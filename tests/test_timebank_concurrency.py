"""Real PostgreSQL, real threads: 8 workers × 500 random transfers among 20
accounts, each worker with its own session and connection. Every invariant
holds, no committed transfer is lost, nobody ends below the floor, and the
ledger check is clean. Also: racing holds for one booking make one hold."""
from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.extensions import db
from marketplace.timebank import services
from marketplace.timebank.check import check_ledger
from marketplace.timebank.errors import InsufficientHours
from models import Account, Hold, Transfer, User
from tests.conftest import TEST_CONFIG, truncate_all
from tests.factories import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WORKERS, PER_WORKER, ACCOUNTS, START = 8, 500, 20, 5 * 60


@pytest.fixture
def pg_app(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=pg_url,
                          SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WORKERS + 2, "max_overflow": 2}))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    truncate_all(pg_url)


def _run_threads(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def run(n):
        try:
            barrier.wait()
            target(n)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_concurrent_transfers_keep_every_invariant(pg_app):
    with pg_app.app_context():
        issuance = services.issuance_account()
        ids = []
        for _ in range(ACCOUNTS):
            account = services.ensure_user_account(make_user())
            services.transfer_hours(issuance, account, START, reason="volunteering", reference="seed")
            ids.append(account.id)
        db.session.commit()
        seeded = db.session.scalar(select(func.count(Transfer.id)))

    committed: list[tuple[int, int, int]] = []
    refused = Counter()
    lock = threading.Lock()

    def worker(n):
        rng = random.Random(1000 + n)
        mine, no = [], 0
        with pg_app.app_context():  # its own session and connection
            for _ in range(PER_WORKER):
                src, dst = rng.sample(ids, 2)
                minutes = rng.randint(1, 150)
                try:
                    services.run_in_transaction(
                        lambda s=src, d=dst, m=minutes: services.transfer_hours(s, d, m, reason="gift"))
                    mine.append((src, dst, minutes))
                except InsufficientHours:
                    no += 1
            db.session.remove()
        with lock:
            committed.extend(mine)
            refused[n] = no

    _run_threads(worker, WORKERS)

    assert len(committed) + sum(refused.values()) == WORKERS * PER_WORKER
    assert len(committed) > WORKERS * PER_WORKER // 2  # most transfers went through
    expected = {account_id: START for account_id in ids}
    for src, dst, minutes in committed:
        expected[src] -= minutes
        expected[dst] += minutes
    with pg_app.app_context():
        assert db.session.scalar(select(func.count(Transfer.id))) == seeded + len(committed)  # none lost
        balances = dict(db.session.execute(select(Account.id, Account.balance).where(Account.id.in_(ids))).all())
        assert balances == expected
        assert all(balance >= 0 for balance in balances.values())
        report = check_ledger(db.engine)
        assert report.ok, report.findings
        assert report.counts["entries"] == 2 * (seeded + len(committed))


def test_racing_holds_for_one_booking_make_one_hold(pg_app):
    with pg_app.app_context():
        user = make_user()
        services.transfer_hours(services.issuance_account(), services.ensure_user_account(user), 60,
                                reason="volunteering")
        db.session.commit()
        user_id = user.id

    def worker(n):
        with pg_app.app_context():
            person = db.session.get(User, user_id)
            services.run_in_transaction(lambda: services.place_hold(person, 45, "booking:race"))
            db.session.remove()

    _run_threads(worker, WORKERS)
    with pg_app.app_context():
        assert db.session.scalar(select(func.count(Hold.id))) == 1
        account = services.user_account(db.session.get(User, user_id))
        assert (account.balance, account.held) == (60, 45)
        assert check_ledger(db.engine).ok
