"""No overbooking and no double booking under real concurrency (PostgreSQL, real threads,
each with its own connection)."""
from __future__ import annotations

import threading

import pytest

from marketplace import create_app
from marketplace.bookings import services
from marketplace.bookings.errors import SoldOut
from marketplace.extensions import db
from models import Booking, Listing, Slot, User
from tests.bookings_support import make_event, make_good
from tests.conftest import TEST_CONFIG, truncate_all
from tests.factories import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CLIENTS = 50


@pytest.fixture
def pg_app(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=pg_url,
                          SQLALCHEMY_ENGINE_OPTIONS={"pool_size": CLIENTS + 5, "max_overflow": 5},
                          SEARCH_INDEX_DIR=str(tmp_path / "index")))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    truncate_all(pg_url)


def race(app, work, clients: int = CLIENTS) -> list[str]:
    """Run work(i) in `clients` threads released together; each thread has its own
    app context, session and connection. Returns each thread's outcome."""
    barrier = threading.Barrier(clients)
    outcomes: list[str] = [""] * clients

    def run(i: int) -> None:
        with app.app_context():
            db.session.connection()  # check out a connection before the start line
            barrier.wait()
            try:
                outcomes[i] = work(i)
                db.session.commit()
            except SoldOut:
                db.session.rollback()
                outcomes[i] = "sold out"
            except Exception as exc:  # recorded, so the assertion shows it
                db.session.rollback()
                outcomes[i] = f"error: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_fifty_clients_race_for_the_last_five_seats(pg_app):
    with pg_app.app_context():
        listing, slot = make_event(capacity=20)
        slot.reserved = 15  # five seats left
        user_ids = [make_user().id for _ in range(CLIENTS)]
        db.session.commit()
        slot_id = slot.id

    def work(i):
        booking, _ = services.book_slot(db.session.get(User, user_ids[i]), db.session.get(Slot, slot_id))
        return booking.status

    outcomes = race(pg_app, work)
    assert sorted(set(outcomes)) == ["confirmed", "sold out"], outcomes
    assert outcomes.count("confirmed") == 5
    assert outcomes.count("sold out") == CLIENTS - 5
    with pg_app.app_context():
        assert db.session.get(Slot, slot_id).reserved == 20
        assert db.session.query(Booking).filter_by(slot_id=slot_id, status="confirmed").count() == 5


def test_fifty_clients_race_for_the_last_five_units_of_stock(pg_app):
    with pg_app.app_context():
        good = make_good(stock=5)
        user_ids = [make_user().id for _ in range(CLIENTS)]
        db.session.commit()
        good_id = good.id

    def work(i):
        booking, _ = services.book_good(db.session.get(User, user_ids[i]), db.session.get(Listing, good_id))
        return booking.status

    outcomes = race(pg_app, work)
    assert outcomes.count("confirmed") == 5, outcomes
    assert outcomes.count("sold out") == CLIENTS - 5
    with pg_app.app_context():
        assert db.session.get(Listing, good_id).stock == 0
        assert db.session.query(Booking).filter_by(listing_id=good_id).count() == 5


def test_double_submit_with_one_key_makes_one_booking(pg_app):
    with pg_app.app_context():
        listing, slot = make_event(capacity=10, policy={"allow_multiple": True})
        user_id = make_user().id
        db.session.commit()
        slot_id = slot.id

    def work(i):
        booking, created = services.book_slot(db.session.get(User, user_id), db.session.get(Slot, slot_id),
                                              idempotency_key="double-click-key-1")
        return f"{booking.id}:{'new' if created else 'same'}"

    outcomes = race(pg_app, work, clients=12)
    ids = {o.split(":")[0] for o in outcomes}
    assert len(ids) == 1, outcomes
    assert sum(o.endswith(":new") for o in outcomes) == 1
    with pg_app.app_context():
        assert db.session.query(Booking).count() == 1
        assert db.session.get(Slot, slot_id).reserved == 1
