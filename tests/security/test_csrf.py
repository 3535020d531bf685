"""Cross-site request forgery: every state-changing request needs the session's own token,
and no GET changes anything.

Every POST route of the app (the access tables list them all: tests/lms/test_access.py fails
on one that is missing), as a role allowed to use it, is sent with no token, a forged token,
and a valid token of another session: each is refused with 400, and no row of any table
changes. tests/lms/test_security.py's GET walk (every role, odd queries too) runs here as well.
"""

from __future__ import annotations

import io

from tests.lms.test_security import (  # noqa: F401  (the GET walk, run here too)
    test_no_get_changes_anything_and_odd_queries_never_500,
)
from tests.security.conftest import Cast
from tests.security.helpers import ROUTES, browser_as, fingerprint, token_of


def post_routes() -> list[tuple[str, str, str]]:
    """(rule, URL template, a role the route serves) for every POST route: signing in is for
    visitors, the rest for the first role not refused."""
    found = []
    for (method, rule), (url, statuses) in sorted(ROUTES.items()):
        if method == "POST":
            role = (
                "anonymous"
                if rule == "/login"
                else next(r for r in ("admin", "hr", "trainer", "officer") if statuses[r] != 403)
            )
            found.append((rule, url, role))
    return found


def test_every_post_without_the_sessions_token_is_refused_and_changes_nothing(
    app, db, cast: Cast, login_as
):
    world = cast.world
    users = {**world.users, "anonymous": None}
    browsers = {role: browser_as(app, login_as, user) for role, user in users.items()}
    elsewhere = browser_as(app, login_as, cast.officer_b)
    stolen = token_of(elsewhere, "/me")  # valid, but for another session
    before = fingerprint(db)
    routes = post_routes()
    assert len(routes) >= 40
    failures = []
    for rule, url, role in routes:
        browser = browsers[role]
        for token in (None, "forged-token", stolen):
            data = {
                "title": "x",
                "name": "x",
                "note": "x",
                "reason": "x",
                "file": (io.BytesIO(b"email,full_name\n"), "x.csv"),
            }
            if token is not None:
                data["csrf_token"] = token
            response = browser.post(world.url(url), data=data, content_type="multipart/form-data")
            if response.status_code != 400:
                failures.append((rule, role, token, response.status_code))
    assert failures == []
    assert fingerprint(db) == before
    for role, browser in browsers.items():
        if role != "anonymous":  # the refused sign-outs left everyone signed in
            assert browser.get("/me").status_code == 200, role


def test_anonymous_gets_change_nothing(app, db, cast: Cast):
    """The walk above covers the four roles; a visitor who is not signed in, here."""
    visitor = app.test_client()
    before = fingerprint(db)
    for (method, _rule), (url, _statuses) in ROUTES.items():
        if method == "GET":
            response = visitor.get(cast.world.url(url))
            assert response.status_code < 500, url
            response.close()
    assert fingerprint(db) == before
