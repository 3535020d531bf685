"""`flask db upgrade` builds the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from config import TestingConfig
from lms import create_app
from lms.extensions import db


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh database on the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lms.sqlite3'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def migrated_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on the empty database, inside an app context, after `flask db upgrade`."""
    app = create_app(
        TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        flask_migrate.upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def model_tables() -> set[str]:
    return set(db.metadata.tables)


def test_upgrade_builds_every_table_from_empty(migrated_app):
    tables = set(inspect(db.engine).get_table_names())
    assert tables == model_tables() | {"alembic_version"}


def test_models_and_migrations_agree(migrated_app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "the models differ from the migrated schema: run `flask db migrate`"


def test_downgrade_to_base_removes_every_table(migrated_app):
    flask_migrate.downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()  # and the way back up still works
    assert set(inspect(db.engine).get_table_names()) == model_tables() | {"alembic_version"}
