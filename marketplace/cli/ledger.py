"""`flask --app marketplace ledger check`: is every time-bank invariant true?"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..extensions import db
from ..timebank.check import check_ledger

ledger_cli = AppGroup("ledger", help="Time-bank ledger tools.")


@ledger_cli.command("check")
@click.option("--no-chain", is_flag=True, help="Skip the hash-chain walk (sums and balances only).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def check(no_chain: bool, as_json: bool) -> None:
    """Verify transfer sums, the zero total, cached balances and holds, floors
    and the entry hash chain. Exits with status 1 on any violation."""
    report = check_ledger(db.engine, verify_chain=not no_chain)
    if as_json:
        click.echo(json.dumps({"ok": report.ok, "violations": report.violations, "seconds": round(report.seconds, 3),
                               **report.counts, "findings": [f.__dict__ for f in report.findings]}))
    else:
        counts = ", ".join(f"{n} {k}" for k, n in report.counts.items())
        click.echo(f"Checked {counts} in {report.seconds:.2f} s.")
        for finding in report.findings:
            click.echo(f"VIOLATION [{finding.kind}] {finding.message}")
        if report.ok:
            click.echo("Ledger OK: every transfer sums to zero, the total is zero, cached balances and holds match, "
                       "no account is below its floor" + ("." if no_chain else ", the hash chain is intact."))
        else:
            shown = len(report.findings)
            more = f" (showing {shown})" if shown < report.violations else ""
            click.echo(f"Ledger check FAILED: {report.violations} violation(s){more}.")
    if not report.ok:
        raise SystemExit(1)
