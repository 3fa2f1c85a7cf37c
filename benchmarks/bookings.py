"""Booking throughput and the no-overbooking invariant on PostgreSQL.

    python -m benchmarks.bookings [--clients 8] [--attempts 400] [--slots 20] [--capacity 150]
                                  [--mode process|thread]

Creates a scratch database (commons_bench_<random>) on the server at
$BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
builds the schema, adds published events with `--slots` dates of `--capacity`
seats, then runs `--clients` clients (processes by default, so the GIL does not
cap the run at one core; or threads), each with its own app context, session
and connection, each making `--attempts` free bookings of one seat at random
dates. Each attempt does what `POST /api/v1/bookings` does after parsing the
request: load the user (as the login loader does on every request: users +
user_roles), load listing + pact + author + slot + policy
(`services.booking_target`), check `permissions.can_see_booking_listing`, call
`services.book` with a fresh idempotency key (validation, INSERT ... ON
CONFLICT, the conditional UPDATE, lazy expiry when seats run short, the
notification and its email row), then `tx.commit()` (one commit), whose
after-commit callback delivers the email (log transport) and marks it sent.
Only HTTP parsing and JSON rendering are left out.

Total attempts exceed total seats, so dates sell out during the run and "sold
out" answers are part of the mix. Afterwards it counts, per date, the seats
held by bookings: `overbooked` is the number of dates where that exceeds
capacity or disagrees with `slots.reserved` (must be 0).
The database is dropped at the end (unless --keep). The LAST line printed is
the JSON result.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import secrets
import sys
import threading
import time

from sqlalchemy import func, select

from . import scratch


def build_app(url: str, clients: int):
    return scratch.build_app(url, pool_size=clients + 2, max_overflow=2, SERVER_NAME="localhost")


def seed(app, clients: int, slots: int, capacity: int) -> tuple[list[tuple[int, int]], list[int]]:
    import models
    from marketplace.extensions import db
    from models import (
        BookingPolicy,
        Commons,
        Group,
        Listing,
        ListingKind,
        ListingStatus,
        Pact,
        PactStatus,
        Slot,
        User,
        utcnow,
    )

    with app.app_context():
        models.Base.metadata.create_all(db.engine)
        group = Group(name="Bench group", slug="bench-group", description="")
        commons = Commons(name="Bench park", kind="green_area", address="Strada 1", district="Centru")
        today = dt.date.today()
        pact = Pact(title="Bench pact", commons=commons, kind="ordinary", status=PactStatus.ACTIVE.value,
                    start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=365))
        pact.groups.append(group)
        db.session.add_all([group, commons, pact])
        targets = []
        per_listing = 5
        for n in range(0, slots, per_listing):
            listing = Listing(kind=ListingKind.EVENT.value, title=f"Bench event {n}", category="workshop",
                              group=group, pact=pact, status=ListingStatus.PUBLISHED.value, published_at=utcnow())
            db.session.add(listing)
            db.session.flush()
            # Several bookings per resident per date, so each client can reuse one account.
            db.session.add(BookingPolicy(listing_id=listing.id, allow_multiple=True, max_per_booking=4))
            for k in range(min(per_listing, slots - n)):
                start = utcnow() + dt.timedelta(days=3 + k)
                slot = Slot(listing=listing, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                            capacity=capacity, reserved=0)
                db.session.add(slot)
                db.session.flush()
                targets.append((listing.id, slot.id))
        users = [User(email=f"bench{i}@example.org", display_name=f"Bench {i}", password_hash="x")
                 for i in range(clients)]
        db.session.add_all(users)
        db.session.commit()
        return targets, [u.id for u in users]


def _client_process(url: str, clients: int, user_id: int, seed_value: int, targets, attempts: int,
                    barrier, results) -> None:
    """One client in its own process (its own interpreter, app, session and connection)."""
    logging.disable(logging.INFO)
    app = build_app(url, 1)
    counts = run_clients(app, targets, [user_id], attempts, seed_base=seed_value, outer_barrier=barrier)
    results.put(counts)


def run_processes(url: str, targets: list[tuple[int, int]], user_ids: list[int], attempts: int) -> dict:
    """Clients as processes, so Python's GIL does not cap a 2-core machine at one core."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(user_ids) + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_client_process, args=(url, len(user_ids), uid, i, targets, attempts, barrier,
                                                        results)) for i, uid in enumerate(user_ids)]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    parts = [results.get() for _ in procs]
    seconds = time.perf_counter() - start
    for proc in procs:
        proc.join()
    total = {key: sum(p[key] for p in parts) for key in ("confirmed", "sold_out", "errors")}
    total["seconds"] = seconds
    return total


def run_clients(app, targets: list[tuple[int, int]], user_ids: list[int], attempts: int, *, seed_base: int = 0,
                outer_barrier=None) -> dict:
    from marketplace import permissions
    from marketplace.bookings import services
    from marketplace.bookings.errors import SoldOut
    from marketplace.extensions import db
    from marketplace.tx import commit, rollback
    from models import User

    counts = {"confirmed": 0, "sold_out": 0, "errors": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(len(user_ids) + 1)

    def client(user_id: int, seed_value: int) -> None:
        rng = random.Random(seed_value)
        mine = {"confirmed": 0, "sold_out": 0, "errors": 0}
        with app.app_context():
            db.session.connection()
            barrier.wait()
            for _ in range(attempts):
                try:
                    user = db.session.get(User, user_id)  # the login loader (users + user_roles)
                    listing_id, slot_id = rng.choice(targets)
                    listing, slot, policy = services.booking_target(listing_id, slot_id)
                    if listing is None or slot is None or not permissions.can_see_booking_listing(user, listing):
                        raise LookupError("benchmark listing not visible")
                    booking, created = services.book(user, listing, slot=slot, quantity=1,
                                                     idempotency_key=secrets.token_hex(12), policy=policy)
                    commit()
                    if not created or booking.status != "confirmed":
                        raise RuntimeError(f"unexpected booking {booking!r}")
                    mine["confirmed"] += 1
                except SoldOut:
                    rollback()
                    mine["sold_out"] += 1
                except Exception as exc:  # counted in the result; the first few are shown
                    rollback()
                    mine["errors"] += 1
                    if mine["errors"] <= 3:
                        print(f"booking error: {exc!r}", file=sys.stderr)
                db.session.expire_all()
            db.session.remove()
        with lock:
            for key, value in mine.items():
                counts[key] += value

    threads = [threading.Thread(target=client, args=(uid, seed_base + i)) for i, uid in enumerate(user_ids)]
    for t in threads:
        t.start()
    barrier.wait()
    if outer_barrier is not None:
        outer_barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    counts["seconds"] = time.perf_counter() - start
    return counts


def count_overbooked(app) -> tuple[int, int]:
    from marketplace.extensions import db
    from models import Booking, Slot
    from models.booking import HOLDS_SEATS

    with app.app_context():
        held = dict(db.session.execute(
            select(Booking.slot_id, func.sum(Booking.quantity))
            .where(Booking.status.in_([s.value for s in HOLDS_SEATS])).group_by(Booking.slot_id)
        ).all())
        bad = 0
        total = 0
        for slot in db.session.scalars(select(Slot)):
            seats = int(held.get(slot.id, 0))
            total += seats
            if seats > slot.capacity or seats != slot.reserved:
                bad += 1
        return bad, total


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=400, help="booking attempts per client")
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=150)
    parser.add_argument("--mode", choices=("process", "thread"), default="process",
                        help="clients as processes (default: uses every core) or as threads of one process")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # the email log lines would dominate the run
    server = scratch.server_url()
    name, url = scratch.create_database(server)
    try:
        app = build_app(url, args.clients)
        targets, user_ids = seed(app, args.clients, args.slots, args.capacity)
        if args.mode == "process":
            scratch.dispose(app)  # no connection may cross the fork
            counts = run_processes(url, targets, user_ids, args.attempts)
        else:
            counts = run_clients(app, targets, user_ids, args.attempts)
        overbooked, seats = count_overbooked(app)
        scratch.dispose(app)
    finally:
        if not args.keep:
            scratch.drop_database(server, name)
    result = {
        "benchmark": "bookings", "mail_delivery": os.environ.get("MAIL_DELIVERY", "inline"),
        "mode": args.mode, "clients": args.clients, "attempts": args.clients * args.attempts,
        "seats_total": args.slots * args.capacity, "confirmed": counts["confirmed"], "sold_out": counts["sold_out"],
        "errors": counts["errors"], "seconds": round(counts["seconds"], 3),
        "bookings_per_s": round(counts["confirmed"] / counts["seconds"], 1),
        "attempts_per_s": round(args.clients * args.attempts / counts["seconds"], 1),
        "overbooked": overbooked, "seats_held_after": seats,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
