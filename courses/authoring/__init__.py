"""The authoring room: building, previewing, publishing, importing and exporting courses."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the trainers' authoring pages, `flask courses import|export` and
    `flask catalogue load`."""
    from courses.authoring.cli import catalogue_cli, courses_cli
    from courses.authoring.views import blueprint

    app.register_blueprint(blueprint)
    app.cli.add_command(courses_cli)
    app.cli.add_command(catalogue_cli)
