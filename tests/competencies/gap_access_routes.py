"""The routes of the profile, required-levels and skills-matrix pages and what each role gets
from them (see tests/access_table.py). Merged into the competencies table in
tests/competencies/access_routes.py:

    routes={**FRAMEWORK_ROUTES, **GAP_ROUTES},
    endpoint_rules={**FRAMEWORK_ENDPOINT_RULES, **GAP_ENDPOINT_RULES},

The walk's {user} is an officer in a region, {position} a job position; its HR user sits at
the administration, so the officer is within HR's scope.
"""

from __future__ import annotations

from tests.access_table import OFFICER_PAGE, statuses

OFFICER = frozenset({"officer"})
TRAINER = frozenset({"trainer"})
STAFF = frozenset({"hr", "admin"})
STAFF_PAGE = statuses(302, 403, 403, 200, 200)
# Posted without data, the required levels change nothing and the page reloads.
STAFF_REDIRECT = statuses(302, 403, 403, 302, 302)

GAP_ROUTES = {
    ("GET", "/profile"): ("/profile", OFFICER_PAGE),
    # Another officer's profile: refused to officers, open to trainers, HR in scope, admins.
    ("GET", "/profile/<int:user_id>"): ("/profile/{user}", statuses(302, 403, 200, 200, 200)),
    # A rating posted without data shows the profile again with the form's errors.
    ("POST", "/profile/<int:user_id>/ratings"): (
        "/profile/{user}/ratings",
        statuses(302, 403, 200, 403, 403),
    ),
    ("GET", "/profiles"): ("/profiles", statuses(302, 403, 200, 200, 200)),
    ("GET", "/positions"): ("/positions", STAFF_PAGE),
    ("GET", "/positions/<int:position_id>/requirements"): (
        "/positions/{position}/requirements",
        STAFF_PAGE,
    ),
    ("POST", "/positions/<int:position_id>/requirements"): (
        "/positions/{position}/requirements",
        STAFF_REDIRECT,
    ),
    ("GET", "/matrix"): ("/matrix", STAFF_PAGE),
    ("GET", "/matrix/rollup"): ("/matrix/rollup", STAFF_PAGE),
    ("GET", "/matrix/readiness"): ("/matrix/readiness", STAFF_PAGE),
    ("GET", "/matrix/cell"): ("/matrix/cell", STAFF_PAGE),
    ("GET", "/matrix/export.<any(csv, xlsx):fmt>"): ("/matrix/export.xlsx", STAFF_PAGE),
}

GAP_ENDPOINT_RULES = {
    "profiles.my_profile": OFFICER,
    "profiles.profile": frozenset({"officer", "trainer", "hr", "admin"}),
    "profiles.add_rating": TRAINER,
    "profiles.search": frozenset({"trainer", "hr", "admin"}),
    "requirements.positions": STAFF,
    "requirements.edit": STAFF,
    "matrix.index": STAFF,
    "matrix.rollup": STAFF,
    "matrix.readiness": STAFF,
    "matrix.cell": STAFF,
    "matrix.export": STAFF,
}
