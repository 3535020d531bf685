"""What every route answers to every role: one table per package, all walked by
tests/lms/test_access.py. A route that is in no table, or whose endpoint declares no access
rule, fails the suite: adding a route means adding its line to its package's table.

A package's table lives in tests/<package>/access_routes.py as TABLE, and is listed in
all_tables() below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lms.accounts.models import User

ROLES = ("anonymous", "officer", "trainer", "hr", "admin")

Statuses = dict[str, int]
# (method, rule as in app.url_map) -> (URL to call, with {placeholders} for ids, statuses).
Routes = dict[tuple[str, str], tuple[str, Statuses]]


def statuses(anonymous: int, officer: int, trainer: int, hr: int, admin: int) -> Statuses:
    return dict(zip(ROLES, (anonymous, officer, trainer, hr, admin), strict=True))


# 302 for an anonymous visitor means "sent to the sign-in page" (the walk checks it).
ADMIN_PAGE = statuses(302, 403, 403, 403, 200)
ADMIN_REDIRECT = statuses(302, 403, 403, 403, 302)
ANY_USER = statuses(302, 200, 200, 200, 200)
EVERYONE = statuses(200, 200, 200, 200, 200)
LOGGED_IN_REDIRECTED = statuses(302, 302, 302, 302, 302)
OFFICER_PAGE = statuses(302, 200, 403, 403, 403)
OFFICER_REDIRECT = statuses(302, 302, 403, 403, 403)


@dataclass(frozen=True)
class RouteTable:
    """One package's routes.

    The walk calls each URL as each role, GETs first, then POSTs carrying a valid CSRF token
    and no other data. `create_objects(users)` makes the objects the URLs name (the users are
    the walkers, one per role) and returns the placeholders' values. `writing_gets` are the
    rules of GET routes that write by design; every other GET must change nothing."""

    routes: Routes
    endpoint_rules: dict[str, object]
    create_objects: Callable[[dict[str, User]], dict[str, int | str]] = lambda users: {}
    writing_gets: frozenset[str] = field(default_factory=frozenset)


def all_tables() -> list[RouteTable]:
    from tests.competencies.access_routes import TABLE as competencies
    from tests.courses.access_routes import TABLE as courses
    from tests.courses.authoring_access_routes import TABLE as authoring
    from tests.courses.certificate_access_routes import TABLE as certificates
    from tests.lms.access_routes import TABLE as lms

    return [lms, courses, authoring, competencies, certificates]
