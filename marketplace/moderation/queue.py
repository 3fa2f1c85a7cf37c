"""Read side of moderation: the queue sections and their counts, what
changed since the last decision, and the audit log search. No writes."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select

from models import (
    Appeal,
    AppealStatus,
    AuditLog,
    Listing,
    ListingStatus,
    ModerationAction,
    Pact,
    PactStatus,
    Report,
    ReportStatus,
    User,
)
from models.moderation_action import REVIEWABLE_FIELDS, snapshot_of

from ..extensions import db

SECTIONS = ("pending", "reported", "hidden", "appeals", "pacts")
PACT_REVIEW_STATUSES = (PactStatus.SUBMITTED.value, PactStatus.UNDER_REVIEW.value)
PER_PAGE = 25


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, page: int, per_page: int = PER_PAGE) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = max(1, page)
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    items = [row[0] if len(row) == 1 else tuple(row) for row in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


@dataclass
class QueueFilters:
    section: str = "pending"
    group_id: int | None = None
    kind: str | None = None
    mine: bool = False
    page: int = 1


@dataclass
class FieldChange:
    name: str
    before: object
    after: object


@dataclass
class QueueItem:
    listing: Listing
    last_action: ModerationAction | None
    changes: list[FieldChange] | None
    open_reports: int = 0
    appeal: Appeal | None = None
    extra: dict = field(default_factory=dict)


def last_decision(listing: Listing) -> ModerationAction | None:
    """The latest decision that kept a snapshot of the listing."""
    return db.session.scalar(select(ModerationAction).where(
        ModerationAction.listing_id == listing.id, ModerationAction.snapshot.is_not(None))
        .order_by(ModerationAction.id.desc()).limit(1))


def changes_since(listing: Listing, action: ModerationAction | None) -> list[FieldChange] | None:
    """Field-by-field differences between the listing now and the snapshot
    kept at `action`; None when there was no earlier decision."""
    if action is None or action.snapshot is None:
        return None
    now = snapshot_of(listing)
    return [FieldChange(name, action.snapshot.get(name), now.get(name))
            for name in REVIEWABLE_FIELDS if action.snapshot.get(name) != now.get(name)]


def open_reports_subquery():
    return (select(Report.listing_id, func.count(Report.id).label("open_reports"))
            .where(Report.status == ReportStatus.OPEN.value).group_by(Report.listing_id).subquery())


def _filtered(stmt: Select, filters: QueueFilters) -> Select:
    if filters.group_id:
        stmt = stmt.where(Listing.group_id == filters.group_id)
    if filters.kind:
        stmt = stmt.where(Listing.kind == filters.kind)
    return stmt


def section_statement(section: str, filters: QueueFilters, user: User) -> Select:
    if section == "pending":
        return _filtered(select(Listing).where(Listing.status == ListingStatus.PENDING_REVIEW.value)
                         .order_by(Listing.updated_at, Listing.id), filters)
    if section == "reported":
        reports = open_reports_subquery()
        return _filtered(select(Listing, reports.c.open_reports).join(reports, reports.c.listing_id == Listing.id)
                         .order_by(reports.c.open_reports.desc(), Listing.id), filters)
    if section == "hidden":
        return _filtered(select(Listing).where(Listing.status == ListingStatus.HIDDEN.value)
                         .order_by(Listing.updated_at, Listing.id), filters)
    if section == "appeals":
        stmt = (select(Appeal).join(Listing, Appeal.listing_id == Listing.id)
                .where(Appeal.status == AppealStatus.OPEN.value).order_by(Appeal.created_at, Appeal.id))
        if filters.mine:
            stmt = stmt.where(Appeal.assigned_to_id == user.id)
        return _filtered(stmt, filters)
    if section == "pacts":
        return select(Pact).where(Pact.status.in_(PACT_REVIEW_STATUSES)).order_by(Pact.updated_at, Pact.id)
    raise ValueError(section)


def counts(filters: QueueFilters, user: User) -> dict[str, int]:
    result = {}
    for section in SECTIONS:
        stmt = section_statement(section, filters, user).order_by(None)
        result[section] = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return result


def _item(listing: Listing, open_reports: int | None = None, appeal: Appeal | None = None) -> QueueItem:
    action = last_decision(listing)
    if open_reports is None:
        open_reports = db.session.scalar(select(func.count(Report.id)).where(
            Report.listing_id == listing.id, Report.status == ReportStatus.OPEN.value)) or 0
    return QueueItem(listing, action, changes_since(listing, action), open_reports, appeal)


def queue_page(filters: QueueFilters, user: User) -> Page:
    """One page of the chosen section, each listing with its last decision
    and the changes since."""
    page = paginate(section_statement(filters.section, filters, user), filters.page)
    if filters.section == "pacts":
        return page
    if filters.section == "reported":
        page.items = [_item(listing, count) for listing, count in page.items]
    elif filters.section == "appeals":
        page.items = [_item(appeal.listing, appeal=appeal) for appeal in page.items]
    else:
        page.items = [_item(listing) for listing in page.items]
    return page


def listing_history(listing: Listing) -> list[ModerationAction]:
    return list(db.session.scalars(select(ModerationAction).where(ModerationAction.listing_id == listing.id)
                                   .order_by(ModerationAction.id.desc())))


def listing_reports(listing: Listing) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.listing_id == listing.id)
                                   .order_by(Report.status != ReportStatus.OPEN.value, Report.id.desc())))


def listing_appeals(listing: Listing) -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(Appeal.listing_id == listing.id)
                                   .order_by(Appeal.id.desc())))


@dataclass
class AuditFilters:
    actor: str = ""
    object_type: str = ""
    object_id: int | None = None
    action: str = ""
    page: int = 1


def audit_page(filters: AuditFilters, per_page: int = 50) -> Page:
    """Newest first. `actor` matches an id, an email or part of a name;
    `action` matches exactly or as a prefix (e.g. `listing.`)."""
    stmt = select(AuditLog).order_by(AuditLog.id.desc())
    actor = filters.actor.strip()
    if actor:
        if actor.isdigit():
            stmt = stmt.where(AuditLog.actor_id == int(actor))
        elif actor.lower() in ("system", "-"):
            stmt = stmt.where(AuditLog.actor_id.is_(None))
        else:
            needle = actor.lower()
            ids = select(User.id).where(or_(func.lower(User.email).contains(needle, autoescape=True),
                                            func.lower(User.display_name).contains(needle, autoescape=True)))
            stmt = stmt.where(AuditLog.actor_id.in_(ids))
    if filters.object_type:
        stmt = stmt.where(AuditLog.object_type == filters.object_type.strip().lower())
    if filters.object_id is not None:
        stmt = stmt.where(AuditLog.object_id == filters.object_id)
    if filters.action:
        action = filters.action.strip()
        stmt = stmt.where(or_(AuditLog.action == action, AuditLog.action.startswith(action, autoescape=True)))
    return paginate(stmt, filters.page, per_page)


def audit_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditLog.object_type).distinct().order_by(AuditLog.object_type)))
