"""The booking path stays lean: statements per booking are counted (they are
deterministic, unlike timings), on SQLite and PostgreSQL."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import event, select

from marketplace import permissions
from marketplace.bookings import services
from marketplace.bookings.errors import SoldOut
from marketplace.extensions import db
from marketplace.tx import commit
from models import Booking, EmailMessage, Notification, Slot, User
from tests.bookings_support import make_event
from tests.factories import make_user


class Statements:
    """Every statement sent on the app's engine (any connection), plus commits and savepoints."""

    def __init__(self, engine):
        self.engine = engine
        self.sql: list[str] = []
        self.commits = 0

    def _execute(self, conn, cursor, statement, parameters, context, executemany):
        self.sql.append(" ".join(statement.split()))

    def _commit(self, conn):
        self.commits += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._execute)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._execute)
        event.remove(self.engine, "commit", self._commit)

    def kinds(self) -> list[str]:
        """'INSERT bookings', 'UPDATE slots', 'SELECT listings', ... in order."""
        out = []
        for sql in self.sql:
            words = sql.split()
            verb = words[0].upper()
            if verb == "SELECT":
                out.append("SELECT " + words[words.index("FROM") + 1])
            elif verb == "INSERT":
                out.append("INSERT " + words[2])
            elif verb == "UPDATE":
                out.append("UPDATE " + words[1])
            else:
                out.append(" ".join(words[:2]).upper())
        return out


def _setup(app, **policy):
    with app.app_context():
        listing, slot = make_event(capacity=5, policy=policy or None)
        user = make_user()
        db.session.commit()
        return listing.id, slot.id, user.id


def test_a_free_booking_takes_six_statements_and_one_commit(app):
    listing_id, slot_id, user_id = _setup(app)
    with app.app_context():
        user = db.session.get(User, user_id)  # the request's login loader, not counted
        with Statements(db.engine) as seen:
            listing, slot, policy = services.booking_target(listing_id, slot_id)
            assert permissions.can_see_booking_listing(user, listing)  # pact and author already loaded
            booking, created = services.book(user, listing, slot=slot, idempotency_key="lean-key-0001",
                                             policy=policy)
            commit()  # the email is delivered after it
        assert created
        assert seen.kinds() == [
            "SELECT listings",  # listing + pact + author + slot + policy, one query
            "INSERT bookings",  # ON CONFLICT DO NOTHING RETURNING
            "UPDATE slots",  # the conditional UPDATE: its row count decides
            "INSERT email_outbox",
            "INSERT notifications",
            "UPDATE email_outbox",  # after commit: marked sent, autocommitted
        ], seen.sql
        assert seen.commits == 1
        assert not any("SAVEPOINT" in sql.upper() for sql in seen.sql)
        message = db.session.scalar(select(EmailMessage))
        assert message.sent_at is not None and message.transport == "log" and message.error is None
        assert db.session.get(Slot, slot_id).reserved == 1
        assert db.session.get(Booking, booking.id).status == "confirmed"


def test_a_replay_costs_one_more_select_and_takes_no_seat(app):
    listing_id, slot_id, user_id = _setup(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        listing, slot, policy = services.booking_target(listing_id, slot_id)
        first, _ = services.book(user, listing, slot=slot, idempotency_key="replay-key-01", policy=policy)
        commit()
        user = db.session.get(User, user_id)
        listing, slot, policy = services.booking_target(listing_id, slot_id)
        with Statements(db.engine) as seen:
            again, created = services.book(user, listing, slot=slot, idempotency_key="replay-key-01",
                                           policy=policy)
        assert not created and again.id == first.id
        assert seen.kinds() == ["INSERT bookings", "SELECT bookings"], seen.sql
        db.session.rollback()
        assert db.session.get(Slot, slot_id).reserved == 1


def test_a_replay_whose_body_no_longer_validates_still_gets_its_booking(app):
    listing_id, slot_id, user_id = _setup(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        first, _ = services.book_slot(user, db.session.get(Slot, slot_id), idempotency_key="replay-key-02")
        commit()
        again, created = services.book_slot(db.session.get(User, user_id), db.session.get(Slot, slot_id),
                                            quantity=99, idempotency_key="replay-key-02")
        assert not created and again.id == first.id


def test_sold_out_deletes_the_row_it_inserted_and_keeps_the_transaction_usable(app):
    listing_id, slot_id, user_id = _setup(app, allow_multiple=True)
    with app.app_context():
        db.session.get(Slot, slot_id).reserved = 5
        db.session.commit()
        user = db.session.get(User, user_id)
        listing, slot, policy = services.booking_target(listing_id, slot_id)
        with pytest.raises(SoldOut):
            services.book(user, listing, slot=slot, idempotency_key="sold-out-key-1", policy=policy)
        # No rollback: the same transaction goes on and commits nothing of the attempt.
        commit()
        assert db.session.query(Booking).count() == 0
        assert db.session.query(Notification).count() == 0
        assert db.session.get(Slot, slot_id).reserved == 5


def test_failed_delivery_is_recorded_and_left_for_the_retry(make_app):
    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    listing_id, slot_id, user_id = _setup(app)
    with app.app_context():
        services.book_slot(db.session.get(User, user_id), db.session.get(Slot, slot_id))
        commit()
        message = db.session.scalar(select(EmailMessage))
        assert message.sent_at is None and message.error
        assert db.session.query(Booking).count() == 1  # the booking itself is committed
