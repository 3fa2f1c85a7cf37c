"""Factory functions for test data. They flush; the caller commits."""
from __future__ import annotations

import datetime as dt
import itertools

from marketplace.accounts.services import hash_password
from marketplace.extensions import db
from models import (
    Commons,
    Group,
    GroupRole,
    Listing,
    ListingKind,
    ListingStatus,
    Membership,
    Pact,
    PactStatus,
    User,
    UserRole,
    utcnow,
)

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_user(email: str | None = None, *, roles=(), name: str | None = None,
              password: str = PASSWORD, status: str = "active") -> User:
    n = next(_seq)
    user = User(email=(email or f"user{n}@example.org").lower(), display_name=name or f"User {n}",
                password_hash=hash_password(password), status=status)
    for role in roles:
        user.roles.append(UserRole(role=str(role)))
    db.session.add(user)
    db.session.flush()
    return user


def make_group(name: str | None = None, *, coordinator: User | None = None,
               members=(), needs_review: bool = True) -> Group:
    n = next(_seq)
    name = name or f"Group {n}"
    group = Group(name=name, slug=f"group-{n}", description="A group.", listings_need_review=needs_review)
    db.session.add(group)
    db.session.flush()
    if coordinator is not None:
        db.session.add(Membership(user=coordinator, group=group, role=GroupRole.COORDINATOR.value))
    for member in members:
        db.session.add(Membership(user=member, group=group, role=GroupRole.MEMBER.value))
    db.session.flush()
    return group


def make_commons(name: str = "Parcul Central", district: str = "Centru") -> Commons:
    commons = Commons(name=name, kind="green_area", address="Strada Exemplu 1", district=district,
                      latitude=46.77, longitude=23.59)
    db.session.add(commons)
    db.session.flush()
    return commons


def make_pact(group: Group, *, status: PactStatus = PactStatus.ACTIVE, commons: Commons | None = None,
              end_date: dt.date | None = None, title: str | None = None) -> Pact:
    today = dt.date.today()
    pact = Pact(title=title or f"Pact {next(_seq)}", commons=commons or make_commons(), kind="ordinary",
                status=status.value, start_date=today - dt.timedelta(days=30),
                end_date=end_date or today + dt.timedelta(days=300))
    pact.groups.append(group)
    db.session.add(pact)
    db.session.flush()
    return pact


def make_listing(pact: Pact, group: Group | None = None, *, title: str | None = None,
                 status: ListingStatus = ListingStatus.PUBLISHED, kind: ListingKind = ListingKind.GOOD,
                 author: User | None = None, description: str = "Fresh from the garden.", **fields) -> Listing:
    listing = Listing(title=title or f"Listing {next(_seq)}", kind=kind.value, category="food",
                      description=description, group=group or pact.groups[0], pact=pact,
                      status=status.value, created_by_id=author.id if author else None,
                      published_at=utcnow() if status is ListingStatus.PUBLISHED else None, **fields)
    db.session.add(listing)
    db.session.flush()
    return listing


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})
