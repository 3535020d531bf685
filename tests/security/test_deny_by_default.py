"""Every route × every role, deny by default.

tests/lms/test_access.py is the walk: every route of the app, for anonymous visitors and each
role, against the per-package tables of tests/access_table.py; a route without an access rule,
or without its line in a table, fails it. Its tests are imported here, so that
`bin/test tests/security` runs them too (in the whole suite they run once, in their own
module). Added here: a route without a rule that a blueprint brings, for GET and POST.
"""

from __future__ import annotations

from flask import Blueprint

from tests.lms.test_access import (  # noqa: F401  (run here too)
    endpoints_without_rule,
    test_a_route_without_a_rule_is_flagged_and_refused_to_everyone,
    test_a_user_with_several_roles_gets_the_union,
    test_an_officer_gets_403_on_every_admin_page,
    test_every_endpoint_declares_an_access_rule,
    test_every_route_answers_each_role_as_expected,
    test_the_expected_status_table_covers_every_route,
)
from tests.security.conftest import Cast
from tests.security.helpers import browser_as, token_of


def test_a_blueprints_route_without_a_rule_is_refused_for_get_and_post(app, cast: Cast, login_as):
    forgotten = Blueprint("forgotten_feature", __name__)
    secrets = []

    @forgotten.route("/forgotten-feature", methods=["GET", "POST"])
    def page():
        secrets.append("reached")
        return "secret"

    app.register_blueprint(forgotten)
    assert endpoints_without_rule(app) == ["forgotten_feature.page"]
    for user in (None, cast.officer_a, cast.trainer_a, cast.hr_north, cast.admin):
        browser = browser_as(app, login_as, user)
        token = token_of(browser, "/login")
        for response in (
            browser.get("/forgotten-feature"),
            browser.post("/forgotten-feature", data={"csrf_token": token}),
        ):
            assert response.status_code == 403
            assert "secret" not in response.get_data(as_text=True)
    assert secrets == []
