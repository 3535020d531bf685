"""Password policy and hashing, on their own and through the change-password page."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.passwords import (
    generate_temporary_password,
    hash_password,
    password_problems,
    verify_password,
)
from tests.conftest import PASSWORD
from tests.lms.browsing import submit, text_of

TOO_SHORT = "Use at least 12 characters."
TOO_LONG = "Use at most 256 characters."
COMMON = "This password is too common or predictable; choose another."
PERSONAL = "Do not use your name or email address in your password."


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", TOO_SHORT),
        ("short pass1", TOO_SHORT),  # 11 characters
        ("x" * 257, TOO_LONG),
        ("Password1234", COMMON),
        ("PASSWORD123456", COMMON),
        ("qwertyuiop12", COMMON),
        ("customs2026!", COMMON),
        ("welcome2025!", COMMON),
        ("Password!!!!2024", COMMON),
        ("aaaaaaaaaaaaaaaa", COMMON),
        ("abababababababab", COMMON),
        ("1234567890123", COMMON),
        ("asdfghjkl1234", COMMON),
        ("my name is Wanjiru Kamau", PERSONAL),
        ("kamau-from-the-port-2024", PERSONAL),
        ("w.kamau likes long walks", PERSONAL),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    problems = password_problems(
        password, email="w.kamau@customs.example", full_name="Wanjiru Kamau"
    )
    assert problem in problems


@pytest.mark.parametrize(
    "password",
    [
        "vivid lantern orbit",
        "exactly12chr",
        "x7#Kp2!mQz9L",
        "correct horse battery staple " * 4,  # 120 characters
        "a long phrase that goes on and on " * 7,  # 238 characters
        "\u00e9t\u00e9 \u00e0 la douane de Lom\u00e9",
        "\u6d77\u5173\u68c0\u67e5\u5458\u7684\u5bc6\u7801\u5f88\u957f\u5f88\u957f",
        "\U0001f6a2\U0001f4e6\U0001f6c3 cargo manifest",
        "\u0645\u0643\u062a\u0628 \u0627\u0644\u062c\u0645\u0627\u0631\u0643 \u0627\u0644\u0643",
    ],
)
def test_good_passwords_are_accepted(password):
    assert password_problems(password, email="w.kamau@customs.example", full_name="W Kamau") == []


def test_the_length_limits():
    assert password_problems("y" * 11 + "z")[:1] != [TOO_SHORT]
    for length in (129, 200, 256):
        candidate = ("an unusual phrase, " * 20)[:length]
        assert len(candidate) == length
        assert password_problems(candidate) == [], length
    assert password_problems("q" * 300) == [TOO_LONG]


def test_hashes_are_argon2id_and_verify_only_the_right_password():
    hashed = hash_password("vivid lantern orbit", fast=True)
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "vivid lantern orbit")
    assert not verify_password(hashed, "vivid lantern orbiT")
    assert not verify_password(None, "vivid lantern orbit")
    assert not verify_password("not-a-hash", "vivid lantern orbit")
    assert hash_password("vivid lantern orbit", fast=True) != hashed  # salted


def test_the_same_password_in_another_unicode_form_verifies():
    composed = "caf\u00e9 au lait du matin"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert verify_password(hash_password(composed, fast=True), decomposed)


def test_temporary_passwords_pass_the_policy():
    for _ in range(20):
        temporary = generate_temporary_password()
        assert password_problems(temporary) == []


def change(browser, current: str, new: str, confirm: str | None = None):
    return submit(
        browser,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm_password": confirm or new},
    )


REFUSED_CHANGES = (
    (PASSWORD, "too short", None, TOO_SHORT),
    (PASSWORD, "Password1234", None, COMMON),
    (PASSWORD, "ilse verhoeven at the port", None, PERSONAL),
    (PASSWORD, "z" * 257, None, "Field cannot be longer than 256 characters."),
    (PASSWORD, "vivid lantern orbit", "vivid lantern orbiT", "The passwords differ."),
    ("not my password", "vivid lantern orbit", None, "The current password is not correct."),
    (PASSWORD, PASSWORD, None, "Choose a password different from the current one."),
    (PASSWORD, "", None, "This field is required."),
)


def test_a_refused_change_says_why_and_changes_nothing(app, db, create_user, login_as):
    user = create_user("ilse.verhoeven@customs.example", full_name="Ilse Verhoeven")
    hash_before = user.password_hash
    browser = login_as(user)
    other_device = login_as(user, on=app.test_client())
    for current, new, confirm, message in REFUSED_CHANGES:
        response = change(browser, current, new, confirm)
        assert response.status_code == 200, message
        assert message in text_of(response)
        db.session.refresh(user)
        assert user.password_hash == hash_before
        assert other_device.get("/me").status_code == 200  # nothing was signed out


@pytest.mark.parametrize(
    "new_password",
    [
        "p" + "assphrase with many words " * 9,  # 235 characters, beyond 128
        "\u00e9t\u00e9 \u00e0 la douane de Lom\u00e9",
    ],
)
def test_long_and_unicode_passwords_work_end_to_end(app, db, create_user, login_as, new_password):
    user = create_user()
    browser = login_as(user)
    assert change(browser, PASSWORD, new_password).status_code == 302
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")
    assert new_password not in stored
    login_as(user, new_password, on=app.test_client())
    login_as(user, unicodedata.normalize("NFD", new_password), on=app.test_client())


def test_create_admin_refuses_a_weak_password(runner, root_unit):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "first@customs.example",
            "--name",
            "First Admin",
            "--service-number",
            "A-1",
            "--unit-code",
            "adm",
            "--password",
            "Password1234",
        ]
    )
    assert result.exit_code != 0
    assert COMMON in result.output
