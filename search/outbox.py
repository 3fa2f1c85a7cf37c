"""Write a `search_outbox` row, in the same transaction, for every change
that can alter a listing's search document.

The hook listens to every SQLAlchemy Session (`after_flush`), so changes
made by any code are caught: views, services, the demo loader, the CLI, a
script with a plain Session. What counts:

- a Listing inserted, updated or deleted;
- its Pact (status, dates, title, commons), Group (name), Commons (name,
  district, coordinates) changed: every listing under it;
- a Slot inserted, deleted or moved (not a change of `reserved` alone);
- a User's status changed (a suspended author's listings stop being public).

ORM-enabled bulk UPDATE/DELETE statements (`session.execute(update(Listing)...)`)
are caught too (`do_orm_execute`): the affected listing ids are selected
with the same WHERE clause first. Raw SQL on a Connection is not seen; run
`flask search check` / `rebuild` after such maintenance.

Session.info["search_outbox_pending"] tells the after-commit drain (wired by
marketplace/search_integration.py) that there is something to index.
"""
from __future__ import annotations

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from models import Commons, Group, Listing, Pact, SearchOutbox, Slot, User, utcnow

PENDING_KEY = "search_outbox_pending"

_SLOT_FIELDS = ("starts_at", "ends_at", "listing_id")
_GROUP_FIELDS = ("name",)
_COMMONS_FIELDS = ("name", "district", "latitude", "longitude", "address")
_USER_FIELDS = ("status",)

_registered = False


def _changed(obj, names) -> bool:
    state = inspect(obj)
    for name in names:
        history = state.attrs[name].history
        if history.added or history.deleted:
            return True
    return False


def _listing_ids_for(connection, cls, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    if cls is Pact:
        query = select(Listing.id).where(Listing.pact_id.in_(ids))
    elif cls is Group:
        query = select(Listing.id).where(Listing.group_id.in_(ids))
    elif cls is Commons:
        query = select(Listing.id).join(Pact, Listing.pact_id == Pact.id).where(Pact.commons_id.in_(ids))
    elif cls is User:
        query = select(Listing.id).where(Listing.created_by_id.in_(ids))
    else:  # pragma: no cover - guarded by callers
        raise TypeError(cls)
    return set(connection.execute(query).scalars())


def collect_changes(session: Session) -> dict[int, str]:
    """listing id -> op for what this flush is about to change."""
    ops: dict[int, str] = {}
    parents: dict[type, set[int]] = {Pact: set(), Group: set(), Commons: set(), User: set()}
    for obj in session.new:
        if isinstance(obj, Listing) and obj.id is not None:
            ops[obj.id] = "upsert"
        elif isinstance(obj, Slot) and obj.listing_id is not None:
            ops.setdefault(obj.listing_id, "upsert")
    for obj in session.dirty:
        if isinstance(obj, Listing):
            if session.is_modified(obj, include_collections=False):
                ops.setdefault(obj.id, "upsert")
        elif isinstance(obj, Slot):
            if _changed(obj, _SLOT_FIELDS):
                ops.setdefault(obj.listing_id, "upsert")
                old = inspect(obj).attrs["listing_id"].history.deleted
                for listing_id in old or ():
                    if listing_id is not None:
                        ops.setdefault(listing_id, "upsert")
        elif isinstance(obj, Pact):
            if session.is_modified(obj, include_collections=False):
                parents[Pact].add(obj.id)
        elif isinstance(obj, Group):
            if _changed(obj, _GROUP_FIELDS):
                parents[Group].add(obj.id)
        elif isinstance(obj, Commons):
            if _changed(obj, _COMMONS_FIELDS):
                parents[Commons].add(obj.id)
        elif isinstance(obj, User):
            if _changed(obj, _USER_FIELDS):
                parents[User].add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Listing):
            ops[obj.id] = "delete"
        elif isinstance(obj, Slot):
            ops.setdefault(obj.listing_id, "upsert")
        elif isinstance(obj, (Pact, Group, Commons, User)):
            parents[type(obj)].add(obj.id)
    connection = session.connection()
    for cls, ids in parents.items():
        for listing_id in _listing_ids_for(connection, cls, {i for i in ids if i is not None}):
            ops.setdefault(listing_id, "upsert")
    ops.pop(None, None)
    return ops


def write_rows(session: Session, ops: dict[int, str]) -> None:
    if not ops:
        return
    now = utcnow()
    rows = [{"listing_id": lid, "op": op, "created_at": now} for lid, op in sorted(ops.items())]
    session.connection().execute(insert(SearchOutbox), rows)
    session.info[PENDING_KEY] = True


def _after_flush(session: Session, flush_context) -> None:
    write_rows(session, collect_changes(session))


_BULK_TARGETS = {Listing, Pact, Group, Commons, User, Slot}


def _do_orm_execute(state) -> None:
    """Bulk UPDATE/DELETE through the ORM: outbox rows for the rows it will touch."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    cls = mapper.class_ if mapper is not None else None
    if cls not in _BULK_TARGETS:
        return
    statement = state.statement
    if state.is_update and cls in (Slot, User):
        values = {getattr(k, "key", k) for k in (statement._values or {})}
        watched = _SLOT_FIELDS if cls is Slot else _USER_FIELDS
        if values and not values & set(watched):
            return  # e.g. the seat counter: no document changes
    where = statement.whereclause
    session = state.session
    connection = session.connection()
    if cls is Listing:
        query = select(Listing.id)
    elif cls is Slot:
        query = select(Slot.listing_id)
    else:
        query = select(mapper.primary_key[0])
    if where is not None:
        query = query.where(where)
    ids = set(connection.execute(query).scalars())
    if cls in (Listing, Slot):
        op = "delete" if (state.is_delete and cls is Listing) else "upsert"
        write_rows(session, dict.fromkeys(ids, op))
    else:
        write_rows(session, dict.fromkeys(_listing_ids_for(connection, cls, ids), "upsert"))


def _clear_pending(session: Session, *args) -> None:
    session.info.pop(PENDING_KEY, None)


def register_outbox_hooks(session_class=Session) -> None:
    """Listen on `session_class` (default: every SQLAlchemy Session). Idempotent."""
    global _registered
    if _registered:
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "do_orm_execute", _do_orm_execute)
    event.listen(session_class, "after_rollback", _clear_pending)
    _registered = True
