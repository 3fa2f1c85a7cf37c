"""Migrations build exactly the models' schema, and undo cleanly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

import models
from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import TEST_CONFIG, truncate_all


def _empty_database(database_url, tmp_path):
    """A database with no tables at all (the fixtures pre-create them)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    engine = create_engine(database_url)
    truncate_all(database_url)
    models.Base.metadata.drop_all(engine)
    engine.dispose()
    return database_url


def _diff(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, models.Base.metadata)
    engine.dispose()
    return diff


def test_upgrade_yields_the_models_schema_and_downgrade_works(database_url, tmp_path, monkeypatch):
    url = _empty_database(database_url, tmp_path)
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            upgrade(revision="heads")
        assert _diff(url) == []
        with app.app_context():
            downgrade(revision="base")
        engine = create_engine(url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
    finally:
        with app.app_context():
            db.engine.dispose()  # close pooled connections now, not at garbage collection
        # Leave the schema the other tests expect.
        engine = create_engine(url)
        models.Base.metadata.create_all(engine)
        engine.dispose()
