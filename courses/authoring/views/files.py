"""Authoring pages for a course as a whole: a preview as officers see it, export and import
as a zip of Markdown and GIFT files."""

from __future__ import annotations

import random
import secrets

from flask import Response, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from courses.authoring.forms import (
    ImportForm,
)
from courses.authoring.services import course_export, course_format, course_import
from courses.authoring.views.blueprint import (
    blueprint,
    editable_course,
    outline_url,
)
from courses.learning.models import ItemKind
from courses.learning.services import attempts
from courses.marking.services.guides import competency_guides
from lms.access import allow
from lms.edge import saving

# --- preview, export, import -----------------------------------------------------------------


@blueprint.route("/courses/<int:course_id>/preview")
@allow("trainer")
def preview(course_id: int):
    """The course as officers will see it, with one sample draw of each quiz; nothing is
    recorded (no progress, no attempt)."""
    course = editable_course(course_id)
    rng = random.Random(secrets.randbits(64))
    items = [item for module in course.modules for item in module.items]
    draws = {
        item.id: attempts.sample_draw(item, rng) for item in items if item.kind == ItemKind.QUIZ
    }
    guides = competency_guides(item.task for item in items if item.kind == ItemKind.TASK)
    return render_template("authoring/preview.html", course=course, draws=draws, guides=guides)


@blueprint.route("/courses/<int:course_id>/export")
@allow("trainer")
def export(course_id: int):
    course = editable_course(course_id)
    return Response(
        course_export.export_course_zip(course),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{course.code}.zip"'},
    )


@blueprint.route("/import", methods=["GET", "POST"])
@allow("trainer")
def import_course():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(course_import.MAX_ZIP_BYTES + 1)
        try:
            with saving():
                course = course_import.import_course_zip(
                    data, upload.filename or "course.zip", training_unit_id=current_user.unit_id
                )
        except course_format.CourseFileErrors as error:
            problems = error.problems
        else:
            flash(
                _("Course %(code)s imported as a draft.", code=course.code),
                "success",
            )
            return redirect(outline_url(course))
    failed = bool(problems or form.errors)
    return render_template("authoring/import.html", form=form, problems=problems), (
        400 if failed else 200
    )
