"""The database under the suite: in-memory SQLite (the default run), or PostgreSQL
(`pytest --database=postgresql`, the second run of bin/test), started by the suite.

On PostgreSQL the schema is made once per session, in a database that sorts text with a
language collation as production servers do (the cluster's own is C); each test starts from it
emptied: every row deleted and every sequence restarted, in one round trip of about 20 ms,
where TRUNCATE … RESTART IDENTITY takes about 60 and CREATE DATABASE … TEMPLATE about 150.

A test takes part in the PostgreSQL run when it uses the `empty_database` fixture (the `app`
fixture does) or `shared_empty_database`; the others are skipped there, saying why: they use
no database, or start processes and apps on SQLite files of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

from config import TestingConfig

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
RESET_LOCK_TIMEOUT = "10s"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=(SQLITE, POSTGRESQL),
        default=SQLITE,
        help="the database the tests' apps use: in-memory SQLite (default), or a PostgreSQL "
        "cluster the suite starts (bin/test runs both)",
    )


def on_postgresql(config: pytest.Config) -> bool:
    return config.getoption("--database") == POSTGRESQL


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--database')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_postgresql(config):
        return
    skip = pytest.mark.skip(
        reason="SQLite run only: no test database (pure, or processes and apps on SQLite "
        "files of their own)"
    )
    for item in items:
        if not {"empty_database", "shared_empty_database"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(skip)


@dataclass
class PostgresTestDatabase:
    """The session's PostgreSQL database, with the schema; `empty()` deletes every row."""

    url: str
    connection: psycopg.Connection
    reset_sql: sql.Composed

    def empty(self) -> None:
        with self.connection.transaction():
            self.connection.execute(self.reset_sql)


def reset_statements(tables: list[str], sequences: list[str]) -> sql.Composed:
    """Every row deleted (foreign keys not checked: users and imports refer to each other),
    every id sequence back to 1, as in a new database."""
    statements = [
        sql.SQL("SET LOCAL session_replication_role = replica"),
        sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(RESET_LOCK_TIMEOUT)),
    ]
    statements += [sql.SQL("DELETE FROM {}").format(sql.Identifier(table)) for table in tables]
    statements += [
        sql.SQL("ALTER SEQUENCE {} RESTART").format(sql.Identifier(sequence))
        for sequence in sequences
    ]
    return sql.SQL("; ").join(statements)


def create_production_like_database(cluster, name: str) -> str:
    """A database that sorts text as a production server's does: a language collation that
    ignores punctuation at first (as glibc's en_US.UTF-8), where the test cluster's own is C.
    Code that orders by text, and relies on the byte order, shows it here."""
    with cluster.connect() as connection:
        try:
            connection.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' "
                    "LOCALE_PROVIDER icu ICU_LOCALE 'en-u-ka-shifted'"
                ).format(sql.Identifier(name))
            )
        except psycopg.errors.FeatureNotSupported:  # a PostgreSQL built without ICU
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return cluster.url(name)


@pytest.fixture(scope="session")
def postgres_test_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PostgresTestDatabase]:
    """The PostgreSQL run's database: the schema made once, from the models."""
    from lms import create_app
    from lms.extensions import db

    cluster = request.getfixturevalue("postgres_cluster")
    url = create_production_like_database(cluster, "lms_suite")
    app = create_app(
        TestingConfig,
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path_factory.mktemp("schema"))},
    )
    with app.app_context():
        db.create_all()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        db.session.remove()
        db.engine.dispose()
    connection = cluster.connect("lms_suite")
    sequences = [
        row[0]
        for row in connection.execute(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = "
            "'public'"
        )
    ]
    try:
        yield PostgresTestDatabase(url, connection, reset_statements(tables, sequences))
    finally:
        connection.close()


def emptied_postgres_database(request: pytest.FixtureRequest) -> str | None:
    """On the PostgreSQL run, the session's database emptied for this test (its URL)."""
    if not on_postgresql(request.config):
        return None
    database: PostgresTestDatabase = request.getfixturevalue("postgres_test_database")
    database.empty()
    return database.url


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database for this test's app: in-memory SQLite (each engine has
    its own; `create_all` makes the schema), or the PostgreSQL run's database, emptied."""
    return emptied_postgres_database(request) or TestingConfig.SQLALCHEMY_DATABASE_URI


@pytest.fixture
def shared_empty_database(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database that other connections and threads see too (a Celery worker
    thread, concurrent requests): a SQLite file, or the PostgreSQL run's database."""
    return emptied_postgres_database(request) or f"sqlite:///{tmp_path / 'lms.sqlite3'}"
