"""Competency frameworks, evidence, current levels, requirements and the skill-gap matrix."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the competencies feature: models, pages, commands and demo data."""
    from competencies import models  # noqa: F401  (registers the tables)
    from competencies.cli import check_catalogue_command, competencies_cli, frameworks_cli
    from competencies.demo import load_competency_demo
    from competencies.views.frameworks import blueprint as frameworks
    from competencies.views.gap_assignment import blueprint as gap_assignment
    from competencies.views.matrix import blueprint as matrix
    from competencies.views.profiles import blueprint as profiles
    from competencies.views.public import blueprint as competency_pages
    from competencies.views.requirements import blueprint as requirements
    from courses.authoring.cli import catalogue_cli

    app.register_blueprint(frameworks)
    app.register_blueprint(gap_assignment)
    app.register_blueprint(competency_pages)  # what certificates' alignments point to
    for blueprint in (profiles, requirements, matrix):
        app.register_blueprint(blueprint)
    app.cli.add_command(competencies_cli)
    app.cli.add_command(frameworks_cli)
    # `flask catalogue check` joins courses' `catalogue` group from here: it reads competencies.
    catalogue_cli.add_command(check_catalogue_command)
    app.extensions.setdefault("demo_loaders", []).append(load_competency_demo)
