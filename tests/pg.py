"""A scratch PostgreSQL database for the test run, or the reason there is none."""
from __future__ import annotations

import os
import secrets

from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _server_url():
    raw = os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _admin_connect(url):
    import psycopg

    return psycopg.connect(
        host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
        password=url.password, dbname=url.database or "postgres", connect_timeout=3, autocommit=True,
    )


class ScratchDatabase:
    """Creates commons_test_<random> on the server and drops it at the end."""

    def __init__(self):
        self.url = None
        self.reason = ""
        self._server = _server_url()
        try:
            with _admin_connect(self._server) as conn:
                name = f"commons_test_{secrets.token_hex(4)}"
                conn.execute(f'CREATE DATABASE "{name}"')
            self.name = name
            self.url = self._server.set(database=name).render_as_string(hide_password=False)
        except Exception as exc:  # any failure means: no PostgreSQL for this run
            self.reason = f"PostgreSQL not reachable at {self._server.render_as_string()}: {exc}".strip()

    @property
    def available(self) -> bool:
        return self.url is not None

    def drop(self) -> None:
        if not self.available:
            return
        with _admin_connect(self._server) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
