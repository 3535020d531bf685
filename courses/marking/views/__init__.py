"""The marking room's pages: the officer's task page and hand-in, the markers' queue and
marking page, and the files handed in."""

from courses.marking.views import marker, officer  # noqa: F401  (routes)
from courses.marking.views.blueprint import blueprint

__all__ = ["blueprint"]
