"""`flask --app marketplace photos prune`: remove photo files that no listing photo points at."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from ..listings.photos import orphan_photo_files

photos_cli = AppGroup("photos", help="Listing photo files under UPLOAD_DIR.")


@photos_cli.command("prune")
@click.option("--older-than", "minutes", type=click.IntRange(min=1), default=60, show_default=True,
              help="Leave files written in the last N minutes (uploads still in flight).")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def prune(minutes: int, dry_run: bool) -> None:
    """Remove photo files without a row (left by a process killed between writing them and committing)."""
    orphans = orphan_photo_files(dt.timedelta(minutes=minutes))
    for path in orphans:
        click.echo(f"{'would remove' if dry_run else 'removed'} {path.name}")
        if not dry_run:
            path.unlink(missing_ok=True)
    click.echo(f"{len(orphans)} orphan file(s){' found' if dry_run else ' removed'}")
