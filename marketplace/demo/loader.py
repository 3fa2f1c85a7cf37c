"""Write the demo city into a database, adding only what is missing.

Every row is found by a natural key first (user email, group slug, commons
name, pact title, listing title + group), so loading twice adds nothing the
second time and never edits rows that are already there (not even a demo
user's password). The loader flushes but never commits: the caller does.
Dates are relative to the day of loading; the content is otherwise fixed.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    LISTING_CATEGORIES,
    Commons,
    CommonsKind,
    Group,
    GroupRole,
    Listing,
    ListingKind,
    ListingStatus,
    Membership,
    Pact,
    PactKind,
    PactStatus,
    SiteRole,
    Slot,
    User,
    UserRole,
    normalise_email,
    utcnow,
)

from . import data

COUNT_KEYS = ("users", "site_roles", "groups", "memberships", "commons", "pacts",
              "listings", "slots")

# (email, group slug) of every demo membership: listing authors must be members.
_DEMO_MEMBERS = {(normalise_email(email), g["slug"]) for g in data.GROUPS for email, _ in g["members"]}

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def load_demo(session: Session, *, now: dt.datetime | None = None,
              today: dt.date | None = None) -> dict[str, int]:
    """Create the missing demo rows; return how many of each kind were created."""
    now = now or utcnow()
    today = today or dt.date.today()
    counts = dict.fromkeys(COUNT_KEYS, 0)
    users = _load_users(session, counts)
    groups = _load_groups(session, users, counts)
    commons = _load_commons(session, counts)
    pacts = _load_pacts(session, groups, commons, today, counts)
    _load_listings(session, users, groups, pacts, now, counts)
    return counts


def describe(counts: dict[str, int]) -> str:
    """'6 users, 4 groups, ...' for what was created, or 'nothing to add'."""
    parts = [f"{n} {key.replace('_', ' ')}" for key, n in counts.items() if n]
    return ", ".join(parts) if parts else "nothing to add"


# --- people and groups -------------------------------------------------------

# Demo databases made before the demo moved to example.org (forms refuse the special-use ".local").
_LEGACY_DOMAIN = "@demo.commons.local"


def _renamed_legacy_user(session: Session, email: str) -> User | None:
    """The same demo person under the old address, given the new one (so nothing is duplicated)."""
    local, _at, _domain = email.partition("@")
    user = session.scalar(select(User).where(User.email == local + _LEGACY_DOMAIN))
    if user is not None:
        user.email = email
    return user


def _load_users(session: Session, counts: dict[str, int]) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = None
    for spec in data.USERS:
        email = normalise_email(spec["email"])
        user = session.scalar(select(User).where(User.email == email)) or _renamed_legacy_user(session, email)
        if user is None:
            if password_hash is None:  # scrypt is slow: hash once, only if needed
                password_hash = _hash_password(data.DEMO_PASSWORD)
            user = User(email=email, display_name=spec["display_name"],
                        locale=spec["locale"], password_hash=password_hash)
            session.add(user)
            counts["users"] += 1
        for role in spec["roles"]:
            role = SiteRole(role).value
            if role not in user.site_roles:
                user.roles.append(UserRole(role=role))
                counts["site_roles"] += 1
        users[email] = user
    session.flush()
    return users


def _hash_password(password: str) -> str:
    from marketplace.accounts.services import hash_password

    return hash_password(password)


def _load_groups(session: Session, users: dict[str, User],
                 counts: dict[str, int]) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for spec in data.GROUPS:
        group = session.scalar(select(Group).where(Group.slug == spec["slug"]))
        if group is None:
            group = Group(slug=spec["slug"], name=spec["name"],
                          description=spec["description"],
                          contact_email=spec["contact_email"],
                          listings_need_review=spec["listings_need_review"])
            session.add(group)
            counts["groups"] += 1
        groups[spec["slug"]] = group
    session.flush()
    for spec in data.GROUPS:
        group = groups[spec["slug"]]
        for email, role in spec["members"]:
            user = users[normalise_email(email)]
            exists = session.scalar(select(Membership.id).where(
                Membership.user_id == user.id, Membership.group_id == group.id))
            if exists is None:
                session.add(Membership(user_id=user.id, group_id=group.id,
                                       role=GroupRole(role).value))
                counts["memberships"] += 1
    session.flush()
    return groups


# --- commons and pacts -------------------------------------------------------

def _load_commons(session: Session, counts: dict[str, int]) -> dict[str, Commons]:
    found: dict[str, Commons] = {}
    for spec in data.COMMONS:
        commons = session.scalars(
            select(Commons).where(Commons.name == spec["name"]).order_by(Commons.id)
        ).first()
        if commons is None:
            commons = Commons(name=spec["name"], kind=CommonsKind(spec["kind"]).value,
                              description=spec["description"], address=spec["address"],
                              district=spec["district"], latitude=spec["latitude"],
                              longitude=spec["longitude"])
            session.add(commons)
            counts["commons"] += 1
        found[spec["name"]] = commons
    session.flush()
    return found


def _load_pacts(session: Session, groups: dict[str, Group], commons: dict[str, Commons],
                today: dt.date, counts: dict[str, int]) -> dict[str, Pact]:
    pacts: dict[str, Pact] = {}
    for spec in data.PACTS:
        pact = session.scalars(
            select(Pact).where(Pact.title == spec["title"]).order_by(Pact.id)
        ).first()
        if pact is None:
            pact = Pact(
                title=spec["title"], commons=commons[spec["commons"]],
                kind=PactKind(spec["kind"]).value, status=PactStatus(spec["status"]).value,
                city_office=spec["city_office"], aims=spec["aims"],
                activities=spec["activities"],
                group_commitments=spec["group_commitments"],
                city_commitments=spec["city_commitments"],
                start_date=today + dt.timedelta(days=spec["start"]),
                end_date=today + dt.timedelta(days=spec["end"]),
            )
            pact.groups = [groups[slug] for slug in spec["groups"]]
            session.add(pact)
            counts["pacts"] += 1
        pacts[spec["key"]] = pact
    session.flush()
    return pacts


# --- listings and slots ------------------------------------------------------

def _load_listings(session: Session, users: dict[str, User], groups: dict[str, Group],
                   pacts: dict[str, Pact], now: dt.datetime, counts: dict[str, int]) -> None:
    tz = ZoneInfo(data.TIMEZONE)
    local_today = now.astimezone(tz).date()
    for spec in data.LISTINGS:
        group = groups[spec["group"]]
        exists = session.scalar(select(Listing.id).where(
            Listing.title == spec["title"], Listing.group_id == group.id).limit(1))
        if exists is not None:
            continue
        listing = _new_listing(spec, group, pacts[spec["pact"]],
                               users[normalise_email(spec["author"])], now)
        for weekday, weeks, start, minutes, capacity in spec.get("slots", ()):
            starts_at = _slot_start(local_today, weekday, weeks, start, tz)
            listing.slots.append(Slot(starts_at=starts_at,
                                      ends_at=starts_at + dt.timedelta(minutes=minutes),
                                      capacity=capacity, reserved=0))
            counts["slots"] += 1
        session.add(listing)
        counts["listings"] += 1
    session.flush()


def _new_listing(spec: dict, group: Group, pact: Pact, author: User,
                 now: dt.datetime) -> Listing:
    if spec["category"] not in LISTING_CATEGORIES:
        raise ValueError(f"demo listing {spec['title']!r}: unknown category {spec['category']!r}")
    if (author.email, group.slug) not in _DEMO_MEMBERS:
        raise ValueError(f"demo listing {spec['title']!r}: author is not in {group.slug}")
    kind = ListingKind(spec["kind"])
    price_minor = spec.get("price_minor")
    days_ago = spec.get("published_days_ago")
    return Listing(
        kind=kind.value,
        title=spec["title"],
        description=spec["description"],
        category=spec["category"],
        group=group,
        pact=pact,
        created_by_id=author.id,
        status=ListingStatus(spec["status"]).value,
        status_reason=spec.get("status_reason", ""),
        price_minor=price_minor,
        currency=data.CURRENCY if price_minor is not None else None,
        price_minutes=spec.get("price_minutes"),
        stock=spec.get("stock") if kind is ListingKind.GOOD else None,
        address=spec.get("address"),
        latitude=spec.get("latitude"),
        longitude=spec.get("longitude"),
        published_at=now - dt.timedelta(days=days_ago) if days_ago is not None else None,
    )


def _slot_start(local_today: dt.date, weekday: str, weeks: int, start: str,
                tz: ZoneInfo) -> dt.datetime:
    """The `weekday` after today (never today itself), `weeks` weeks on, at
    local time `start`, as an aware UTC datetime."""
    days_ahead = (WEEKDAYS[weekday] - local_today.weekday() - 1) % 7 + 1
    day = local_today + dt.timedelta(days=days_ahead + 7 * weeks)
    hour, minute = (int(part) for part in start.split(":"))
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
    return local.astimezone(dt.UTC)
