"""Database engine settings: SQLite in WAL mode with a busy timeout for the embedded default."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 15_000


def configure_database(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif uri.startswith("postgres://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgres://") :]
    elif uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + uri[len("postgresql://") :]
        )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_begin_before_savepoint(conn, name) -> None:
    # pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT issued
    # first starts one itself, and its RELEASE then commits: the write would survive a later
    # rollback. Opening the transaction first keeps savepoints nested, as on PostgreSQL.
    dbapi_connection = conn.connection.dbapi_connection
    if type(dbapi_connection).__module__.startswith("sqlite3") and not (
        dbapi_connection.in_transaction
    ):
        dbapi_connection.execute("BEGIN")


def commit_keeping_loaded_state() -> None:
    """Commit without expiring what the session has loaded, for a view that goes on to render
    what it has just written: after a plain commit each object used again (the signed-in user
    too) is reloaded, one query at a time."""
    from lms.extensions import db

    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def insert_ignoring_duplicates(table):
    """An INSERT that skips rows clashing with a unique constraint (ON CONFLICT DO NOTHING), on
    SQLite and PostgreSQL alike: for writes that two workers or requests may race to make."""
    from lms.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()
