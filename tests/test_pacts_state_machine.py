"""The pact and listing state machines: every allowed move works, every other
one raises InvalidTransition and leaves the row as it was (also in the database)."""
from __future__ import annotations

import datetime as dt

import pytest

from marketplace.extensions import db
from models import Listing, ListingStatus, Pact, PactStatus
from models.errors import InvalidTransition
from models.listing import LISTING_TRANSITIONS
from models.pact import PACT_TRANSITIONS
from tests.factories import make_group, make_listing, make_pact, make_user

PACT_PAIRS = [(a, b) for a in PactStatus for b in PactStatus]
LISTING_PAIRS = [(a, b) for a in ListingStatus for b in ListingStatus]


def test_tables_cover_every_status():
    assert set(PACT_TRANSITIONS) == set(PactStatus)
    assert set(LISTING_TRANSITIONS) == set(ListingStatus)
    # Only the city moves a pact past submitted; nothing leaves a final state.
    for final in (PactStatus.EXPIRED, PactStatus.TERMINATED, PactStatus.REJECTED):
        assert PACT_TRANSITIONS[final] == set()
    assert PACT_TRANSITIONS[PactStatus.DRAFT] == {PactStatus.SUBMITTED}


def test_every_pact_transition(db_session):
    """One test walks all 49 pairs so the database set-up happens once per backend."""
    group = make_group(coordinator=make_user())
    pact = make_pact(group, status=PactStatus.DRAFT)
    db_session.commit()
    allowed_seen = refused_seen = 0
    for current, new in PACT_PAIRS:
        pact.status, pact.status_reason = current.value, "before"
        db_session.commit()
        if new in PACT_TRANSITIONS[current]:
            pact.transition_to(new, "why")
            db_session.commit()
            db_session.expire_all()
            stored = db_session.get(Pact, pact.id)
            assert (stored.status, stored.status_reason) == (new.value, "why"), (current, new)
            allowed_seen += 1
        else:
            with pytest.raises(InvalidTransition):
                pact.transition_to(new, "why")
            assert (pact.status, pact.status_reason) == (current.value, "before"), (current, new)
            db_session.commit()
            db_session.expire_all()
            assert db_session.get(Pact, pact.id).status == current.value
            refused_seen += 1
    assert allowed_seen == sum(len(v) for v in PACT_TRANSITIONS.values())
    assert allowed_seen + refused_seen == 49


def test_every_listing_transition(db_session):
    group = make_group(coordinator=make_user())
    listing = make_listing(make_pact(group), status=ListingStatus.DRAFT)
    db_session.commit()
    allowed_seen = 0
    for current, new in LISTING_PAIRS:
        listing.status, listing.status_reason = current.value, "before"
        db_session.commit()
        if new in LISTING_TRANSITIONS[current]:
            listing.transition_to(new, "why")
            db_session.commit()
            db_session.expire_all()
            assert db_session.get(Listing, listing.id).status == new.value, (current, new)
            allowed_seen += 1
        else:
            with pytest.raises(InvalidTransition):
                listing.transition_to(new, "why")
            assert (listing.status, listing.status_reason) == (current.value, "before"), (current, new)
            db_session.commit()
            db_session.expire_all()
            assert db_session.get(Listing, listing.id).status == current.value
    assert allowed_seen == sum(len(v) for v in LISTING_TRANSITIONS.values())


def test_unknown_status_is_refused(db_session):
    pact = make_pact(make_group(), status=PactStatus.DRAFT)
    with pytest.raises(ValueError):
        pact.transition_to("flying")
    assert pact.status == "draft"


def test_effective_status_expires_on_read_without_a_write(db_session):
    group = make_group()
    pact = make_pact(group, end_date=dt.date.today() - dt.timedelta(days=1))
    db.session.commit()
    assert pact.status == "active"
    assert pact.effective_status() is PactStatus.EXPIRED
    assert not pact.is_active()
    assert pact.effective_status(dt.date.today() - dt.timedelta(days=2)) is PactStatus.ACTIVE
