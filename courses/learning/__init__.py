"""The learning room: catalogue, lessons, question types, quizzes, attempts and progress."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the officer's learning pages and the course tables."""
    from courses.learning import models  # noqa: F401  (registers the tables)
    from courses.learning.questiontypes import question_partial
    from courses.learning.views import blueprint

    app.register_blueprint(blueprint)
    # Pages include a question's partials by the names its type gives.
    app.add_template_global(question_partial)
