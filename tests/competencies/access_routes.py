"""The competencies package's routes and what each role gets from them (see
tests/access_table.py)."""

from __future__ import annotations

from competencies.services.frameworks import competencies_by_code, ensure_default_frameworks
from lms.accounts.models import User
from tests.access_table import RouteTable, statuses
from tests.competencies.gap_access_routes import GAP_ENDPOINT_RULES, GAP_ROUTES

STAFF = frozenset({"hr", "admin"})
STAFF_PAGE = statuses(302, 403, 403, 200, 200)
# The confirmation needs the checked file: posted without it, it is refused.
STAFF_REFUSED = statuses(302, 403, 403, 400, 400)


def create_objects(users: dict[str, User]) -> dict[str, int | str]:
    """The default frameworks; the URLs name the operational one and its valuation."""
    frameworks = {framework.code: framework for framework in ensure_default_frameworks()}
    return {
        "framework": frameworks["CUSTOMS-OPS"].id,
        "competency": competencies_by_code({"OPS-VAL"})["OPS-VAL"].id,
    }


FRAMEWORK_ROUTES = {
    ("GET", "/frameworks/"): ("/frameworks/", STAFF_PAGE),
    ("GET", "/frameworks/<int:framework_id>"): ("/frameworks/{framework}", STAFF_PAGE),
    # A POST without data shows the form again with its errors.
    ("GET", "/frameworks/<int:framework_id>/edit"): ("/frameworks/{framework}/edit", STAFF_PAGE),
    ("POST", "/frameworks/<int:framework_id>/edit"): ("/frameworks/{framework}/edit", STAFF_PAGE),
    ("GET", "/frameworks/<int:framework_id>/competencies/new"): (
        "/frameworks/{framework}/competencies/new",
        STAFF_PAGE,
    ),
    ("POST", "/frameworks/<int:framework_id>/competencies/new"): (
        "/frameworks/{framework}/competencies/new",
        STAFF_PAGE,
    ),
    ("GET", "/frameworks/<int:framework_id>/competencies/<int:competency_id>"): (
        "/frameworks/{framework}/competencies/{competency}",
        STAFF_PAGE,
    ),
    ("POST", "/frameworks/<int:framework_id>/competencies/<int:competency_id>"): (
        "/frameworks/{framework}/competencies/{competency}",
        STAFF_PAGE,
    ),
    ("GET", "/frameworks/<int:framework_id>/export.csv"): (
        "/frameworks/{framework}/export.csv",
        STAFF_PAGE,
    ),
    ("GET", "/frameworks/import"): ("/frameworks/import", STAFF_PAGE),
    ("POST", "/frameworks/import"): ("/frameworks/import", STAFF_PAGE),
    ("POST", "/frameworks/import/confirm"): ("/frameworks/import/confirm", STAFF_REFUSED),
}

FRAMEWORK_ENDPOINT_RULES = {
    "frameworks.index": STAFF,
    "frameworks.show": STAFF,
    "frameworks.edit_framework": STAFF,
    "frameworks.edit_competency": STAFF,
    "frameworks.export": STAFF,
    "frameworks.import_upload": STAFF,
    "frameworks.import_confirm": STAFF,
}

TABLE = RouteTable(
    routes={**FRAMEWORK_ROUTES, **GAP_ROUTES},
    endpoint_rules={**FRAMEWORK_ENDPOINT_RULES, **GAP_ENDPOINT_RULES},
    create_objects=create_objects,
)
