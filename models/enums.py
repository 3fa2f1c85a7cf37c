"""Enumerations shared by the models. Values are stored as strings."""
from __future__ import annotations

import enum

StrEnum = enum.StrEnum


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class SiteRole(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    RESEARCHER = "researcher"


class GroupRole(StrEnum):
    COORDINATOR = "coordinator"
    MEMBER = "member"


class CommonsKind(StrEnum):
    GREEN_AREA = "green_area"
    BUILDING = "building"
    SCHOOL_YARD = "school_yard"
    STREET = "street"
    SQUARE = "square"
    OTHER = "other"


class PactKind(StrEnum):
    ORDINARY = "ordinary"
    COMPLEX = "complex"


class PactStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    REJECTED = "rejected"


class ListingKind(StrEnum):
    GOOD = "good"
    SERVICE = "service"
    EVENT = "event"


class ListingStatus(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    HIDDEN = "hidden"
    REJECTED = "rejected"


# The fixed list of listing categories; labels are translated in the web layer.
LISTING_CATEGORIES = (
    "food",
    "plants_seeds",
    "furniture",
    "repair",
    "tutoring",
    "workshop",
    "culture",
    "sport",
    "care",
    "tools",
    "festival",
    "other",
)
