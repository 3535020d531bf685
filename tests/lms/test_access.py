"""Deny by default: every route of the app, for every role and for anonymous visitors.

A route added without an access rule, or without a line in its package's table (see
tests/access_table.py), fails this module.
"""

from __future__ import annotations

import pytest
from flask import Flask

from lms.access import access_rule_of
from tests.access_table import ROLES, Routes, all_tables
from tests.lms.browsing import csrf_token_for, text_of

ROUTES: Routes = {route: row for table in all_tables() for route, row in table.routes.items()}
ENDPOINT_RULES = {
    endpoint: rule for table in all_tables() for endpoint, rule in table.endpoint_rules.items()
}


def registered_routes(app: Flask) -> dict[tuple[str, str], str]:
    """(method, rule) -> endpoint for every route of the app (HEAD and OPTIONS aside)."""
    return {
        (method, rule.rule): rule.endpoint
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def endpoints_without_rule(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(
            {
                rule.endpoint
                for rule in app.url_map.iter_rules()
                if not access_rule_of(rule.endpoint)
            }
        )


def table_for(app: Flask, endpoint: str) -> str:
    """Where an endpoint's line belongs: the table of the package defining its view."""
    package = app.view_functions[endpoint].__module__.split(".")[0]
    return f"tests/{package}/access_routes.py"


def test_every_endpoint_declares_an_access_rule(app):
    assert endpoints_without_rule(app) == []
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unlisted = sorted(
        f"{endpoint} -> {table_for(app, endpoint)}" for endpoint in endpoints - set(ENDPOINT_RULES)
    )
    assert unlisted == [], "endpoints missing from the access tables (tests/access_table.py)"
    assert sorted(set(ENDPOINT_RULES) - endpoints) == [], "endpoints listed but gone"
    for endpoint, expected in ENDPOINT_RULES.items():
        assert access_rule_of(endpoint) == expected, endpoint


def test_the_expected_status_table_covers_every_route(app):
    routes = registered_routes(app)
    unlisted = sorted(
        f"{method} {rule} -> {table_for(app, endpoint)}"
        for (method, rule), endpoint in routes.items()
        if (method, rule) not in ROUTES
    )
    assert unlisted == [], "routes missing from the access tables (tests/access_table.py)"
    assert sorted(set(ROUTES) - set(routes)) == [], "routes listed but gone"


def test_a_route_without_a_rule_is_flagged_and_refused_to_everyone(app, create_user, login_as):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert endpoints_without_rule(app) == ["forgotten"]
    assert ("GET", "/forgotten") not in ROUTES
    assert app.test_client().get("/forgotten").status_code == 403
    browser = login_as(create_user(roles=("admin",)))
    response = browser.get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in text_of(response)


def walk_order(route: tuple[str, str]) -> int:
    """Pages first, on the untouched objects; then actions; signing out last of all."""
    return 2 if route == ("POST", "/logout") else int(route[0] == "POST")


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(role, app, world, login_as):
    browser = app.test_client()
    if role != "anonymous":
        login_as(world.users[role], on=browser)
    token = csrf_token_for(browser)
    failures = []
    for method, rule in sorted(ROUTES, key=walk_order):
        url_template, expected = ROUTES[(method, rule)]
        url = world.url(url_template)
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.post(url, data={"csrf_token": token})
        response.close()  # static files are served from an open file
        if response.status_code != expected[role]:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
        elif role == "anonymous" and response.status_code == 302 and rule != "/":
            assert response.headers["Location"].startswith("/login"), url
        assert response.status_code < 500, f"{method} {url}"
    assert failures == []


def test_an_officer_gets_403_on_every_admin_page(app, world, create_user, login_as):
    browser = login_as(create_user(roles=("officer",)))
    token = csrf_token_for(browser)
    admin_routes = [route for route in registered_routes(app) if route[1].startswith("/admin")]
    assert len(admin_routes) >= 20
    for method, rule in admin_routes:
        url = world.url(ROUTES[(method, rule)][0])
        response = browser.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 403, f"{method} {url}"
        assert "does not have access" in text_of(response)


def test_a_user_with_several_roles_gets_the_union(app, world, create_user, login_as):
    browser = login_as(create_user(roles=("officer", "trainer", "hr")))
    assert browser.get("/organisation").status_code == 200
    assert browser.get("/workforce").status_code == 200
    assert browser.get("/admin/").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, world, create_user, login_as):
    response = client.get("/admin/users?q=smith")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/users?q%3Dsmith"
    admin = create_user("boss@customs.example", roles=("admin",))
    token = csrf_token_for(client)
    signed_in = client.post(
        response.headers["Location"],
        data={
            "email": admin.email,
            "password": "correct horse battery staple",
            "csrf_token": token,
        },
    )
    assert signed_in.headers["Location"] == "/admin/users?q=smith"


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("admin", "/admin/"),
        ("hr", "/workforce"),
        ("trainer", "/author/courses"),
        ("officer", "/my/learning"),
    ],
)
def test_each_role_lands_on_its_home_page(role, home, client, create_user, login_as):
    login_as(create_user(roles=(role,)))
    response = client.get("/")
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200
