"""Paying in time-bank hours: held at booking, settled at check-in, released on cancel."""
from __future__ import annotations

import pytest

from marketplace.bookings import group as group_services
from marketplace.bookings import services
from marketplace.extensions import db
from marketplace.timebank import services as timebank
from marketplace.timebank.errors import InsufficientHours
from models import Booking, SiteRole, Slot
from tests.bookings_support import make_event
from tests.factories import make_user


def _resident_with(minutes: int):
    admin = make_user(roles=[SiteRole.ADMIN])
    resident = make_user()
    timebank.adjust_account(admin, timebank.ensure_user_account(resident), minutes, "test credit")
    return resident


def test_hours_held_then_settled_to_the_group(app):
    with app.app_context():
        listing, slot = make_event(capacity=5, price_minutes=60)
        resident = _resident_with(180)
        booking, _ = services.book_slot(resident, slot, quantity=2, method="hours")
        db.session.commit()
        account = timebank.user_account(resident)
        assert booking.status == "confirmed" and account.held == 120 and account.available == 60
        coordinator = listing.group.memberships[0].user
        group_services.check_in(booking, coordinator, attended=True)
        db.session.commit()
        db.session.refresh(account)
        assert account.balance == 60 and account.held == 0
        assert timebank.group_account(listing.group).balance == 120


def test_hours_released_on_cancel_and_refused_when_short(app):
    with app.app_context():
        listing, slot = make_event(capacity=5, price_minutes=60, policy={"allow_multiple": True})
        resident = _resident_with(60)
        booking, _ = services.book_slot(resident, slot, method="hours")
        db.session.commit()
        with pytest.raises(InsufficientHours):
            services.book_slot(resident, slot, method="hours")
        db.session.rollback()
        assert db.session.get(Slot, slot.id).reserved == 1  # the refused booking took no seat
        assert db.session.query(Booking).count() == 1
        services.cancel_booking(booking, resident)
        db.session.commit()
        account = timebank.user_account(resident)
        assert account.held == 0 and account.balance == 60
