"""Database engine settings: SQLite in WAL mode with a busy timeout for the embedded default;
text every database can store, on both."""

from __future__ import annotations

import re
from typing import TypeVar

from flask import Flask
from sqlalchemy import String, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

SQLITE_BUSY_TIMEOUT_MS = 15_000
_Row = TypeVar("_Row")


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


@event.listens_for(Session, "before_flush")
def _refuse_unstorable_text(session: Session, flush_context, instances) -> None:
    """Text longer than its column or holding a NUL character is refused before it is written.

    PostgreSQL refuses both (the request would end in a server error) while SQLite stores them
    silently; forms check their fields, and this is the net under every other way in (course
    zips, CSV files, the CLI), the same on both databases."""
    from lms.errors import ValidationError

    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)
            if not isinstance(value, str):
                continue
            column = attribute.columns[0]
            limit = column.type.length if isinstance(column.type, String) else None
            what = _describe(type(instance).__name__, attribute.key)
            if limit is not None and len(value) > limit:
                raise ValidationError(
                    f"The {what} is too long: {len(value)} characters, at most {limit}."
                )
            if "\x00" in value:
                raise ValidationError(
                    f"The {what} contains a NUL character, which cannot be stored."
                )


def _describe(model: str, key: str) -> str:
    """'CourseItem', 'full_name' -> "course item's full name"."""
    return f"{re.sub(r'(?<!^)(?=[A-Z])', ' ', model).lower()}'s {key.replace('_', ' ')}"


class bytewise(ColumnElement):
    """Text compared byte by byte, for ORDER BY on tree paths ('/1/2/9/'): each parent, then
    its whole subtree. SQLite compares bytes already; PostgreSQL uses the database's
    collation, and the language collations of most servers ignore the slashes (unit /1/23/
    would come between /1/2/ and /1/2/9/)."""

    inherit_cache = True
    _traverse_internals = [("element", InternalTraversal.dp_clauseelement)]

    def __init__(self, element: ColumnElement[str]) -> None:
        self.element = element
        self.type = element.type


@compiles(bytewise)
def _bytewise_default(element: bytewise, compiler, **kw) -> str:
    return compiler.process(element.element, **kw)


@compiles(bytewise, "postgresql")
def _bytewise_postgresql(element: bytewise, compiler, **kw) -> str:
    return f'{compiler.process(element.element, **kw)} COLLATE "C"'


def insert_ignoring_duplicates(table):
    """An INSERT that skips rows clashing with a unique constraint (ON CONFLICT DO NOTHING), on
    SQLite and PostgreSQL alike: for writes that two workers or requests may race to make."""
    from lms.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def get_or_raise(model: type[_Row], ident: object, message: str) -> _Row:
    """The row of `model` with primary key `ident`, or NotFound with `message` (a page says it
    with status 404): the one way services look a row up by id."""
    from lms.errors import NotFound
    from lms.extensions import db

    row = db.session.get(model, ident) if ident is not None else None
    if row is None:
        raise NotFound(message)
    return row
