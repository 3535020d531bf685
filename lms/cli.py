"""Command-line commands: `flask demo load`, `flask users create-admin`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="Accounts.")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Load the demo administration (safe to run again: it changes nothing the second time)."""
    from lms.demo import load_demo
    from lms.extensions import db

    summary = load_demo()
    db.session.commit()
    click.echo(summary.report())


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--service-number", required=True)
@click.option("--unit-code", required=True, help="Code of the administration's root unit.")
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_admin_command(
    email: str, full_name: str, service_number: str, unit_code: str, password: str
) -> None:
    """Create the first administrator of a new installation."""
    from sqlalchemy import select

    from lms.accounts.services import UserDetails, create_user
    from lms.errors import DomainError
    from lms.extensions import db
    from lms.organisation.models import OrgUnit

    unit_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == unit_code.upper()))
    if unit_id is None:
        raise click.ClickException(f"No unit with code {unit_code}.")
    try:
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


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
