"""The assignments room: curricula, assignments to units, positions and officers, their
follow-up and reminders."""

from __future__ import annotations

from flask import Flask

from courses.assignments.demo import load_assignment_demo
from courses.assignments.services.memberships import complete_memberships_for, sync_memberships
from courses.learning.models import CourseEnrolment
from courses.signals import course_completed
from lms.signals import user_placed_changed


def _on_user_placed_changed(sender: object, user_ids: list[int]) -> None:
    sync_memberships(user_ids)


def _on_course_completed(enrolment: CourseEnrolment) -> None:
    complete_memberships_for(enrolment.user_id, enrolment.course_id)


def init_app(app: Flask) -> None:
    """Attach curricula and assignments: their pages and demo data. Officers moving in the
    organisation and completing courses update their memberships in the same transaction
    (the receivers flush, never commit)."""
    from courses.assignments import models  # noqa: F401  (registers the tables)
    from courses.assignments.views.assignments import blueprint as assignments
    from courses.assignments.views.curricula import blueprint as curricula

    user_placed_changed.connect(_on_user_placed_changed, weak=False)
    course_completed.connect(_on_course_completed, weak=False)
    app.register_blueprint(curricula)
    app.register_blueprint(assignments)
    app.extensions.setdefault("demo_loaders", []).append(load_assignment_demo)
