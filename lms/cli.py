"""Command-line commands: `lms demo load`, `lms users create-admin`, `lms backup …`, and `lms`
itself (`main`), the installed entry point. From a checkout, `flask --app wsgi …` is the same."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="Accounts.")
backup_cli = AppGroup("backup", help="Backups of the embedded SQLite database.")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Load the demo administration (safe to run again: it changes nothing the second time)."""
    from lms.demo import load_demo
    from lms.extensions import db

    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "Refusing to load demo data: its passwords are public. This configuration "
            "(production) does not allow it."
        )
    summary = load_demo()
    db.session.commit()
    click.echo(summary.report())
    # Feature packages add their own demo data (courses, competencies, ...) after the core.
    for load_feature_demo in current_app.extensions.get("demo_loaders", []):
        feature_summary = load_feature_demo()
        db.session.commit()
        click.echo(feature_summary.report())


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--service-number", required=True)
@click.option("--unit-code", required=True, help="Code of the unit the admin belongs to.")
@click.option(
    "--administration-name",
    help="On an empty installation: create the root unit with --unit-code and this name.",
)
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_admin_command(
    email: str,
    full_name: str,
    service_number: str,
    unit_code: str,
    administration_name: str | None,
    password: str,
) -> None:
    """Create an administrator (and, on an empty installation, the administration's root)."""
    from sqlalchemy import select

    from lms.accounts.services import UserDetails, create_user
    from lms.errors import DomainError
    from lms.extensions import db
    from lms.organisation.models import OrgUnit
    from lms.organisation.services import UnitDetails, create_unit

    unit_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == unit_code.upper()))
    try:
        if unit_id is None and administration_name:
            root = UnitDetails(unit_code, administration_name, "administration", None)
            unit_id = create_unit(root, actor_id=None).id
        if unit_id is None:
            raise click.ClickException(
                f"No unit with code {unit_code}; on an empty installation add "
                "--administration-name to create it."
            )
        user = create_user(
            UserDetails(email, full_name, service_number, unit_id, None),
            ["admin"],
            actor_id=None,
            password=password,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(path_type=Path))
def create_backup_command(path: Path) -> None:
    """Back up the SQLite database to PATH (a new file, or a folder for a timestamped file)
    while the platform runs, and verify the copy."""
    from lms import backups
    from lms.extensions import db

    try:
        database = backups.sqlite_database_path(db.engine.url)
        click.echo(backups.create_backup(database, path).report())
    except backups.BackupError as error:
        raise click.ClickException(error.message) from error


@backup_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
def restore_backup_command(path: Path) -> None:
    """Restore the SQLite database from the backup PATH; the current one is kept aside. The
    restored database's audit log records the restore: from which file, by which system user."""
    from lms import backups
    from lms.extensions import db

    try:
        database = backups.sqlite_database_path(db.engine.url)
        db.engine.dispose()  # this process's pooled connections play no part in the restore
        report = backups.restore_backup(path, database, backups.code_schema())
    except backups.BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(report.report())
    db.session.remove()
    db.engine.dispose()  # a new connection: the restored file may be a new one (renamed in)
    backups.record_restore(report, restored_by=backups.operating_system_user())
    db.session.commit()
    click.echo("The restore is recorded in the restored database's audit log.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)


def main() -> None:
    """`lms …`: Flask's command line with the app factory, so it works from any folder (no
    FLASK_APP, no wsgi.py in the current one). A .env file in that folder is not read: the
    settings come from the environment only, as config.py says."""
    from lms import create_app

    cli = FlaskGroup(
        name="lms",
        help="The customs learning platform: migrations, accounts, data, backups, servers.",
        create_app=create_app,
        load_dotenv=False,
    )
    cli.main(prog_name="lms")


if __name__ == "__main__":  # `python -m lms.cli` from a checkout, without installing it
    main()
