"""The authoring room: building, previewing, publishing, importing and exporting courses."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the trainers' authoring pages and `flask courses import|export`."""
    from courses.authoring.cli import courses_cli
    from courses.authoring.views import blueprint

    app.register_blueprint(blueprint)
    app.cli.add_command(courses_cli)
