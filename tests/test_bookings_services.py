"""Booking rules at the service level, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from marketplace.bookings import group as group_services
from marketplace.bookings import services
from marketplace.bookings.errors import AlreadyBooked, NotBookable, PaymentUnavailable, PolicyViolation, SoldOut
from marketplace.extensions import db
from models import Booking, Notification, Slot, utcnow
from models.errors import InvalidTransition, ValidationFailed
from tests.bookings_support import make_event, make_good
from tests.factories import make_user


def test_free_booking_takes_seats_and_notifies(app):
    with app.app_context():
        listing, slot = make_event(capacity=3)
        user = make_user()
        booking, created = services.book_slot(user, slot, quantity=2, idempotency_key="key-00000001")
        db.session.commit()
        assert created and booking.status == "confirmed" and booking.confirmed_at is not None
        assert db.session.get(Slot, slot.id).reserved == 2
        assert db.session.query(Notification).filter_by(user_id=user.id).count() == 1
        again, created = services.book_slot(user, slot, quantity=2, idempotency_key="key-00000001")
        assert not created and again.id == booking.id
        assert db.session.get(Slot, slot.id).reserved == 2


def test_sold_out_leaves_nothing_behind(app):
    with app.app_context():
        listing, slot = make_event(capacity=1, policy={"allow_multiple": True})
        first, second = make_user(), make_user()
        services.book_slot(first, slot)
        db.session.commit()
        with pytest.raises(SoldOut):
            services.book_slot(second, slot)
        db.session.rollback()
        assert db.session.query(Booking).count() == 1
        assert db.session.get(Slot, slot.id).reserved == 1


def test_one_active_booking_per_occurrence_unless_allowed(app):
    with app.app_context():
        listing, slot = make_event(capacity=5)
        user = make_user()
        services.book_slot(user, slot)
        db.session.commit()
        with pytest.raises(AlreadyBooked):
            services.book_slot(user, slot)
        db.session.rollback()
        other_listing, other_slot = make_event(capacity=5, policy={"allow_multiple": True})
        services.book_slot(user, other_slot)
        services.book_slot(user, other_slot)
        db.session.commit()
        assert db.session.get(Slot, other_slot.id).reserved == 2


def test_max_per_booking_and_past_dates(app):
    with app.app_context():
        listing, slot = make_event(capacity=50, policy={"max_per_booking": 2})
        with pytest.raises(ValidationFailed):
            services.book_slot(make_user(), slot, quantity=3)
        db.session.rollback()
        past_listing, past = make_event(starts_in=dt.timedelta(hours=-1))
        with pytest.raises(NotBookable):
            services.book_slot(make_user(), past)


def test_goods_take_stock(app):
    with app.app_context():
        good = make_good(stock=3)
        services.book_good(make_user(), good, quantity=2)
        db.session.commit()
        with pytest.raises(SoldOut):
            services.book_good(make_user(), good, quantity=2)
        db.session.rollback()
        assert db.session.get(type(good), good.id).stock == 1


def test_money_without_stripe_is_refused(app):
    with app.app_context():
        listing, slot = make_event(price_minor=2500, currency="RON")
        assert services.allowed_methods(listing) == []
        with pytest.raises(PaymentUnavailable):
            services.book_slot(make_user(), slot, method="stripe")


def test_cancellation_policy_enforced(app):
    with app.app_context():
        # Paid in hours, starting in 10 hours, free cancellation until 24 hours before.
        listing, slot = make_event(starts_in=dt.timedelta(hours=10), price_minutes=60)
        booking = Booking(user_id=make_user().id, listing_id=listing.id, slot_id=slot.id, quantity=1,
                          payment_method="hours", amount_minutes=60, status="confirmed", confirmed_at=utcnow())
        db.session.add(booking)
        db.session.commit()
        with pytest.raises(PolicyViolation):
            services.cancel_booking(booking, booking.user)
        assert not services.can_cancel(booking)
        # A free booking of the same date may still be cancelled before the start.
        free_listing, free_slot = make_event(starts_in=dt.timedelta(hours=10))
        free, _ = services.book_slot(make_user(), free_slot)
        services.cancel_booking(free, free.user)
        db.session.commit()
        assert free.status == "cancelled" and db.session.get(Slot, free_slot.id).reserved == 0
        with pytest.raises(InvalidTransition):
            services.cancel_booking(free, free.user)


def test_expiry_frees_seats(app):
    with app.app_context():
        listing, slot = make_event(capacity=1)
        user = make_user()
        booking = Booking(user_id=user.id, listing_id=listing.id, slot_id=slot.id, quantity=1,
                          payment_method="stripe", amount_minor=100, currency="RON", status="pending_payment",
                          pending_at=utcnow(), expires_at=utcnow() - dt.timedelta(minutes=1))
        slot.reserved = 1
        db.session.add(booking)
        db.session.commit()
        # Lazily on the next booking attempt: the expired hold frees the seat.
        newcomer, created = services.book_slot(make_user(), slot)
        db.session.commit()
        assert created and newcomer.status == "confirmed"
        assert db.session.get(Booking, booking.id).status == "expired"
        assert db.session.get(Booking, booking.id).expired_at is not None
        assert db.session.get(Slot, slot.id).reserved == 1


def test_approval_flow_and_check_in(app):
    with app.app_context():
        listing, slot = make_event(capacity=2, policy={"requires_approval": True})
        coordinator = listing.group.memberships[0].user
        booking, _ = services.book_slot(make_user(), slot)
        db.session.commit()
        assert booking.status == "requested" and db.session.get(Slot, slot.id).reserved == 1
        group_services.accept(booking, coordinator)
        group_services.check_in(booking, coordinator, attended=True)
        db.session.commit()
        assert booking.status == "attended" and booking.attended_at is not None
        declined, _ = services.book_slot(make_user(), slot)
        group_services.decline(declined, coordinator, "Full for members only")
        db.session.commit()
        assert declined.status == "cancelled" and db.session.get(Slot, slot.id).reserved == 1


def test_group_cancels_occurrence(app):
    with app.app_context():
        listing, slot = make_event(capacity=3)
        coordinator = listing.group.memberships[0].user
        people = [make_user() for _ in range(3)]
        for person in people:
            services.book_slot(person, slot)
        db.session.commit()
        assert group_services.cancel_occurrence(slot, coordinator, "Storm") == 3
        db.session.commit()
        statuses = {b.status for b in db.session.query(Booking)}
        assert statuses == {"cancelled"}
        assert db.session.get(Slot, slot.id).capacity == 0
        for person in people:
            subjects = [n.subject for n in db.session.query(Notification).filter_by(user_id=person.id)]
            assert any("Cancelled by the organisers" in s for s in subjects)


def test_reminders_once(app):
    with app.app_context():
        listing, slot = make_event(starts_in=dt.timedelta(hours=20))
        services.book_slot(make_user(), slot)
        db.session.commit()
        assert group_services.send_reminders() == 1
        assert group_services.send_reminders() == 0
