"""A small city with one user per role, used by the permission table.

Group A: `coordinator` and `member`; group B: `other_coordinator`.
One active pact of group A with a published and a draft listing.
"""
from __future__ import annotations

from dataclasses import dataclass

from marketplace.extensions import db
from models import ListingKind, ListingStatus, SiteRole, Slot, utcnow
from tests.factories import make_group, make_listing, make_pact, make_user


@dataclass
class World:
    emails: dict
    ids: dict

    def __getattr__(self, name):
        try:
            return self.ids[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_world() -> World:
    import datetime as dt

    users = {
        "resident": make_user("resident@example.org"),
        "member": make_user("member@example.org"),
        "other_coordinator": make_user("other@example.org"),
        "coordinator": make_user("coordinator@example.org"),
        "moderator": make_user("moderator@example.org", roles=[SiteRole.MODERATOR]),
        "admin": make_user("admin@example.org", roles=[SiteRole.ADMIN]),
    }
    group_a = make_group("Grădina A", coordinator=users["coordinator"], members=[users["member"]])
    group_b = make_group("Group B", coordinator=users["other_coordinator"])
    pact = make_pact(group_a)
    pact_b = make_pact(group_b)
    published = make_listing(pact, title="Roșii din grădină", author=users["member"])
    draft = make_listing(pact, title="Draft listing", status=ListingStatus.DRAFT, author=users["member"])
    event = make_listing(pact, title="Atelier de compost", kind=ListingKind.EVENT, author=users["coordinator"])
    start = utcnow() + dt.timedelta(days=7)
    slot = Slot(listing=event, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=10, reserved=0)
    db.session.add(slot)
    db.session.flush()
    ids = {
        "group_a": group_a.id, "group_a_slug": group_a.slug, "group_b": group_b.id,
        "group_b_slug": group_b.slug, "pact": pact.id, "pact_b": pact_b.id,
        "listing": published.id, "draft_listing": draft.id, "event": event.id, "slot": slot.id,
        "commons": pact.commons_id,
    }
    ids.update({f"user_{role}": user.id for role, user in users.items()})
    return World(emails={role: user.email for role, user in users.items()}, ids=ids)
