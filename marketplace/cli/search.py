"""`flask --app marketplace search rebuild|sync|check`."""
from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from search import check, drain, rebuild
from search.indexer import pending_count, requeue_passed_occurrences

from ..search_integration import index_dir, session_factory

search_cli = AppGroup("search", help="The search index (derived from SQL; never the source of truth).")


@search_cli.command("rebuild")
@click.option("--procs", default=None, type=int,
              help="Indexing processes (default: 2 on machines with 2+ cores).")
def rebuild_command(procs: int | None) -> None:
    """Recreate the index from the database, with a progress bar."""
    procs = procs or min(2, os.cpu_count() or 1)
    sizes = {}
    bar_holder = {}

    def total(n: int) -> None:
        sizes["total"] = n
        bar_holder["bar"] = click.progressbar(length=n, label="Indexing listings", show_pos=True)
        bar_holder["bar"].__enter__()

    def progress(step: int) -> None:
        bar_holder["bar"].update(step)

    try:
        count = rebuild(session_factory(), index_dir(), procs=procs, progress=progress, total=total)
    finally:
        if "bar" in bar_holder:
            bar_holder["bar"].__exit__(None, None, None)
    click.echo(f"Indexed {count} public listing(s) into {index_dir()}.")


@search_cli.command("sync")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the index lock.")
def sync_command(timeout: float) -> None:
    """Apply pending changes (the outbox) to the index now."""
    queued = requeue_passed_occurrences(session_factory(), index_dir())
    result = drain(session_factory(), index_dir(), timeout=timeout)
    with session_factory()() as session:
        left = pending_count(session)
    click.echo(f"Applied {result.rows} change(s): {result.indexed} indexed, {result.removed} removed"
               + (f"; {queued} listing(s) with a passed date refreshed" if queued else "")
               + (f"; {left} still pending (index busy, run again)" if left else "") + ".")
    if left and result.locked:
        raise SystemExit(1)


@search_cli.command("check")
def check_command() -> None:
    """Compare the index with the database; exit 1 on drift."""
    report = check(session_factory(), index_dir())
    click.echo(f"Public listings: {report.public}; documents: {report.indexed}; pending changes: {report.pending}.")
    if not report.schema_ok:
        click.echo("The index is missing or has an old schema: run `flask search rebuild`.")
    for label, ids in (("missing from the index", report.missing), ("in the index but not public", report.extra),
                       ("outdated in the index", report.stale)):
        if ids:
            shown = ", ".join(str(i) for i in ids[:20]) + (" ..." if len(ids) > 20 else "")
            click.echo(f"{len(ids)} listing(s) {label}: {shown}")
    if report.drift:
        click.echo("Drift found: run `flask search sync`, then `flask search rebuild` if it remains.")
        raise SystemExit(1)
    click.echo("Index and database agree.")
