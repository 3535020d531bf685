"""`flask courses import|export`: courses as folders of Markdown and GIFT files;
`flask catalogue load|update|list`: the default catalogue shipped in courses/catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy import select

from courses.authoring.services.course_format import CourseFileErrors
from lms.extensions import db
from lms.organisation.models import OrgUnit

courses_cli = AppGroup("courses", help="Courses as files.")
catalogue_cli = AppGroup("catalogue", help="The default course catalogue (reference data).")


def _training_unit_id(unit_code: str) -> int:
    unit_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == unit_code.upper()))
    if unit_id is None:
        raise click.ClickException(f"No unit with code {unit_code}.")
    return unit_id


def _refuse(error: CourseFileErrors) -> NoReturn:
    """Roll back, list every problem on stderr and stop with the count."""
    db.session.rollback()
    for problem in error.problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"{len(error.problems)} problem(s); nothing was imported.")


@courses_cli.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="Code of the owning training unit.")
@click.option("--publish", is_flag=True, help="Publish the courses once imported.")
def import_command(path: Path, unit_code: str, publish: bool) -> None:
    """Import a course folder, or every course folder inside PATH (all or nothing)."""
    from courses.authoring.services.course_import import course_folders, import_courses
    from courses.learning.services.principles import ensure_principles

    unit_id = _training_unit_id(unit_code)
    ensure_principles()
    folders = course_folders(path)
    if not folders:
        raise click.ClickException(f"No course.json in {path} or its sub-folders.")
    try:
        imported = import_courses(folders, training_unit_id=unit_id, publish=publish)
    except CourseFileErrors as error:
        _refuse(error)
    db.session.commit()
    for course in imported:
        click.echo(f"Imported {course.code}: {course.title} ({course.status})")


@courses_cli.command("export")
@click.argument("code")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def export_command(code: str, path: Path) -> None:
    """Export the course CODE into the folder PATH/CODE."""
    from courses.authoring.services.authored_courses import get_course_by_code
    from courses.authoring.services.course_export import export_course

    course = get_course_by_code(code)
    if course is None:
        raise click.ClickException(f"No course with code {code}.")
    folder = export_course(course, path / course.code)
    click.echo(f"Exported {course.code} to {folder}")


@catalogue_cli.command("load")
@click.option("--unit", "unit_code", required=True, help="Code of the owning training unit.")
@click.option("--publish", is_flag=True, help="Publish the courses once imported.")
def load_catalogue_command(unit_code: str, publish: bool) -> None:
    """Import the default catalogue (courses/catalogue); a course whose code exists is skipped.
    Needs the competency frameworks: run `flask frameworks load-defaults` first."""
    from courses.authoring.services.default_catalogue import load_catalogue

    unit_id = _training_unit_id(unit_code)
    try:
        loaded = load_catalogue(unit_id, publish=publish)
    except CourseFileErrors as error:
        _refuse(error)
    db.session.commit()
    click.echo(loaded.report())


@catalogue_cli.command("update")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of course folders (default: the shipped catalogue, courses/catalogue).",
)
def update_catalogue_command(dry_run: bool, folder: Path | None) -> None:
    """Bring the loaded catalogue courses up to their files (a new edition): details, modules,
    lessons, quiz and task settings, items, and the question bank (a changed question becomes
    a new version). Each course all or nothing; attempts, progress, submissions, evidence and
    certificates are kept. Exits with 1, naming them, when a folder does not read or a course
    refuses the change."""
    from courses.authoring.services.catalogue_update import update_catalogue
    from courses.authoring.services.default_catalogue import CATALOGUE

    result = update_catalogue(folder or CATALOGUE, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(result.report())
    if result.failed:
        raise click.ClickException(
            "Not updated: " + ", ".join(result.refused) + " (their problems are listed above)."
        )


@catalogue_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
@click.option("--markdown", is_flag=True, help="Print Markdown tables (for README.md).")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of course folders (default: the shipped catalogue, courses/catalogue).",
)
def list_catalogue_command(as_json: bool, markdown: bool, folder: Path | None) -> None:
    """List the catalogue's courses from its files: modules, lessons (words), quizzes (kind,
    draw, pool), tasks (rubric criteria), questions by type and level, and the totals. Reads
    the folder only, never the database; exits with 1, listing every problem, when the folder
    does not read as `catalogue load` would read it."""
    import json

    from courses.authoring.services import catalogue_listing_report as report
    from courses.authoring.services.catalogue_listing import CATALOGUE, read_catalogue

    if as_json and markdown:
        raise click.UsageError("Choose --json or --markdown, not both.")
    try:
        listing = read_catalogue(folder or CATALOGUE)
    except CourseFileErrors as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        message = f"{len(error.problems)} problem(s) in the catalogue's files."
        raise click.ClickException(message) from None
    if as_json:
        click.echo(json.dumps(report.listing_json(listing), indent=2, ensure_ascii=False))
    elif markdown:
        click.echo(report.listing_markdown(listing))
    else:
        click.echo(report.listing_text(listing))
