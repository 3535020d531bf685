"""Sessions that really end, and sign-in throttling that reveals nothing."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from config import TestingConfig
from lms import create_app
from lms.accounts.models import LoginFailure, UserSession
from lms.extensions import db as _db
from tests.conftest import PASSWORD, RequestIsolatingClient
from tests.lms.browsing import csrf_token_for, submit, text_of

COOKIE = "lms_session"
NEW_PASSWORD = "a different and long passphrase"
LOCK_MESSAGE = "Too many failed sign-ins for this account"
WRONG_MESSAGE = "The email or password is not correct."


def copy_session_cookie(source: FlaskClient, app) -> FlaskClient:
    """A fresh browser holding only a copy of `source`'s session cookie."""
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None and cookie.value
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def sign_in(browser: FlaskClient, email: str, password: str):
    return submit(browser, "/login", {"email": email, "password": password})


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, create_user, login_as):
    login_as(create_user("officer@customs.example"))
    thief = copy_session_cookie(client, app)
    assert thief.get("/me").status_code == 200  # the copy works while the session lives

    assert_sent_to_login(submit(client, "/logout"))

    assert_sent_to_login(thief.get("/me"))
    assert_sent_to_login(client.get("/me"))


def test_a_cookie_copied_before_a_password_change_is_refused_after_it(
    app, client, create_user, login_as
):
    user = create_user("officer@customs.example")
    login_as(user)
    other_device = login_as(user, on=app.test_client())
    thief = copy_session_cookie(client, app)

    response = submit(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302

    assert_sent_to_login(thief.get("/me"))
    assert_sent_to_login(other_device.get("/me"))
    assert client.get("/me").status_code == 200  # the browser that changed it gets a new session
    assert client.get_cookie(COOKIE).value != thief.get_cookie(COOKIE).value
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 401
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_a_cookie_copied_before_deactivation_is_refused_after_it(
    app, client, create_user, login_as
):
    user = create_user("officer@customs.example")
    login_as(user)
    thief = copy_session_cookie(client, app)
    admin = login_as(create_user(roles=("admin",)), on=app.test_client())

    response = submit(admin, f"/admin/users/{user.id}/active")
    assert response.status_code == 302
    assert "its sessions have ended" in text_of(admin.get(response.headers["Location"]))

    assert_sent_to_login(thief.get("/me"))
    assert_sent_to_login(client.get("/me"))
    assert _db.session.scalar(select(func.count()).where(UserSession.user_id == user.id)) == 0


def test_a_deactivated_user_cannot_sign_in_and_is_told_nothing_more(app, create_user):
    user = create_user("gone@customs.example", active=False)
    response = sign_in(app.test_client(), user.email, PASSWORD)
    assert response.status_code == 401
    assert WRONG_MESSAGE in text_of(response)


def test_logout_needs_a_post_with_its_token(client, create_user, login_as):
    login_as(create_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/me").status_code == 200  # still signed in


def test_signing_in_issues_a_new_cookie(app, client, create_user):
    user = create_user()
    client.get("/login")
    before = client.get_cookie(COOKIE).value
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    assert client.get_cookie(COOKIE).value != before


def test_sign_in_with_the_email_in_another_case(client, create_user):
    create_user("anna.berg@customs.example")
    assert sign_in(client, "  Anna.Berg@CUSTOMS.example ", PASSWORD).status_code == 302
    assert client.get("/me").status_code == 200


def test_sign_in_returns_only_to_pages_of_this_site(app, create_user):
    user = create_user()
    for next_url, lands_on in (
        ("/workforce?q=a", "/workforce?q=a"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
    ):
        browser = app.test_client()
        response = browser.post(
            "/login",
            query_string={"next": next_url},
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token_for(browser)},
        )
        assert response.headers["Location"] == lands_on, next_url


def normalised(html: str) -> str:
    """A sign-in page without what legitimately varies: the token, the email typed, the time."""
    html = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)
    html = re.sub(r'value="[^"]*@customs\.example"', "", html)
    return re.sub(r"\d\d:\d\d", "HH:MM", html)


def fail_eleven_times(app, email: str) -> list[tuple[int, str]]:
    """Ten wrong passwords, then the right one (for the existing account)."""
    browser = app.test_client()
    answers = []
    for attempt in range(11):
        password = PASSWORD if attempt == 10 else f"wrong password {attempt}"
        response = sign_in(browser, email, password)
        answers.append((response.status_code, normalised(text_of(response))))
    return answers


def test_ten_failures_lock_the_account_even_for_the_right_password(app, create_user):
    user = create_user("target@customs.example")
    answers = fail_eleven_times(app, user.email)
    statuses = [status for status, _ in answers]
    assert statuses == [401] * 11
    assert all(WRONG_MESSAGE in page for _, page in answers[:9])
    assert all(LOCK_MESSAGE in page for _, page in answers[9:])  # the 10th failure locks
    assert _db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    # Another browser, another address: the lock is on the account.
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token_for(other)},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 401
    assert LOCK_MESSAGE in text_of(response)


def test_an_unknown_email_gets_exactly_the_same_answers(app, create_user):
    user = create_user("target@customs.example")
    existing = fail_eleven_times(app, user.email)
    unknown = fail_eleven_times(app, "nobody@customs.example")
    assert unknown == existing


def test_the_lock_ends_after_the_window(app, create_user, db):
    user = create_user("target@customs.example")
    fail_eleven_times(app, user.email)
    window = app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = failure.at.replace(year=failure.at.year - 1)
    db.session.commit()
    assert window > 0
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


@pytest.fixture
def limited_app(tmp_path):
    """An app with the per-address limit switched on (tests switch it off elsewhere)."""
    limited = create_app(
        TestingConfig,
        {
            "INSTANCE_PATH": str(tmp_path),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT_PER_ADDRESS": "5 per 15 minutes",
        },
    )
    limited.test_client_class = RequestIsolatingClient
    with limited.app_context():
        _db.create_all()
        yield limited
        _db.session.remove()
        _db.engine.dispose()


def test_the_per_address_limit_stops_one_address_trying_many_accounts(limited_app):
    browser = limited_app.test_client()
    token = csrf_token_for(browser)
    statuses = []
    for n in range(6):
        response = browser.post(
            "/login",
            data={"email": f"guess{n}@customs.example", "password": "x" * 12, "csrf_token": token},
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    assert "Too many requests from your address" in text_of(response)
    elsewhere = limited_app.test_client()
    response = elsewhere.post(
        "/login",
        data={
            "email": "a@customs.example",
            "password": "x" * 12,
            "csrf_token": csrf_token_for(elsewhere),
        },
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 401  # another address is not held back


def test_two_browsers_are_two_people(app, client, create_user, login_as):
    login_as(create_user(roles=("admin",)))
    assert client.get("/admin/").status_code == 200
    assert_sent_to_login(app.test_client().get("/admin/"))


def test_an_account_without_a_password_cannot_sign_in(app, db, create_user):
    user = create_user("imported@customs.example")
    user.password_hash = None  # as the CSV import leaves it until an admin resets it
    db.session.commit()
    for password in (PASSWORD, "x" * 12):
        response = sign_in(app.test_client(), user.email, password)
        assert response.status_code == 401
        assert WRONG_MESSAGE in text_of(response)
