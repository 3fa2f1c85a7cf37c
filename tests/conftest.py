"""Fixtures: the same tests run on SQLite and on a scratch PostgreSQL database.

Every test gets a fresh schema state: a copy of a template SQLite file, or a
PostgreSQL database whose tables are truncated after the test. Tests use the
client for HTTP and open `app.app_context()` blocks for direct database
work (a context left pushed would be shared with the client's requests).
"""
from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import create_engine, text

import models
from marketplace import create_app
from marketplace.extensions import db
from tests.pg import ScratchDatabase

PG: ScratchDatabase | None = None


def pytest_configure(config):
    global PG
    PG = ScratchDatabase()
    if os.environ.get("CI") and not PG.available:
        raise pytest.UsageError(f"CI needs PostgreSQL and it is missing: {PG.reason}")


def pytest_unconfigure(config):
    if PG is not None:
        PG.drop()


def _pg_status() -> str:
    if PG is None:
        return "PostgreSQL: not checked"
    if PG.available:
        return f"PostgreSQL: tests run against scratch database {PG.name}"
    return f"PostgreSQL: tests marked 'postgres' are SKIPPED because {PG.reason}"


def pytest_report_header(config):
    return _pg_status()


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(_pg_status())


TEST_CONFIG = {
    "COMMONS_ENV": "testing",
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "WTF_CSRF_ENABLED": False,
    # Fast hashing in tests only; production keeps scrypt.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SERVER_NAME": "localhost",
}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    models.Base.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url():
    if PG is None or not PG.available:
        pytest.skip(PG.reason if PG else "PostgreSQL not configured")
    engine = create_engine(PG.url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    return PG.url


def truncate_all(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in models.Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        yield url
        truncate_all(url)
    else:
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"


@pytest.fixture
def make_app(database_url, tmp_path, monkeypatch):
    """Build an app with extra settings: make_app(STRIPE_SECRET_KEY=...)."""
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    built = []

    def _make(**overrides):
        config = dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url,
                      SEARCH_INDEX_DIR=str(tmp_path / "index"), UPLOAD_DIR=str(tmp_path / "uploads"))
        config.update(overrides)
        application = create_app(config)
        built.append(application)
        return application

    yield _make
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    """A pushed app context and its session, for service-level tests that do
    not use the HTTP client."""
    with app.app_context():
        yield db.session
        db.session.rollback()
