"""Admin pages for accounts: create, edit, roles, deactivation, password reset."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.lms.browsing import submit, text_of

NEW_PASSWORD = "my own long passphrase here"


@pytest.fixture
def admin_browser(create_user, login_as):
    return login_as(create_user("admin@customs.example", roles=("admin",)))


def user_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def temporary_password_in(html: str) -> str:
    match = re.search(r'<p class="secret"><code>([^<]+)</code>', html)
    assert match, "no one-time password on the page"
    return match.group(1)


def user_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "service_number": user.service_number,
        "unit_id": user.unit_id,
        "position_id": user.position_id or 0,
        "roles": sorted(user.roles),
    }
    data.update(changes)
    return data


def test_admin_creates_an_account_that_must_choose_its_password(
    app, db, admin_browser, root_unit, create_position
):
    position = create_position("INSP", "Inspector")
    response = submit(
        admin_browser,
        "/admin/users/new",
        {
            "email": "  New.Officer@Customs.Example ",
            "full_name": "Nadia Officer",
            "service_number": "SN-9001",
            "unit_id": root_unit.id,
            "position_id": position.id,
            "roles": ["officer", "trainer"],
        },
    )
    assert response.status_code == 200
    temporary = temporary_password_in(text_of(response))
    user = db.session.scalar(select(User).where(User.service_number == "SN-9001"))
    assert user.email == "new.officer@customs.example"
    assert user.roles == {"officer", "trainer"}
    assert user.position_id == position.id
    assert user.must_change_password

    newcomer = app.test_client()
    response = submit(
        newcomer, "/login", {"email": "NEW.OFFICER@customs.example", "password": temporary}
    )
    assert response.status_code == 302
    for page in ("/me", "/organisation", "/"):
        response = newcomer.get(page, follow_redirects=True)
        assert response.request.path == "/account/password", page
        assert "one-time password" in text_of(response)
    response = submit(
        newcomer,
        "/account/password",
        {
            "current_password": temporary,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert newcomer.get("/me").status_code == 200
    assert newcomer.get("/organisation").status_code == 200
    db.session.refresh(user)
    assert not user.must_change_password


def test_an_email_differing_only_in_case_is_refused(db, admin_browser, create_user, root_unit):
    create_user("anna.berg@customs.example")
    before = user_count(db)
    response = submit(
        admin_browser,
        "/admin/users/new",
        {
            "email": "Anna.Berg@CUSTOMS.example",
            "full_name": "Another Anna",
            "service_number": "SN-5555",
            "unit_id": root_unit.id,
            "position_id": 0,
            "roles": ["officer"],
        },
    )
    assert response.status_code == 200
    assert "already uses the email anna.berg@customs.example" in text_of(response)
    assert user_count(db) == before


def test_editing_to_an_email_taken_in_another_case_is_refused(db, admin_browser, create_user):
    create_user("anna.berg@customs.example")
    other = create_user("other@customs.example")
    response = submit(
        admin_browser,
        f"/admin/users/{other.id}",
        user_form(other, email="ANNA.BERG@customs.example"),
    )
    assert "already uses the email" in text_of(response)
    db.session.refresh(other)
    assert other.email == "other@customs.example"


BAD_INPUT = (
    ({"unit_id": "abc"}, "could not coerce"),
    ({"unit_id": "999999"}, "Not a valid choice"),
    ({"position_id": "999999"}, "Not a valid choice"),
    ({"roles": ["wizard"]}, "not a valid choice"),
    ({"roles": []}, "Choose at least one role."),
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"full_name": "x" * 201}, "cannot be longer than 200 characters"),
    ({"service_number": ""}, "This field is required."),
)


def test_bad_input_gets_a_message_and_changes_nothing(db, admin_browser, create_user):
    target = create_user("target@customs.example", roles=("officer",))
    for changes, message in BAD_INPUT:
        response = submit(admin_browser, f"/admin/users/{target.id}", user_form(target, **changes))
        assert response.status_code == 200, changes
        assert message in text_of(response), changes
        db.session.refresh(target)
        assert target.email == "target@customs.example"
        assert target.roles == {"officer"}
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_a_removed_role_is_gone_on_the_users_next_request(
    app, db, admin_browser, create_user, login_as
):
    hr = create_user("hr@customs.example", roles=("hr", "officer"))
    hr_browser = login_as(hr, on=app.test_client())
    assert hr_browser.get("/workforce").status_code == 200

    response = submit(admin_browser, f"/admin/users/{hr.id}", user_form(hr, roles=["officer"]))
    assert response.status_code == 302

    assert hr_browser.get("/workforce").status_code == 403
    assert hr_browser.get("/me").status_code == 200  # still signed in, as an officer

    submit(admin_browser, f"/admin/users/{hr.id}", user_form(hr, roles=["officer", "hr"]))
    assert hr_browser.get("/workforce").status_code == 200


def test_an_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(db, admin_browser):
    admin = db.session.scalar(select(User).where(User.email == "admin@customs.example"))
    response = submit(admin_browser, f"/admin/users/{admin.id}", user_form(admin, roles=["hr"]))
    assert "cannot remove your own admin role" in text_of(response)
    response = submit(admin_browser, f"/admin/users/{admin.id}/active", follow_redirects=True)
    assert "cannot deactivate your own account" in text_of(response)
    db.session.refresh(admin)
    assert admin.active
    assert admin.roles == {"admin"}
    assert admin_browser.get("/admin/").status_code == 200


def test_deactivate_then_reactivate(app, db, admin_browser, create_user):
    user = create_user("officer@customs.example")
    submit(admin_browser, f"/admin/users/{user.id}/active")
    db.session.refresh(user)
    assert not user.active
    page = text_of(admin_browser.get(f"/admin/users/{user.id}"))
    assert "This account is deactivated" in page
    assert (
        submit(app.test_client(), "/login", {"email": user.email, "password": PASSWORD}).status_code
        == 401
    )

    submit(admin_browser, f"/admin/users/{user.id}/active")
    db.session.refresh(user)
    assert user.active
    assert (
        submit(app.test_client(), "/login", {"email": user.email, "password": PASSWORD}).status_code
        == 302
    )


def test_a_password_reset_ends_sessions_and_forces_a_change(
    app, db, admin_browser, create_user, login_as
):
    user = create_user("officer@customs.example")
    user_browser = login_as(user, on=app.test_client())
    response = submit(admin_browser, f"/admin/users/{user.id}/password-reset")
    assert response.status_code == 200
    temporary = temporary_password_in(text_of(response))

    assert user_browser.get("/me").headers["Location"].startswith("/login")
    assert (
        submit(user_browser, "/login", {"email": user.email, "password": PASSWORD}).status_code
        == 401
    )
    assert (
        submit(user_browser, "/login", {"email": user.email, "password": temporary}).status_code
        == 302
    )
    assert user_browser.get("/me").headers["Location"] == "/account/password"


def test_unknown_or_malformed_user_ids_get_a_friendly_404(admin_browser):
    for user_id in ("999999", "0", "abc", "-1", "99999999999999999999999999", "2147483648"):
        url = f"/admin/users/{user_id}"
        response = admin_browser.get(url)
        assert response.status_code == 404, url
        assert "<h1>" in text_of(response)
        assert submit(admin_browser, url + "/active").status_code == 404, url


def test_user_ids_are_checked_before_any_post_action(db, admin_browser):
    response = submit(admin_browser, "/admin/users/424242/password-reset")
    assert response.status_code == 404
    assert "No user with id 424242" in text_of(response)


def test_the_account_list_takes_any_query(admin_browser):
    for query in (
        {"q": "%"},
        {"q": "_"},
        {"q": "x" * 20_000},
        {"q": "\u00e9\u00e8 \U0001f600"},
        {"page": "abc"},
        {"page": "-5"},
        {"page": "99999999999999999999999"},
        {"page": "3", "endpoint": "x", "_scheme": "javascript", "_external": "1"},
    ):
        response = admin_browser.get("/admin/users", query_string=query)
        assert response.status_code == 200, query


def test_the_account_search_takes_its_term_literally(admin_browser, create_user):
    create_user("percent@customs.example", full_name="Hundred Percent")
    create_user("plain@customs.example", full_name="Plain Name")
    page = text_of(admin_browser.get("/admin/users", query_string={"q": "%"}))
    assert "0 accounts" in page
    page = text_of(admin_browser.get("/admin/users", query_string={"q": "PERCENT"}))
    assert "Hundred Percent" in page
    assert "Plain Name" not in page


def test_the_account_list_pages_keep_the_search(admin_browser, create_user):
    for n in range(60):
        create_user(f"officer{n}@customs.example", full_name=f"Officer {n:02d}")
    page = text_of(
        admin_browser.get("/admin/users", query_string={"q": "officer", "endpoint": "x"})
    )
    assert "Page 1 of 2" in page
    assert 'href="/admin/users?q=officer&amp;endpoint=x&amp;page=2"' in page
    second = text_of(admin_browser.get("/admin/users?q=officer&page=2"))
    assert "Page 2 of 2" in second
