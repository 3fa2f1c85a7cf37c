"""Shared helpers for the bookings and payments tests."""
from __future__ import annotations

import datetime as dt

from marketplace.extensions import db
from models import BookingPolicy, ListingKind, Slot, utcnow
from tests.factories import make_group, make_listing, make_pact, make_user

WEBHOOK_SECRET = "whsec_test_commons_secret"
STRIPE_KEY = "sk_test_commons_fake"


def make_event(capacity: int = 10, *, starts_in: dt.timedelta = dt.timedelta(days=7), coordinator=None,
               policy: dict | None = None, **fields):
    """A published event with one slot; returns (listing, slot)."""
    coordinator = coordinator or make_user()
    group = make_group(coordinator=coordinator)
    pact = make_pact(group)
    listing = make_listing(pact, kind=ListingKind.EVENT, **fields)
    start = utcnow() + starts_in
    slot = Slot(listing=listing, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=capacity,
                reserved=0)
    db.session.add(slot)
    if policy:
        db.session.add(BookingPolicy(listing_id=listing.id, **policy))
    db.session.flush()
    return listing, slot


def make_good(stock: int = 5, *, policy: dict | None = None, **fields):
    group = make_group(coordinator=make_user())
    listing = make_listing(make_pact(group), kind=ListingKind.GOOD, stock=stock, **fields)
    if policy:
        db.session.add(BookingPolicy(listing_id=listing.id, **policy))
    db.session.flush()
    return listing
