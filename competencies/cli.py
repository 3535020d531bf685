"""`flask competencies rebuild|backfill-evidence|upgrade-model|import-framework|
export-framework` and `flask frameworks load-defaults`, and `flask catalogue check` (the group
is courses': the check reads both packages, and only competencies may import the other)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.extensions import db

competencies_cli = AppGroup("competencies", help="Competency levels and frameworks.")
frameworks_cli = AppGroup("frameworks", help="Competency frameworks (reference data).")


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check_catalogue_command(as_json: bool) -> None:
    """Check every question bank (giveaway keys, true/false balance, duplicates, what each
    competency level can be evidenced by) and whether a published course can evidence every
    position requirement. Exits with 1 when a problem is found. Reads the database only."""
    import json

    from competencies.services.catalogue_check import check_catalogue

    checked = check_catalogue()
    if as_json:
        click.echo(json.dumps(checked.as_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(checked.report())
    if checked.problems:
        raise SystemExit(1)


@frameworks_cli.command("load-defaults")
def load_defaults_command() -> None:
    """Load the default frameworks and the standard positions' default requirements (safe to
    run again: it changes nothing the second time)."""
    from competencies.services.reference_data import load_reference_data

    loaded = load_reference_data()
    db.session.commit()
    click.echo(loaded.report())


@competencies_cli.command("upgrade-model")
def upgrade_model_command() -> None:
    """Upgrade a first edition's competency data to the second edition of the model: retire
    the competencies it drops, carry officers' levels to their successors, move requirements
    and course tags (safe to run again; `lms frameworks load-defaults` runs it too)."""
    from competencies.services.frameworks import ensure_default_frameworks
    from competencies.services.model_upgrade import upgrade_competency_model

    ensure_default_frameworks()  # the successors must exist first
    upgraded = upgrade_competency_model()
    db.session.commit()
    click.echo(
        "\n".join(upgraded.report())
        if upgraded.changed
        else "Nothing to upgrade: the competency model is the second edition."
    )


@competencies_cli.command("backfill-evidence")
def backfill_evidence_command() -> None:
    """Write the evidence of quiz attempts graded before their competencies existed, then
    rebuild the current levels (safe to run again)."""
    from competencies.services.evidence_backfill import backfill_attempt_evidence

    backfilled = backfill_attempt_evidence()
    db.session.commit()
    click.echo(backfilled.report())


@competencies_cli.command("rebuild")
@click.option("--framework", "framework_code", help="Only this framework (code).")
def rebuild_command(framework_code: str | None) -> None:
    """Recompute every current level from the evidence."""
    from sqlalchemy import select

    from competencies.models import Framework
    from competencies.services.levels import rebuild_current_levels

    framework_id = None
    if framework_code:
        framework_id = db.session.scalar(
            select(Framework.id).where(Framework.code == framework_code)
        )
        if framework_id is None:
            raise click.ClickException(f"No framework with code {framework_code}.")
    rows = rebuild_current_levels(framework_id)
    db.session.commit()
    click.echo(f"Rebuilt {rows} current levels from evidence.")


@competencies_cli.command("import-framework")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_framework_command(path: str) -> None:
    """Import a framework from a Moodle competency-framework CSV (all or nothing)."""
    from competencies.services.framework_csv import check_framework_import, import_framework
    from lms.csvfiles import decode_upload
    from lms.errors import ValidationError

    with open(path, "rb") as handle:
        try:
            text = decode_upload(handle.read())
        except ValidationError as error:
            raise click.ClickException(error.message) from error
    checked = check_framework_import(text)
    if not checked.ok:
        for error in checked.errors:
            click.echo(f"{path}:{error.line}: {error.message}", err=True)
        raise click.ClickException(f"{len(checked.errors)} problem(s); nothing was imported.")
    framework = import_framework(text, actor_id=None)
    db.session.commit()
    click.echo(
        f"Imported framework {framework.code} with {len(checked.competencies)} competencies."
    )


@competencies_cli.command("export-framework")
@click.argument("code")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_framework_command(code: str, path: str) -> None:
    """Write a framework as a Moodle competency-framework CSV (UTF-8)."""
    from sqlalchemy import select

    from competencies.models import Framework
    from competencies.services.framework_csv import export_framework_csv

    framework = db.session.scalar(select(Framework).where(Framework.code == code))
    if framework is None:
        raise click.ClickException(f"No framework with code {code}.")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(export_framework_csv(framework))
    click.echo(f"Exported framework {code} to {path}.")
