"""Shared fixtures: a fresh app and database per test, builders for data, login helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from config import TestingConfig
from lms import create_app
from lms.accounts.models import User, UserRole
from lms.accounts.passwords import hash_password
from lms.extensions import db as _db
from lms.organisation.models import JobPosition, OrgUnit

pytest_plugins = ["tests.service_fixtures", "tests.databases"]

PASSWORD = "correct horse battery staple"


class SharedTemplateCache(BytecodeCache):
    """Compiled templates kept for the whole run: every test builds a new app, and compiling
    the same templates again for each would be a good part of the suite's time."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


class RequestIsolatingClient(FlaskClient):
    """Runs each request in an app context of its own, as a server does.

    Without this, requests reuse the app context the `app` fixture holds open, and with it `g`
    (where Flask-Login caches the user: a second client would act as the first one's user) and
    the database session. After each request the test's own session is expired, so what the
    test reads next is what the request committed. Commit before making a request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


@pytest.fixture
def app(tmp_path, empty_database: str, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app on an empty database (see tests/databases.py: SQLite, or PostgreSQL)."""
    app = create_app(
        TestingConfig,
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database},
    )
    app.instance_path = str(tmp_path)
    app.test_client_class = RequestIsolatingClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    schema_made_once = request.config.getoption("--database") == "postgresql"
    with app.app_context():
        if not schema_made_once:
            _db.create_all()
        yield app
        _db.session.remove()
        if not schema_made_once and (
            _db.engine.url.get_backend_name() != "sqlite"
            or _db.engine.url.database not in (None, "", ":memory:")
        ):
            # An in-memory SQLite database goes with its engine; dropping its tables one by one
            # would trip over the users <-> user_imports foreign-key cycle. The PostgreSQL run
            # empties its database before each test instead.
            _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_unit(db) -> Callable[..., OrgUnit]:
    """Builder: create_unit("R-NORTH", parent=root, kind="region")."""

    def build(
        code: str, *, name: str | None = None, parent: OrgUnit | None = None, kind: str = "office"
    ) -> OrgUnit:
        unit = OrgUnit(code=code, name=name or f"Unit {code}", kind=kind, parent=parent)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.depth = parent.depth + 1 if parent else 0
        db.session.commit()
        return unit

    return build


@pytest.fixture
def root_unit(create_unit) -> OrgUnit:
    return create_unit("ADM", name="National Customs Administration", kind="administration")


@pytest.fixture
def create_position(db) -> Callable[..., JobPosition]:
    def build(code: str, title: str | None = None) -> JobPosition:
        position = JobPosition(code=code, title=title or f"Position {code}")
        db.session.add(position)
        db.session.commit()
        return position

    return build


@pytest.fixture
def create_user(db, root_unit) -> Callable[..., User]:
    """Builder: create_user("a@x.org", roles=("admin",), unit=some_unit)."""
    counter = iter(range(1, 1_000_000))
    password_hash = hash_password(PASSWORD, fast=True)

    def build(
        email: str | None = None,
        *,
        roles: tuple[str, ...] = ("officer",),
        unit: OrgUnit | None = None,
        position: JobPosition | None = None,
        full_name: str | None = None,
        active: bool = True,
    ) -> User:
        n = next(counter)
        user = User(
            email=(email or f"user{n}@customs.example").lower(),
            full_name=full_name or f"Test User {n}",
            service_number=f"SN{n:06d}",
            unit_id=(unit or root_unit).id,
            position_id=position.id if position else None,
            password_hash=password_hash,
            active=active,
        )
        user.role_rows = [UserRole(role=role) for role in roles]
        db.session.add(user)
        db.session.commit()
        return user

    return build


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def login_as(client) -> Callable[..., FlaskClient]:
    """Sign `user` in through the real login form; returns the client."""

    def login(user: User, password: str = PASSWORD, *, on: FlaskClient | None = None):
        browser = on or client
        token = csrf_token_from(browser.get("/login").get_data(as_text=True))
        response = browser.post(
            "/login", data={"email": user.email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return browser

    return login
