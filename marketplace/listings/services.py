"""Listings by group members: create, edit, submit or publish, archive, dates.

A listing is created only under an active pact of its own group. Whether
submitting publishes it or sends it to review is the group's setting. Every
status change goes through `Listing.transition_to` and is audited.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from models import LISTING_CATEGORIES, Group, Listing, ListingKind, ListingStatus, Pact, Slot, User, utcnow
from models.errors import Conflict, DomainError, ValidationFailed

from .. import audit
from ..commons.services import check_coordinates
from ..extensions import db
from ..timebank.amounts import parse_hours
from ..timebank.errors import InvalidAmount
from .pricing import MAX_MINOR, MAX_MINUTES, parse_money

L = ListingStatus
PRICINGS = ("free", "money", "hours", "money_hours")
MAX_OCCURRENCES = 52
MAX_STOCK = 1_000_000
MAX_CAPACITY = 10_000
GROUP_EDITABLE = {L.DRAFT.value, L.PUBLISHED.value}
GROUP_ARCHIVABLE = {L.DRAFT.value, L.PUBLISHED.value}


class PactNotActive(DomainError):
    """Listings can only be made under an active pact of the group."""

    status_code = 409
    code = "pact_not_active"


def stripe_enabled() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def _snapshot(listing: Listing) -> dict:
    return {"status": listing.status, "title": listing.title, "pact_id": listing.pact_id,
            "price_minor": listing.price_minor, "price_minutes": listing.price_minutes}


def _check_pact(group: Group, pact_id) -> Pact:
    pact = db.session.get(Pact, pact_id) if pact_id else None
    if pact is None or group not in pact.groups:
        raise ValidationFailed(_("Choose one of your group's active pacts."),
                               fields={"pact_id": [_("Choose one of your group's active pacts.")]})
    if not pact.is_active():
        raise PactNotActive(_("The pact “%(title)s” is not active, so nothing can be listed under it.",
                              title=pact.title))
    return pact


def check_listing_fields(data: dict, kind: str) -> dict:
    """Validate the listing's fields; collects every error before raising."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the listing a title.")]
    elif len(title) > 160:
        errors["title"] = [_("Use at most %(n)d characters.", n=160)]
    out["title"] = title
    out["description"] = (data.get("description") or "").strip()
    if len(out["description"]) > 20000:
        errors["description"] = [_("Use at most %(n)d characters.", n=20000)]
    if data.get("category") not in LISTING_CATEGORIES:
        errors["category"] = [_("Choose a category from the list.")]
    out["category"] = data.get("category")

    pricing = data.get("pricing") or "free"
    out.update(price_minor=None, currency=None, price_minutes=None)
    if pricing not in PRICINGS:
        errors["pricing"] = [_("Choose how people pay.")]
    if pricing in ("money", "money_hours"):
        if not stripe_enabled():
            errors["pricing"] = [_("Payments in money are not available: the site has no payment provider "
                                   "configured. Choose free or time-bank hours.")]
        minor = parse_money(data.get("price"))
        if minor is None or minor <= 0 or minor > MAX_MINOR:
            errors["price"] = [_("Enter an amount like 12.50 (more than zero).")]
        out.update(price_minor=minor, currency=current_app.config["CURRENCY"])
    if pricing in ("hours", "money_hours"):
        try:
            minutes = parse_hours(data.get("hours"))
        except InvalidAmount:
            minutes = None
        if minutes is None or minutes > MAX_MINUTES:
            errors["hours"] = [_("Enter hours like 2, 1.5 or 1:30 (at most %(n)d hours).", n=MAX_MINUTES // 60)]
        out["price_minutes"] = minutes

    out.update(stock=None, pickup_place=None, pickup_hours=None, on_request=False)
    if kind == ListingKind.GOOD.value:
        stock = data.get("stock")
        if stock is None or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
            errors["stock"] = [_("Say how many are available (a whole number, 0 or more).")]
        out["stock"] = stock
        out["pickup_place"] = (data.get("pickup_place") or "").strip()[:255] or None
        out["pickup_hours"] = (data.get("pickup_hours") or "").strip()[:255] or None
    elif kind == ListingKind.SERVICE.value:
        out["on_request"] = bool(data.get("on_request"))

    out["address"] = (data.get("address") or "").strip()[:255] or None
    try:
        out["latitude"], out["longitude"] = check_coordinates(data.get("latitude"), data.get("longitude"),
                                                              required=False)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some details of the listing are missing or wrong."), fields=errors)
    return out


def create_listing(actor: User, group: Group, data: dict) -> Listing:
    """A draft listing of `group` under one of its active pacts."""
    kind = data.get("kind")
    if kind not in {k.value for k in ListingKind}:
        raise ValidationFailed(_("Choose good, service or event."), fields={"kind": [_("Choose a kind.")]})
    errors: dict = {}
    pact = None
    try:
        pact = _check_pact(group, data.get("pact_id"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        clean = check_listing_fields(data, kind)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some details of the listing are missing or wrong."), fields=errors)
    listing = Listing(kind=kind, group=group, pact=pact, created_by_id=actor.id, status=L.DRAFT.value, **clean)
    db.session.add(listing)
    db.session.flush()
    audit.record(actor, "listing.create", listing, after=_snapshot(listing))
    return listing


def ensure_editable(listing: Listing) -> None:
    """The group edits drafts and published listings; the rest belong to review or moderation."""
    if listing.status not in GROUP_EDITABLE:
        raise Conflict(_("A listing that is %(status)s cannot be edited.", status=status_label(listing.status)))


def update_listing(actor: User, listing: Listing, data: dict) -> Listing:
    """Edit a draft or a published listing. In a group whose listings need
    review, editing a published listing sends it back to review."""
    ensure_editable(listing)
    errors: dict = {}
    pact = listing.pact
    try:
        if data.get("pact_id") and int(data["pact_id"]) != listing.pact_id:
            pact = _check_pact(listing.group, data.get("pact_id"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        clean = check_listing_fields(data, listing.kind)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some details of the listing are missing or wrong."), fields=errors)
    before = _snapshot(listing)
    for key, value in clean.items():
        setattr(listing, key, value)
    listing.pact = pact
    back_to_review_if_needed(listing)
    db.session.flush()
    audit.record(actor, "listing.edit", listing, before=before, after=_snapshot(listing))
    return listing


def back_to_review_if_needed(listing: Listing) -> None:
    """A published listing whose content changes goes back to review when the group's listings need it."""
    if listing.status == L.PUBLISHED.value and listing.group.listings_need_review:
        listing.transition_to(L.DRAFT)
        listing.transition_to(L.PENDING_REVIEW)


def _check_complete(listing: Listing) -> None:
    now = utcnow()
    if listing.kind == ListingKind.EVENT.value and not any(s.starts_at > now for s in listing.slots):
        raise ValidationFailed(_("Add at least one future date to the event before publishing it."))
    if listing.kind == ListingKind.SERVICE.value and not listing.on_request and not any(
            s.starts_at > now for s in listing.slots):
        raise ValidationFailed(_("Add bookable times to the service, or mark it as “on request”."))
    if listing.price_minor and not stripe_enabled():
        raise ValidationFailed(_("Payments in money are not available on this site; "
                                 "change the price to free or time-bank hours."))


def submit_listing(actor: User, listing: Listing) -> Listing:
    """Draft -> published, or -> pending_review when the group's listings need review."""
    if not listing.pact.is_active() or listing.group not in listing.pact.groups:
        raise PactNotActive(_("The pact “%(title)s” is not active, so this listing cannot be published.",
                              title=listing.pact.title))
    _check_complete(listing)
    before = listing.status
    if listing.group.listings_need_review:
        listing.transition_to(L.PENDING_REVIEW)
        action = "listing.submit"
    else:
        listing.transition_to(L.PUBLISHED)
        listing.published_at = utcnow()
        action = "listing.publish"
    db.session.flush()
    audit.record(actor, action, listing, before={"status": before}, after={"status": listing.status})
    return listing


def archive_listing(actor: User, listing: Listing) -> Listing:
    if listing.status not in GROUP_ARCHIVABLE:
        raise Conflict(_("A listing that is %(status)s cannot be archived by the group.",
                         status=status_label(listing.status)))
    before = listing.status
    listing.transition_to(L.ARCHIVED)
    db.session.flush()
    audit.record(actor, "listing.archive", listing, before={"status": before}, after={"status": listing.status})
    return listing


def status_label(status: str) -> str:
    return {
        "draft": _("a draft"), "pending_review": _("waiting for review"), "published": _("published"),
        "archived": _("archived"), "hidden": _("hidden by the city"), "rejected": _("rejected"),
    }.get(status, status)


# --- dates of events and services --------------------------------------------

def _aware(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


def add_occurrences(actor: User, listing: Listing, starts: dt.datetime | None, ends: dt.datetime | None,
                    capacity: int | None, repeat_until: dt.date | None = None) -> list[Slot]:
    """One occurrence (start, end, capacity), or one every week up to `repeat_until`.

    `starts` and `ends` are naive local times in the site's time zone; weekly
    repeats keep the same local time across daylight-saving changes.
    """
    if listing.kind == ListingKind.GOOD.value:
        raise Conflict(_("Goods have a stock, not dates."))
    if listing.status not in GROUP_EDITABLE:
        raise Conflict(_("A listing that is %(status)s cannot be changed.", status=status_label(listing.status)))
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    errors: dict[str, list[str]] = {}
    if starts is None:
        errors["starts_at"] = [_("Give the start date and time.")]
    if ends is None:
        errors["ends_at"] = [_("Give the end date and time.")]
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("The end must be after the start.")]
    if starts and _aware(starts, tz) <= utcnow():
        errors["starts_at"] = [_("The start must be in the future.")]
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Give the number of places (1 to %(n)d).", n=MAX_CAPACITY)]
    locals_: list[dt.datetime] = []
    if starts and not errors:
        if repeat_until is not None and repeat_until < starts.date():
            errors["repeat_until"] = [_("The last date must be on or after the first one.")]
        else:
            current = starts
            last = repeat_until or starts.date()
            while current.date() <= last:
                locals_.append(current)
                if len(locals_) > MAX_OCCURRENCES:
                    errors["repeat_until"] = [_("At most %(n)d dates at once; choose an earlier last date.",
                                                n=MAX_OCCURRENCES)]
                    break
                current += dt.timedelta(days=7)
    if len(listing.slots) + len(locals_) > MAX_OCCURRENCES * 2 and not errors:
        errors["repeat_until"] = [_("This listing has too many dates already.")]
    if errors:
        raise ValidationFailed(_("Some details of the dates are missing or wrong."), fields=errors)
    duration = ends - starts
    slots = []
    for start in locals_:
        slot = Slot(starts_at=_aware(start, tz), ends_at=_aware(start + duration, tz), capacity=capacity,
                    reserved=0)
        listing.slots.append(slot)
        slots.append(slot)
    db.session.flush()
    audit.record(actor, "listing.add_dates", listing, after={"count": len(slots), "capacity": capacity,
                                                             "first": slots[0].starts_at.isoformat()})
    return slots


def remove_occurrence(actor: User, listing: Listing, slot: Slot) -> None:
    if slot.listing_id != listing.id:
        raise Conflict(_("This date belongs to another listing."))
    if slot.reserved:
        raise Conflict(_("People have booked this date; it cannot be removed. Cancel their bookings first."))
    listing.slots.remove(slot)
    db.session.flush()
    audit.record(actor, "listing.remove_date", listing, before={"starts_at": slot.starts_at.isoformat()})
