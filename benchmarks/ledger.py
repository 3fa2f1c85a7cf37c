"""Time-bank ledger benchmark on PostgreSQL.

    python -m benchmarks.ledger [--workers 8] [--transfers 500] [--accounts 20] [--bulk-entries 1000000]

Creates a scratch database (commons_bench_<random>) on the server at
$BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
builds the schema (with the append-only triggers), funds `--accounts`
residents, then runs `--workers` threads, each with its own session and
connection, doing `--transfers` random transfers through the real service
(`transfer_hours` inside `run_in_transaction`, so locks, floors, the hash
chain and retries are all exercised). Then it runs the same check as
`flask ledger check`. With `--bulk-entries N` it also appends N entries (with
a valid hash chain) by COPY and times the check again over the whole ledger.
The database is dropped at the end (unless --keep). The LAST line printed is
the JSON result.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import threading
import time

from . import scratch


def build_app(url: str):
    return scratch.build_app(url, pool_size=16, max_overflow=4)


def seed(app, n_accounts: int, minutes_each: int) -> list[int]:
    import models
    from marketplace.extensions import db
    from marketplace.timebank import services

    with app.app_context():
        models.Base.metadata.create_all(db.engine)
        users = [models.User(email=f"bench{i}@example.org", display_name=f"Bench {i}", password_hash="x")
                 for i in range(n_accounts)]
        db.session.add_all(users)
        db.session.flush()
        issuance = services.issuance_account()
        ids = []
        for user in users:
            account = services.ensure_user_account(user)
            services.transfer_hours(issuance, account, minutes_each, reason="adjustment", reference="bench:seed")
            ids.append(account.id)
        db.session.commit()
        return ids


def run_workers(app, account_ids: list[int], workers: int, per_worker: int, seed_value: int) -> dict:
    totals = {"committed": 0, "refused": 0, "failed": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(workers + 1)

    def worker(n: int) -> None:
        with app.app_context():
            barrier.wait()
            done = _transfer_loop(account_ids, n, per_worker, seed_value)
        with lock:
            for key, value in done.items():
                totals[key] += value

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    totals["seconds"] = time.perf_counter() - started
    return totals


def _transfer_loop(account_ids: list[int], n: int, per_worker: int, seed_value: int) -> dict:
    """Worker `n`'s random transfers through the real service, inside an app context."""
    from marketplace.extensions import db
    from marketplace.timebank import services
    from marketplace.timebank.errors import InsufficientHours

    rng = random.Random(seed_value + n)
    done = {"committed": 0, "refused": 0, "failed": 0}
    for _i in range(per_worker):
        src, dst = rng.sample(account_ids, 2)
        minutes = rng.randint(1, 180)

        def work(src=src, dst=dst, minutes=minutes):
            return services.transfer_hours(src, dst, minutes, reason="gift", reference="bench")
        try:
            services.run_in_transaction(work)
            done["committed"] += 1
        except InsufficientHours:
            done["refused"] += 1
        except Exception:
            done["failed"] += 1
    db.session.remove()
    return done


def _process_worker(url, account_ids, n, per_worker, seed_value, barrier, results):
    """One worker process with its own app and connection, like a gunicorn worker."""
    from marketplace.extensions import db

    app = build_app(url)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connect before the clock starts
        db.session.rollback()
        barrier.wait()
        results.put(_transfer_loop(account_ids, n, per_worker, seed_value))


def run_processes(url: str, account_ids: list[int], workers: int, per_worker: int, seed_value: int) -> dict:
    """The same load from separate processes: no shared GIL, as in production."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers + 1)
    results = context.Queue()
    processes = [context.Process(target=_process_worker,
                                 args=(url, account_ids, n, per_worker, seed_value, barrier, results))
                 for n in range(workers)]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    totals = {"committed": 0, "refused": 0, "failed": 0}
    for _ in processes:
        for key, value in results.get().items():
            totals[key] += value
    totals["seconds"] = time.perf_counter() - started
    for process in processes:
        process.join()
    return totals


def bulk_append(app, n_entries: int, seed_value: int) -> float:
    """Append n_entries (two per transfer) with a valid chain and balances, by COPY."""
    from sqlalchemy import select

    from marketplace.extensions import db
    from models import Account, LedgerHead, TransferReason
    from models.entry import entry_hash

    rng = random.Random(seed_value)
    started = time.perf_counter()
    with app.app_context():
        accounts = {a.id: [a.balance, a.floor] for a in db.session.scalars(select(Account))}
        issuance = next(i for i, (_b, floor) in accounts.items() if floor is None)
        users = [i for i in accounts if i != issuance]
        head = db.session.get(LedgerHead, 1)
        entry_id, prev = head.last_entry_id, head.last_hash
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM transfers")
            transfer_id = cur.fetchone()[0]
            now = dt.datetime.now(dt.UTC)
            reason, reference = TransferReason.GIFT.value, "bench:bulk"
            transfers, entries = [], []
            for _i in range(n_entries // 2):
                transfer_id += 1
                dst = rng.choice(users)
                src = rng.choice(users)
                minutes = rng.randint(1, 120)
                if src == dst or accounts[src][0] - minutes < accounts[src][1]:
                    src = issuance
                accounts[src][0] -= minutes
                accounts[dst][0] += minutes
                stamp = now + dt.timedelta(microseconds=transfer_id)
                transfers.append((transfer_id, stamp, reason, reference, "", None, None))
                for account_id, amount in ((src, -minutes), (dst, minutes)):
                    entry_id += 1
                    digest = entry_hash(entry_id, prev, transfer_id, account_id, amount, stamp, reason, reference)
                    entries.append((entry_id, transfer_id, account_id, amount, stamp, prev, digest))
                    prev = digest
            with cur.copy("COPY transfers (id, created_at, reason, reference, memo, actor_id, reverses_id) "
                          "FROM STDIN") as copy:
                for row in transfers:
                    copy.write_row(row)
            with cur.copy("COPY entries (id, transfer_id, account_id, amount_minutes, created_at, prev_hash, hash) "
                          "FROM STDIN") as copy:
                for row in entries:
                    copy.write_row(row)
            cur.execute("SELECT setval(pg_get_serial_sequence('transfers', 'id'), %s)", (transfer_id,))
            for account_id, (balance, _floor) in accounts.items():
                cur.execute("UPDATE accounts SET balance = %s WHERE id = %s", (balance, account_id))
            cur.execute("UPDATE ledger_head SET last_entry_id = %s, last_hash = %s WHERE id = 1", (entry_id, prev))
            raw.commit()
            cur.execute("ANALYZE")
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - started


def timed_check(app):
    from marketplace.extensions import db
    from marketplace.timebank.check import check_ledger

    with app.app_context():
        return check_ledger(db.engine)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--transfers", type=int, default=500, help="transfers per worker")
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--bulk-entries", type=int, default=0,
                        help="also append this many entries by COPY and time the check over everything")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--mode", choices=("thread", "process"), default="thread",
                        help="threads in one process (default) or separate processes, like gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    server = scratch.server_url()
    name, url = scratch.create_database(server)
    print(f"scratch database {name}", flush=True)
    app = None
    try:
        app = build_app(url)
        account_ids = seed(app, args.accounts, 20 * 60)
        if args.mode == "process":
            scratch.dispose(app)  # forked children must not share the parent's connections
            run = run_processes(url, account_ids, args.workers, args.transfers, args.seed)
        else:
            run = run_workers(app, account_ids, args.workers, args.transfers, args.seed)
        print(f"{run['committed']} transfers committed, {run['refused']} refused below floor, "
              f"{run['failed']} failed, in {run['seconds']:.2f} s", flush=True)
        report = timed_check(app)
        result = {
            "workers": args.workers, "mode": args.mode, "attempted": args.workers * args.transfers, **run,
            "transfers_per_s": round(run["committed"] / run["seconds"], 1),
            "entries": report.counts.get("entries", 0), "check_s": round(report.seconds, 3),
            "violations": report.violations,
        }
        if args.bulk_entries:
            result["bulk_insert_s"] = round(bulk_append(app, args.bulk_entries, args.seed), 1)
            big = timed_check(app)
            result.update(entries=big.counts.get("entries", 0), check_s=round(big.seconds, 3),
                          violations=report.violations + big.violations,
                          check_small_s=round(report.seconds, 3))
        for finding in report.findings[:10]:
            print(f"VIOLATION [{finding.kind}] {finding.message}", flush=True)
    finally:
        if app is not None:
            scratch.dispose(app)
        if not args.keep:
            scratch.drop_database(server, name)
    result["seconds"] = round(result["seconds"], 2)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
