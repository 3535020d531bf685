"""Attaching curricula and assignments: their pages, demo data, and the events they follow."""

from __future__ import annotations

from flask import Flask

from courses.assignment_demo import load_assignment_demo
from courses.models import CourseEnrolment
from courses.services.memberships import complete_memberships_for, sync_memberships
from courses.signals import course_completed
from lms.signals import user_placed_changed


def _on_user_placed_changed(sender: object, user_ids: list[int]) -> None:
    sync_memberships(user_ids)


def _on_course_completed(enrolment: CourseEnrolment) -> None:
    complete_memberships_for(enrolment.user_id, enrolment.course_id)


def init_assignments(app: Flask) -> None:
    """Officers moving in the organisation and completing courses update their memberships in
    the same transaction (the receivers flush, never commit)."""
    from courses.views.assignments import blueprint as assignments
    from courses.views.curricula import blueprint as curricula

    user_placed_changed.connect(_on_user_placed_changed, weak=False)
    course_completed.connect(_on_course_completed, weak=False)
    app.register_blueprint(curricula)
    app.register_blueprint(assignments)
    app.extensions.setdefault("demo_loaders", []).append(load_assignment_demo)
