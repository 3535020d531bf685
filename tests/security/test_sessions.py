"""Sessions: a new one at sign-in, none surviving sign-out, a password change or a
deactivation, and cookies a script or another site cannot use.

tests/lms/test_sessions.py proves the copied-cookie cases and the new cookie at sign-in, and
tests/lms/test_security.py the cookie flags: they run here too. Added here: a session planted
before sign-in (fixation), and the flags as sent, in production too.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from lms.accounts.models import User, UserRole
from lms.accounts.passwords import hash_password
from lms.extensions import db as _db
from tests.conftest import PASSWORD, csrf_token_from
from tests.lms.test_security import (  # noqa: F401  (run here too)
    test_session_cookie_is_http_only_and_same_site,
)
from tests.lms.test_sessions import (  # noqa: F401  (run here too)
    COOKIE,
    sign_in,
    test_a_cookie_copied_before_a_password_change_is_refused_after_it,
    test_a_cookie_copied_before_deactivation_is_refused_after_it,
    test_a_cookie_copied_before_logout_is_refused_after_it,
    test_logout_needs_a_post_with_its_token,
    test_signing_in_issues_a_new_cookie,
)
from tests.security.test_headers import production_app


def session_cookie(response) -> SimpleCookie:
    """The session cookie as the response sets it (its attributes included)."""
    headers = [value for value in response.headers.getlist("Set-Cookie") if COOKIE in value]
    assert len(headers) == 1, headers
    cookie = SimpleCookie()
    cookie.load(headers[0])
    return cookie


def test_a_session_planted_before_sign_in_is_worth_nothing_after_it(app, create_user):
    """Fixation: an attacker gets a session cookie, plants it in the victim's browser, and the
    victim signs in. The attacker's copy stays a visitor's; the victim gets a new cookie."""
    attacker = app.test_client()
    attacker.get("/login")
    planted = attacker.get_cookie(COOKIE).value
    victim = app.test_client()
    victim.set_cookie(COOKIE, planted)
    assert sign_in(victim, create_user().email, PASSWORD).status_code == 302
    assert victim.get_cookie(COOKIE).value != planted
    assert victim.get("/me").status_code == 200
    response = attacker.get("/me")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_cookie_set_at_sign_in_is_http_only_and_same_site_lax(app, create_user):
    officer = create_user()
    browser = app.test_client()
    response = sign_in(browser, officer.email, PASSWORD)
    morsel = session_cookie(response)[COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert not morsel["secure"]  # development and tests run over plain HTTP
    content = app.session_interface.get_signing_serializer(app).loads(morsel.value)
    assert set(content) <= {"_user_id", "_fresh", "_id", "csrf_token", "_permanent"}
    assert len(content["_user_id"]) >= 32  # a random session token: not the account's id
    assert officer.email not in str(content)


def test_production_sets_the_session_cookie_secure_at_sign_in(tmp_path):
    app = production_app(tmp_path)
    with app.app_context():
        _db.create_all()
        root_unit_id = _db.session.execute(
            _db.text(
                "INSERT INTO org_units (code, name, kind, path, depth) "
                "VALUES ('ADM', 'Administration', 'administration', '/1/', 0) RETURNING id"
            )
        ).scalar_one()
        user = User(
            email="officer@customs.example",
            full_name="Olga Officer",
            service_number="SN-PROD-1",
            unit_id=root_unit_id,
            password_hash=hash_password(PASSWORD, fast=True),
        )
        user.role_rows = [UserRole(role="officer")]
        _db.session.add(user)
        _db.session.commit()
        browser = app.test_client()
        https = "https://lms.example"
        page = browser.get("/login", base_url=https)
        assert session_cookie(page)[COOKIE]["secure"]
        response = sign_in_over(browser, https, user.email)
        assert response.status_code == 302
        morsel = session_cookie(response)[COOKIE]
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax"
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        _db.session.remove()
        _db.engine.dispose()


def sign_in_over(browser, base_url: str, email: str):
    page = browser.get("/login", base_url=base_url)
    token = csrf_token_from(page.get_data(as_text=True))
    return browser.post(
        "/login",
        base_url=base_url,
        headers={"Referer": f"{base_url}/login"},  # checked over HTTPS (WTF_CSRF_SSL_STRICT)
        data={"email": email, "password": PASSWORD, "csrf_token": token},
    )


def test_a_form_sent_over_plain_http_to_production_says_its_cookies_need_https(tmp_path):
    """Before the TLS proxy exists, the browser keeps the Secure session cookie to itself over
    http, so every form fails its CSRF check: the page says why, not just "try again"."""
    app = production_app(tmp_path)
    http = "http://lms.example"
    page = app.test_client().get("/login", base_url=http)
    assert session_cookie(page)[COOKIE]["secure"]
    token = csrf_token_from(page.get_data(as_text=True))
    form = {"email": "officer@customs.example", "password": PASSWORD, "csrf_token": token}
    # A new client: what a browser sends back over http, without the Secure cookie.
    response = app.test_client().post("/login", base_url=http, data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Form expired" in text
    assert "reached over plain http, but its cookies require https" in text
    assert "through its https address (the TLS proxy)" in text and "LMS_LOCAL_TRIAL=1" in text

    # Over https the same refusal is the ordinary expired form.
    response = app.test_client().post("/login", base_url="https://lms.example", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Form expired" in text
    assert "cookies require https" not in text and "reload the page" in text
