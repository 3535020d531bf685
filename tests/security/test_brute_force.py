"""Password guessing: the 11th failure within the window finds the account locked for a while,
and nothing tells an existing account from an unknown email.

tests/lms/test_sessions.py proves the lock (even the right password is refused once ten
failures fall in the window), identical answers for an unknown email, the end of the lock
after the window, and the per-address limit: those run here too. Added here: spellings of one
email share its lock, and the lock holds to the end of the window.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.accounts.models import LoginFailure
from lms.extensions import db
from tests.conftest import PASSWORD
from tests.lms.test_sessions import (  # noqa: F401  (run here too)
    LOCK_MESSAGE,
    fail_eleven_times,
    limited_app,
    normalised,
    sign_in,
    test_an_unknown_email_gets_exactly_the_same_answers,
    test_ten_failures_lock_the_account_even_for_the_right_password,
    test_the_lock_ends_after_the_window,
    test_the_per_address_limit_stops_one_address_trying_many_accounts,
)


def test_spellings_of_one_email_share_its_lock(app, create_user):
    """Upper case and spaces are the same account: guessing cannot spread over spellings."""
    email = create_user().email
    spellings = [email, email.upper(), f"  {email}", email.title(), f"{email}  "]
    browser = app.test_client()
    for attempt in range(10):
        response = sign_in(browser, spellings[attempt % len(spellings)], f"wrong {attempt}")
        assert response.status_code == 401
    response = sign_in(app.test_client(), email.upper(), PASSWORD)
    assert response.status_code == 401
    assert LOCK_MESSAGE in response.get_data(as_text=True)


def test_the_lock_holds_until_the_window_ends_and_looks_the_same_for_anyone(app, create_user):
    email = create_user().email
    fail_eleven_times(app, email)
    fail_eleven_times(app, "nobody.here@customs.example")
    window = app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    # The failures are now nearly a window old: a minute before it ends, still locked.
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at -= timedelta(seconds=window - 60)
    db.session.commit()
    answers = []
    for who in (email, "nobody.here@customs.example"):
        response = sign_in(app.test_client(), who, PASSWORD)
        answers.append((response.status_code, normalised(response.get_data(as_text=True))))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401 and LOCK_MESSAGE in answers[0][1]
