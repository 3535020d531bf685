"""Courses: five rooms, each with its models, services, views, forms and templates.

- learning: catalogue, lessons, question types, quizzes, attempts, progress (the officer's side)
- authoring: building, previewing, publishing, importing and exporting courses
- assignments: curricula, assignments, follow-up, reminders
- certificates: requests, PDF, credentials, register, expiry
- marking: trainer-marked tasks, rubrics, submissions, the marking queue, second marking

Imports between rooms point one way: authoring, assignments, certificates and marking read
learning; certificates reads assignments (curriculum completion); authoring reads marking (a
task's rubric is built, imported and published with the course). See docs/architecture.md.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the five rooms: their models, pages, commands and demo data."""
    from courses import assignments, authoring, certificates, learning, marking
    from courses.demo import load_course_demo
    from courses.marking.demo import load_marking_demo

    learning.init_app(app)
    marking.init_app(app)
    authoring.init_app(app)
    certificates.init_app(app)
    app.extensions.setdefault("demo_loaders", []).append(load_course_demo)
    app.extensions["demo_loaders"].append(load_marking_demo)  # answers to a catalogue task
    assignments.init_app(app)  # after the course demo: the curricula demo uses its courses
