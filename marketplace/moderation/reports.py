"""Residents' reports on listings and the threshold that hides a listing
pending review."""
from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import (
    REPORT_DETAILS_MAX,
    Listing,
    ListingStatus,
    ModerationKind,
    Report,
    ReportReason,
    ReportStatus,
    User,
    utcnow,
)
from models.errors import Conflict, NotFound, ValidationFailed
from models.visibility import is_public

from .. import audit
from ..extensions import db
from .services import (
    clean_statement,
    lock_listing,
    record_listing_action,
    report_threshold,
    tell_group,
    tell_reporter,
)


def already_reported_message() -> str:
    return _("You have already reported this listing. Thank you: the city's moderators will look at it.")


def existing_report(user: User, listing: Listing) -> Report | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Report).where(Report.listing_id == listing.id, Report.reporter_id == user.id))


def open_report_count(listing: Listing) -> int:
    return db.session.scalar(select(func.count(Report.id)).where(
        Report.listing_id == listing.id, Report.status == ReportStatus.OPEN.value)) or 0


def report_listing(reporter: User, listing: Listing, reason_code: str, details: str = "") -> Report:
    """File one report; at the threshold of open reports the listing is
    hidden pending review and the group is told."""
    if not is_public(listing):
        raise NotFound(_("This listing is not public."))
    if reason_code not in {r.value for r in ReportReason}:
        raise ValidationFailed(_("Choose a reason."), fields={"reason_code": [_("Choose a reason.")]})
    details = clean_statement(details, "details", required=False, max_len=REPORT_DETAILS_MAX)
    lock_listing(listing)
    if not is_public(listing):
        raise NotFound(_("This listing is not public."))
    if existing_report(reporter, listing) is not None:
        raise Conflict(already_reported_message())
    report = Report(listing_id=listing.id, reporter_id=reporter.id, reason_code=reason_code, details=details)
    # A double submit races past the check above; the unique constraint
    # decides, and the savepoint keeps the rest of the transaction usable.
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(already_reported_message()) from exc
    audit.record(reporter, "listing.reported", listing, after={"report_id": report.id, "reason_code": reason_code})
    if open_report_count(listing) >= report_threshold():
        auto_hide(listing)
    return report


def auto_hide(listing: Listing) -> None:
    """Hide a published listing that reached the report threshold."""
    if listing.status != ListingStatus.PUBLISHED.value:
        return
    reports = db.session.scalars(select(Report).where(
        Report.listing_id == listing.id, Report.status == ReportStatus.OPEN.value)).all()
    common = Counter(r.reason_code for r in reports).most_common(1)[0][0]
    statement = _("Hidden automatically after %(n)d reports, until a moderator reviews it.", n=len(reports))
    listing.transition_to(ListingStatus.HIDDEN, reason=statement)
    record_listing_action(None, listing, ModerationKind.AUTO_HIDE, from_status=ListingStatus.PUBLISHED.value,
                          reason_code=common, statement=statement, audit_action="listing.auto_hidden",
                          extra={"open_reports": len(reports)})
    tell_group(listing, ModerationKind.AUTO_HIDE, common, statement)
    db.session.flush()


def close_report(moderator: User, report: Report, outcome: str, note: str = "") -> Report:
    """Resolve (the report was right) or dismiss (nothing wrong) one report."""
    if outcome not in (ReportStatus.RESOLVED.value, ReportStatus.DISMISSED.value):
        raise ValidationFailed(_("Choose resolve or dismiss."), fields={"outcome": [_("Choose resolve or dismiss.")]})
    note = clean_statement(note, "note", required=False, max_len=REPORT_DETAILS_MAX)
    if not report.is_open:
        raise Conflict(_("This report is already closed."))
    report.status = outcome
    report.closed_at = utcnow()
    report.closed_by_id = moderator.id
    report.resolution_note = note
    listing = report.listing
    audit.record(moderator, f"listing.report_{outcome}", listing, before={"report_id": report.id, "status": "open"},
                 after={"report_id": report.id, "status": outcome}, reason=note)
    tell_reporter(report)
    db.session.flush()
    return report
