"""The assignments room: curricula, assignments to units, positions and officers, their
follow-up and reminders."""

from __future__ import annotations

from flask import Flask

from courses.assignments.demo import load_assignment_demo


def init_app(app: Flask) -> None:
    """Attach curricula and assignments: their pages and demo data. (Officers moving in the
    organisation and completing courses update their memberships: see register_events in
    lms/__init__.py.)"""
    from courses.assignments import models  # noqa: F401  (registers the tables)
    from courses.assignments.views.assignments import blueprint as assignments
    from courses.assignments.views.curricula import blueprint as curricula

    app.register_blueprint(curricula)
    app.register_blueprint(assignments)
    app.extensions.setdefault("demo_loaders", []).append(load_assignment_demo)
