"""Permission rows for pacts, groups and listings (issue 3).

Drafts (pacts and listings) are 404 to people outside the group and the
city, so their existence is not revealed; people who can see a thing but
not change it get 403.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools

from PIL import Image
from sqlalchemy import select

from marketplace.extensions import db
from models import Group, Listing, ListingKind, ListingStatus, Membership, Pact, PactStatus, Slot, utcnow
from tests.factories import make_listing, make_pact, make_user
from tests.permission_tables import LOGIN, OK, Row, everyone, only, signed_in

_n = itertools.count(1)
GROUP_MEMBERS = ("member", "coordinator", "admin")


def _group_a(w) -> Group:
    return db.session.get(Group, w.group_a)


def _pact_a(w, status=PactStatus.DRAFT) -> Pact:
    pact = make_pact(_group_a(w), status=status)
    pact.aims, pact.activities, pact.group_commitments = "Care", "Weeding", "Every Saturday"
    db.session.flush()
    return pact


def _draft_listing(w) -> Listing:
    pact = db.session.get(Pact, w.pact)
    return make_listing(pact, status=ListingStatus.DRAFT, stock=5)


def _fresh_slot(w) -> Slot:
    start = utcnow() + dt.timedelta(days=10)
    slot = Slot(listing_id=w.event, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=5, reserved=0)
    db.session.add(slot)
    db.session.flush()
    return slot


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def _photo(listing_id: int):
    from marketplace.listings.photos import add_photo

    return add_photo(None, db.session.get(Listing, listing_id), _png(), "A test photo")


def _membership(w, user_id) -> Membership:
    return db.session.scalar(select(Membership).where(Membership.user_id == user_id,
                                                      Membership.group_id == w.group_a))


def _removable(w) -> Membership:
    user = make_user()
    m = Membership(user_id=user.id, group_id=w.group_a, role="member")
    db.session.add(m)
    db.session.flush()
    return m


def _invite_url(w, email_role="resident"):
    from marketplace.groups.tokens import make_invitation_token

    return f"/groups/invitations/{make_invitation_token(w.group_a, w.emails[email_role], 'member', w.user_coordinator)}"


# Draft pact of group A: parties see it (member 403 to edit), the city sees it, others 404.
DRAFT_PACT_EDIT = {"anonymous": LOGIN, "resident": 404, "other_coordinator": 404, "member": 403,
                   "coordinator": 200, "moderator": 403, "admin": 403}
SUBMITTED_PACT_DECIDE = {"anonymous": LOGIN, "resident": 404, "other_coordinator": 404, "member": 403,
                         "coordinator": 403, "moderator": 302, "admin": 302}
DRAFT_LISTING = {"anonymous": LOGIN, "resident": 404, "other_coordinator": 404, "moderator": 403,
                 "member": 200, "coordinator": 200, "admin": 200}


def _with(table: dict, outcome) -> dict:
    return {k: (outcome if v == 200 else v) for k, v in table.items()}


ROWS = [
    # --- pacts ---
    Row("GET", "pacts.commons_detail", lambda w: f"/commons/{w.commons}", everyone(200)),
    Row("GET", "pacts.review_queue", lambda w: "/pacts/review", only(["moderator", "admin"], 200)),
    Row("GET", "pacts.propose", lambda w: f"/groups/{w.group_a_slug}/pacts/new", only(["coordinator", "admin"], 200)),
    Row("POST", "pacts.propose", lambda w: f"/groups/{w.group_a_slug}/pacts/new",
        only(["coordinator", "admin"], 422), data=lambda w: {}),
    Row("GET", "pacts.edit", lambda w: f"/pacts/{_pact_a(w).id}/edit", DRAFT_PACT_EDIT),
    Row("POST", "pacts.edit", lambda w: f"/pacts/{_pact_a(w).id}/edit", _with(DRAFT_PACT_EDIT, 422),
        data=lambda w: {}),
    Row("POST", "pacts.submit", lambda w: f"/pacts/{_pact_a(w).id}/submit", _with(DRAFT_PACT_EDIT, 302)),
    Row("POST", "pacts.decide", lambda w: f"/pacts/{_pact_a(w, PactStatus.SUBMITTED).id}/decide",
        SUBMITTED_PACT_DECIDE, data=lambda w: {"action": "start_review"}),
    # --- groups ---
    Row("GET", "groups.mine", lambda w: "/my/groups", signed_in(200)),
    Row("GET", "groups.create", lambda w: "/groups/new", signed_in(200)),
    Row("POST", "groups.create", lambda w: "/groups/new", signed_in(422), data=lambda w: {}),
    Row("GET", "groups.edit", lambda w: f"/groups/{w.group_a_slug}/edit", only(["coordinator", "admin"], 200)),
    Row("POST", "groups.edit", lambda w: f"/groups/{w.group_a_slug}/edit", only(["coordinator", "admin"], 422),
        data=lambda w: {"name": ""}),
    Row("GET", "groups.manage", lambda w: f"/groups/{w.group_a_slug}/manage",
        only(["member", "coordinator", "moderator", "admin"], 200)),
    Row("POST", "groups.invite", lambda w: f"/groups/{w.group_a_slug}/invite", only(["coordinator", "admin"], 302),
        data=lambda w: {"email": f"invitee{next(_n)}@example.org", "role": "member"}),
    # The link works only for the address it was sent to (resident's here).
    Row("GET", "groups.accept_invitation", _invite_url, signed_in(200)),
    Row("POST", "groups.accept_invitation", _invite_url, only(["resident"], 302)),
    Row("POST", "groups.change_role",
        lambda w: f"/groups/{w.group_a_slug}/members/{_membership(w, w.user_member).id}/role",
        only(["coordinator", "admin"], 302), data=lambda w: {"role": "member"}),
    Row("POST", "groups.remove_member", lambda w: f"/groups/{w.group_a_slug}/members/{_removable(w).id}/remove",
        only(["coordinator", "admin"], 302)),
    Row("POST", "groups.settings", lambda w: f"/groups/{w.group_a_slug}/settings", only(["moderator", "admin"], 302),
        data=lambda w: {"listings_need_review": "y"}),
    # --- listings ---
    Row("GET", "listings.create", lambda w: f"/groups/{w.group_a_slug}/listings/new", only(GROUP_MEMBERS, 200)),
    Row("POST", "listings.create", lambda w: f"/groups/{w.group_a_slug}/listings/new", only(GROUP_MEMBERS, 422),
        data=lambda w: {}),
    Row("GET", "listings.edit", lambda w: f"/listings/{w.draft_listing}/edit", DRAFT_LISTING),
    Row("POST", "listings.edit", lambda w: f"/listings/{w.draft_listing}/edit", _with(DRAFT_LISTING, 422),
        data=lambda w: {"title": ""}),
    Row("POST", "listings.submit", lambda w: f"/listings/{_draft_listing(w).id}/submit", _with(DRAFT_LISTING, 302)),
    Row("POST", "listings.archive", lambda w: f"/listings/{_draft_listing(w).id}/archive",
        _with(DRAFT_LISTING, 302)),
    Row("GET", "listings.dates", lambda w: f"/listings/{w.event}/dates", only(GROUP_MEMBERS, 200)),
    Row("POST", "listings.dates", lambda w: f"/listings/{w.event}/dates", only(GROUP_MEMBERS, 422),
        data=lambda w: {}),
    Row("POST", "listings.delete_date", lambda w: f"/listings/{w.event}/dates/{_fresh_slot(w).id}/delete",
        only(GROUP_MEMBERS, 302)),
    Row("GET", "listings.photo_list", lambda w: f"/listings/{w.listing}/photos", only(GROUP_MEMBERS, 200)),
    Row("POST", "listings.photo_list", lambda w: f"/listings/{w.listing}/photos", only(GROUP_MEMBERS, 422),
        data=lambda w: {}),
    Row("POST", "listings.delete_photo",
        lambda w: (lambda d: f"/listings/{d}/photos/{_photo(d).id}/delete")(_draft_listing(w).id),
        _with(DRAFT_LISTING, 302)),
    # A draft listing's photo is served to the group and the city only.
    Row("GET", "listings.photo_file",
        lambda w: (lambda d: f"/listings/{d}/photos/{_photo(d).id}/thumb")(_draft_listing(w).id),
        {"anonymous": 404, "resident": 404, "other_coordinator": 404, "*": 200}),
]

__all__ = ["ROWS", "OK", "ListingKind"]
