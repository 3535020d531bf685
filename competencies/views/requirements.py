"""Required levels per job position, kept by HR (and administrators)."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competencies.services.requirements import (
    RequirementChoice,
    requirement_catalogue,
    requirement_counts,
    requirements_of,
    save_requirements,
)
from lms.access import allow
from lms.edge import saving
from lms.errors import ValidationError
from lms.organisation.services import get_position, headcount_by_position, list_positions

blueprint = Blueprint("requirements", __name__, template_folder="../templates")

STAFF = ("hr", "admin")
LEVEL_FIELD = re.compile(r"^level-(\d{1,10})$")


@blueprint.route("/positions")
@allow(*STAFF)
def positions():
    headcount = headcount_by_position()
    return render_template(
        "competencies/positions.html",
        positions=list_positions(),
        headcount=headcount,
        counts=requirement_counts(),
    )


def choices_from_form(form) -> tuple[list[RequirementChoice], list[str]]:
    """HR's choices from the posted form (`level-<id>`, `mandatory-<id>`), and the values that
    are not whole numbers. A competency whose level is not posted stays as it is."""
    choices, problems = [], []
    for key in form:
        match = LEVEL_FIELD.match(key)
        if not match:
            continue
        raw = form.get(key, "").strip()
        try:
            level = int(raw)
        except ValueError:
            problems.append(_("“%(value)s” is not a level (0 to 4).", value=raw[:20]))
            continue
        competency_id = int(match.group(1))
        choices.append(
            RequirementChoice(competency_id, level, f"mandatory-{competency_id}" in form)
        )
    return choices, problems


@blueprint.route("/positions/<int:position_id>/requirements", methods=["GET", "POST"])
@allow(*STAFF)
def edit(position_id: int):
    position = get_position(position_id)
    errors: list[str] = []
    posted: dict[int, RequirementChoice] = {}
    if request.method == "POST":
        choices, errors = choices_from_form(request.form)
        posted = {choice.competency_id: choice for choice in choices}
        if not errors:
            try:
                with saving():
                    changes = save_requirements(position, choices, actor_id=current_user.id)
            except ValidationError as error:
                errors.append(error.message)
            else:
                flash(
                    _(
                        "Requirements of %(position)s saved: %(saved)d set or changed, "
                        "%(removed)d removed.",
                        position=position.title,
                        saved=changes.saved,
                        removed=changes.removed,
                    ),
                    "success",
                )
                return redirect(url_for("requirements.edit", position_id=position.id))
        position = get_position(position_id)
    return render_template(
        "competencies/requirements.html",
        position=position,
        catalogue=requirement_catalogue(),
        current=requirements_of(position.id),
        posted=posted,
        errors=errors,
    )
