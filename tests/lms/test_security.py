"""Headers, CSRF, friendly error pages, and pages that change nothing on GET or 500 on odd input."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from lms.access import allow_authenticated, allow_public
from lms.accounts.models import User
from lms.extensions import db as _db
from tests.conftest import PASSWORD
from tests.lms.browsing import csrf_token_for, text_of


@pytest.fixture
def admin(create_user):
    return create_user("ada@customs.example", roles=("admin",), full_name="Ada Admin")


@pytest.fixture
def admin_browser(admin, login_as):
    return login_as(admin)


def get_urls(world, *, read_only: bool = False) -> list[str]:
    """The GET URLs of every table; only those that write nothing when `read_only`."""
    return [
        world.url(url)
        for table in world.tables
        for (method, rule), (url, _) in table.routes.items()
        if method == "GET" and not (read_only and rule in table.writing_gets)
    ]


def test_security_headers_on_pages_and_errors(client, admin_browser):
    for response in (
        client.get("/login"),
        client.get("/no-such-page"),
        admin_browser.get("/admin/users"),
    ):
        csp = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client, create_user):
    user = create_user()
    client.get("/login")
    cookie = client.get_cookie("lms_session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert user.email not in cookie.value  # the cookie holds a token, not the account


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_pages_have_no_inline_scripts_or_styles(app, login_as, world, role):
    browser = login_as(world.users[role], on=app.test_client())
    for url in get_urls(world):
        response = browser.get(url)
        response.close()
        if response.mimetype != "text/html":
            continue
        html = text_of(response)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_the_404_page_is_friendly(client, admin_browser):
    for browser in (client, admin_browser):
        response = browser.get("/admin/nothing-here")
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        page = text_of(response)
        assert "<h1>Page not found</h1>" in page
        assert "There is no page at /admin/nothing-here." in page
        assert 'href="/"' in page


def test_the_405_page_is_friendly(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert "<h1>Method Not Allowed</h1>" in text_of(response)


@pytest.fixture
def failing_routes(app):
    """Routes that fail, on the test app; PROPAGATE_EXCEPTIONS off as in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @allow_public
    def explode():
        raise RuntimeError("secret internals /srv/app/db.py line 42")

    @allow_authenticated
    def break_the_transaction():
        # A duplicate service number: the flush fails and leaves the session needing a rollback.
        existing = _db.session.scalar(select(User))
        _db.session.add(
            User(
                email="clash@customs.example",
                full_name="Clash",
                service_number=existing.service_number,
                unit_id=existing.unit_id,
            )
        )
        _db.session.flush()

    app.add_url_rule("/test-only/explode", "explode", explode)
    app.add_url_rule("/test-only/break", "break_the_transaction", break_the_transaction)


def test_a_500_shows_a_friendly_page_without_internals(app, failing_routes):
    response = app.test_client().get("/test-only/explode")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = text_of(response)
    assert "<h1>Something went wrong</h1>" in page
    assert "Nothing you submitted was half-saved" in page
    assert "secret internals" not in page and "Traceback" not in page
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_500_after_a_failed_flush_still_renders_for_the_signed_in_user(
    app, failing_routes, admin, login_as
):
    browser = login_as(admin, on=app.test_client())
    response = browser.get("/test-only/break")
    assert response.status_code == 500
    page = text_of(response)
    assert "<h1>Something went wrong</h1>" in page
    assert "Ada Admin" in page  # the header still shows who is signed in
    assert _db.session.scalar(select(User).where(User.email == "clash@customs.example")) is None


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(db, admin_browser, world):
    before = snapshot(db)
    for url, data in (
        ("/admin/users/{user}/active", {}),
        ("/admin/users/{user}/password-reset", {}),
        ("/admin/users/new", {"email": "x@customs.example", "full_name": "X", "roles": "officer"}),
        ("/admin/units/new", {"code": "NEW", "name": "New", "kind": "office"}),
        ("/admin/imports/{import}/confirm", {}),
        ("/logout", {}),
    ):
        response = admin_browser.post(world.url(url), data=data)
        assert response.status_code == 400, url
        assert "<h1>Form expired</h1>" in text_of(response)
        response = admin_browser.post(world.url(url), data={**data, "csrf_token": "forged"})
        assert response.status_code == 400, url
    assert snapshot(db) == before
    assert admin_browser.get("/admin/").status_code == 200  # still signed in


def test_sign_in_without_a_token_is_refused(client, create_user):
    user = create_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/me").status_code == 302


def snapshot(db) -> dict[str, list]:
    """Every row of every table."""
    db.session.expire_all()
    return {
        table.name: sorted(map(repr, db.session.execute(table.select()).all()))
        for table in db.metadata.sorted_tables
    }


ODD_QUERY = {
    "page": "-1",
    "q": "x" * 10_000,
    "unit": "abc",
    "position": "99999999999999999999",
    "since": "2024-99-99",
    "until": "9999-12-31",
    "target_id": "1e309",
    "action": "<script>alert(1)</script>",
    "next": "//evil.example",
    "\u00e9\u00e8": "\U0001f600",
}


RAW_ODD_QUERY = "q=%FF%FE%00&page=%00&unit=%C0%AF&since=%E2%80%AE&" + "x=y&" * 500


@pytest.mark.parametrize("role", ["officer", "trainer", "hr", "admin"])
def test_no_get_changes_anything_and_odd_queries_never_500(app, db, login_as, world, role):
    browser = login_as(world.users[role], on=app.test_client())
    before = snapshot(db)
    for url in get_urls(world, read_only=True):
        for query in (None, ODD_QUERY, RAW_ODD_QUERY):
            response = browser.get(url, query_string=query)
            assert response.status_code < 500, (url, query)
            if response.mimetype == "text/html":
                assert "<script>alert(1)</script>" not in text_of(response)
            response.close()
    assert snapshot(db) == before


def test_an_upload_over_the_size_limit_gets_a_friendly_413(app, admin_browser):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = admin_browser.post(
        "/admin/imports/",
        data={"file": (io.BytesIO(b"x" * 4096), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "<h1>Request Entity Too Large</h1>" in text_of(response)


ODD_FORM = {
    "email": "\x00<b>@customs.example",
    "full_name": "\u00e9" * 500,
    "service_number": "1" * 100,
    "unit_id": "abc",
    "parent_id": "99999999999999999999",
    "position_id": "-1",
    "roles": ["wizard", "admin", ""],
    "code": "x" * 1000,
    "name": "\x00",
    "kind": "castle",
    "title": "",
    "description": "x" * 10_000,
    "current_password": "\u00ff" * 3,
    "new_password": "y" * 1000,
    "confirm_password": "z",
    "password": "p" * 300,
}


def test_odd_form_input_never_500s(app, login_as, world):
    """Every form of the app as an admin, with nonsense in every field it might read."""
    browser = login_as(world.users["admin"], on=app.test_client())
    token = csrf_token_for(browser)
    for table in world.tables:
        for (method, rule), (url, _) in table.routes.items():
            if method != "POST" or rule == "/logout":
                continue
            response = browser.post(world.url(url), data={**ODD_FORM, "csrf_token": token})
            assert response.status_code < 500, rule
