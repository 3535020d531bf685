"""Courses, lessons, quizzes, attempts and progress: the officer's learning loop."""

from __future__ import annotations

from flask import Flask


def _on_course_completed(enrolment) -> None:
    from courses.services.certificates import request_certificates_for

    request_certificates_for(enrolment)


def init_app(app: Flask) -> None:
    """Attach the courses feature: its models, pages, commands and demo data."""
    from courses import models  # noqa: F401  (registers the tables)
    from courses.assignment_setup import init_assignments
    from courses.cli import courses_cli
    from courses.demo import load_course_demo
    from courses.signals import course_completed
    from courses.views.authoring import blueprint as authoring
    from courses.views.certificates import blueprint as certificates
    from courses.views.learning import blueprint as learning

    app.register_blueprint(learning)
    app.register_blueprint(authoring)
    app.register_blueprint(certificates)
    # Completing a course writes its certificate request in the same transaction.
    course_completed.connect(_on_course_completed, weak=False)
    app.cli.add_command(courses_cli)
    app.extensions.setdefault("demo_loaders", []).append(load_course_demo)
    init_assignments(app)  # after the course demo: the curricula demo uses its courses
