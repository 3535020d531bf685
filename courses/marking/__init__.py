"""The marking room: trainer-marked tasks. Officers hand in a written answer (and perhaps a
PDF or an image); the trainers of the course's training unit mark it against the task's rubric
from their queue, blind when the task says so, ask for a resubmission when needed, and a second
marker confirms any Expert level. The final marking becomes competency evidence with the
markers as assessors (through the TaskMarked event)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the marking room: its tables and pages."""
    from courses.marking import models  # noqa: F401  (registers the tables)
    from courses.marking.views import blueprint

    app.register_blueprint(blueprint)
