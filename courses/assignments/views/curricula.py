"""Curricula for trainers (build and change their unit's) and HR (read, to assign)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from courses.assignments.forms import BLANK_COURSE_ROWS, CurriculumForm
from courses.assignments.models import Curriculum
from courses.assignments.services import curricula
from courses.assignments.services.memberships import refresh_curriculum_completion
from courses.learning.services import catalogue
from courses.learning.services.principles import list_principles
from lms.access import allow
from lms.edge import saving

blueprint = Blueprint(
    "curricula", __name__, url_prefix="/curricula", template_folder="../templates"
)


@blueprint.route("")
@allow("trainer", "hr")
def index():
    return render_template(
        "curricula/index.html",
        curricula=curricula.list_curricula(),
        can_edit=lambda c: curricula.can_edit_curriculum(current_user, c),
    )


@blueprint.route("/<int:curriculum_id>")
@allow("trainer", "hr")
def show(curriculum_id: int):
    curriculum = curricula.get_curriculum(curriculum_id)
    return render_template(
        "curricula/show.html",
        curriculum=curriculum,
        can_edit=curricula.can_edit_curriculum(current_user, curriculum),
    )


def _prepare(form: CurriculumForm, curriculum: Curriculum | None) -> None:
    """Fill the choices, and on first display the curriculum's rows plus a few blank ones."""
    principles = list_principles()
    form.principles.choices = [SelectChoice(p.code, f"{p.code} {p.name}") for p in principles]
    if request.method == "GET":
        entries = curriculum.entries if curriculum else []
        while len(form.courses.entries):
            form.courses.pop_entry()
        for index, entry in enumerate(entries, start=1):
            form.courses.append_entry(
                {"course_id": entry.course_id, "position": index, "required": entry.required}
            )
        for index in range(len(entries) + 1, len(entries) + 1 + BLANK_COURSE_ROWS):
            form.courses.append_entry({"course_id": 0, "position": index, "required": True})
        if curriculum is not None:
            form.principles.data = [p.code for p in curriculum.principles]
            form.competencies.data = ", ".join(curriculum.competency_codes)
    published = catalogue.published_courses()
    choices = [SelectChoice(0, _("(no course)"))] + [
        SelectChoice(c.id, f"{c.code} · {c.title} ({c.training_unit.name})") for c in published
    ]
    if curriculum is not None:  # a course unpublished since stays visible, to be removed
        listed = {c.id for c in published}
        choices += [
            SelectChoice(e.course_id, f"{e.course.code} · {e.course.title} ({_('not published')})")
            for e in curriculum.entries
            if e.course_id not in listed
        ]
    for row in form.courses:
        row.course_id.choices = choices


def _details(form: CurriculumForm) -> curricula.CurriculumDetails:
    rows = [
        (row.position.data or 999, index, row.course_id.data, bool(row.required.data))
        for index, row in enumerate(form.courses)
        if row.course_id.data
    ]
    rows.sort()
    return curricula.CurriculumDetails(
        name=form.name.data or "",
        description=form.description.data or "",
        entries=tuple(
            curricula.CurriculumEntry(course_id, required) for *_, course_id, required in rows
        ),
        principle_codes=tuple(form.principles.data or ()),
        competency_codes=tuple((form.competencies.data or "").replace(";", ",").split(",")),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@blueprint.route("/<int:curriculum_id>/edit", methods=["GET", "POST"])
@allow("trainer")
def edit(curriculum_id: int | None = None):
    curriculum = curricula.get_curriculum(curriculum_id) if curriculum_id else None
    if curriculum is not None:
        curricula.ensure_can_edit_curriculum(current_user, curriculum)
    form = CurriculumForm(obj=curriculum if request.method == "GET" else None)
    _prepare(form, curriculum)
    if form.validate_on_submit():
        with saving(form) as saved:
            if curriculum is None:
                curriculum = curricula.create_curriculum(_details(form), actor=current_user)
            else:
                curricula.update_curriculum(curriculum, _details(form), actor=current_user)
                refresh_curriculum_completion(curriculum.id)
        if saved:
            flash(_("Curriculum “%(name)s” saved.", name=curriculum.name), "success")
            return redirect(url_for("curricula.show", curriculum_id=curriculum.id))
    return render_template("curricula/form.html", form=form, curriculum=curriculum), (
        400 if request.method == "POST" else 200
    )
