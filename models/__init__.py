"""SQLAlchemy 2.x models of Commons Market. No Flask import anywhere here."""
from .account import ISSUANCE, Account, AccountKind
from .appeal import APPEAL_MESSAGE_MAX, Appeal, AppealStatus
from .audit_log import AuditLog
from .base import Base, UTCDateTime, utcnow
from .booking import Booking, BookingStatus, PaymentMethod
from .booking_policy import BookingPolicy
from .commons import Commons
from .email_message import EmailMessage
from .entry import Entry
from .enums import (
    LISTING_CATEGORIES,
    CommonsKind,
    GroupRole,
    ListingKind,
    ListingStatus,
    PactKind,
    PactStatus,
    SiteRole,
    UserStatus,
)
from .group import Group
from .hold import Hold, HoldStatus
from .ledger_head import LedgerHead
from .listing import Listing
from .login_throttle import LoginThrottle
from .membership import Membership
from .moderation_action import APPEALABLE, ModerationAction, ModerationKind, ModerationReason
from .notification import Notification
from .pact import Pact
from .pact_group import pact_groups
from .pact_timebank_setting import PactTimebankSetting
from .payment import Payment, PaymentStatus
from .photo import MAX_PHOTOS_PER_LISTING, ListingPhoto
from .report import REPORT_DETAILS_MAX, Report, ReportReason, ReportStatus
from .search_outbox import SearchOutbox
from .slot import Slot
from .stripe_event import StripeEvent
from .transfer import Transfer, TransferReason
from .user import User, normalise_email
from .user_role import UserRole
from .volunteer_log import FundingSource, VolunteerLog, VolunteerStatus
from .waitlist_entry import WaitlistEntry, WaitlistStatus

__all__ = [
    "APPEAL_MESSAGE_MAX", "APPEALABLE", "Appeal", "AppealStatus", "ModerationAction", "ModerationKind",
    "ModerationReason", "REPORT_DETAILS_MAX", "Report", "ReportReason", "ReportStatus",
    "AuditLog", "Base", "Commons", "CommonsKind", "EmailMessage", "Group", "GroupRole",
    "LISTING_CATEGORIES", "Listing", "ListingKind", "ListingPhoto", "ListingStatus", "LoginThrottle",
    "MAX_PHOTOS_PER_LISTING",
    "Membership", "Notification", "Pact", "PactKind", "PactStatus", "SiteRole", "Slot", "User", "UserRole",
    "UserStatus", "UTCDateTime", "normalise_email", "pact_groups", "utcnow",
    # time bank
    "Account", "AccountKind", "Entry", "FundingSource", "Hold", "HoldStatus", "ISSUANCE", "LedgerHead",
    "PactTimebankSetting", "Transfer", "TransferReason", "VolunteerLog", "VolunteerStatus",
    "Booking", "BookingPolicy", "BookingStatus", "Payment", "PaymentMethod", "PaymentStatus", "StripeEvent",
    "WaitlistEntry", "WaitlistStatus",
    "SearchOutbox",
]
