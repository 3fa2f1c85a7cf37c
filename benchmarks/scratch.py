"""A scratch PostgreSQL database and an app over it, shared by the benchmarks.

The server is $BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres);
each run creates `commons_bench_<random>` there and drops it at the end.
"""
from __future__ import annotations

import os
import secrets
import tempfile

from sqlalchemy.engine import URL, make_url

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_url() -> URL:
    return make_url(os.environ.get("BENCH_DATABASE_URL") or DEFAULT_SERVER).set(drivername="postgresql+psycopg")


def _admin(url: URL):
    import psycopg

    return psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                           password=url.password, dbname=url.database or "postgres", autocommit=True)


def create_database(server: URL) -> tuple[str, str]:
    """Create an empty database; return its name and its SQLAlchemy URL."""
    name = f"commons_bench_{secrets.token_hex(4)}"
    with _admin(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, server.set(database=name).render_as_string(hide_password=False)


def drop_database(server: URL, name: str) -> None:
    with _admin(server) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                     "AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def build_app(url: str, *, pool_size: int, max_overflow: int, **config):
    """The real app over `url`, with rate limits off and a throw-away instance folder."""
    os.environ.setdefault("COMMONS_INSTANCE_PATH", tempfile.mkdtemp(prefix="commons-bench-"))
    from marketplace import create_app

    return create_app({"COMMONS_ENV": "testing", "SECRET_KEY": "benchmark-secret-key-0123456789-abcdef",
                       "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": pool_size, "max_overflow": max_overflow},
                       **config})


def dispose(app) -> None:
    """Close the app's pooled connections (before forking workers, and at the end)."""
    from marketplace.extensions import db

    with app.app_context():
        db.engine.dispose()
