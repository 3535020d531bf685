"""Authoring pages for whole courses: the list, course details, the outline, publishing,
and moving or deleting what the outline holds."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from courses.authoring.forms import (
    CourseForm,
)
from courses.authoring.services import authored_courses, publishing, questions, structure
from courses.authoring.views.blueprint import (
    STATUS_MESSAGES,
    blueprint,
    direction_asked,
    editable_course,
    outline_url,
)
from courses.learning.models import Course
from lms.access import allow
from lms.edge import form_status, saving
from lms.errors import DomainError

# --- courses ---------------------------------------------------------------------------------


@blueprint.route("/courses")
@allow("trainer")
def courses():
    return render_template(
        "authoring/courses.html",
        summaries=authored_courses.course_summaries(current_user.unit_id),
        unit=current_user.unit,
    )


@blueprint.route("/courses/new", methods=["GET", "POST"])
@blueprint.route("/courses/<int:course_id>/details", methods=["GET", "POST"])
@allow("trainer")
def edit_course(course_id: int | None = None):
    course = editable_course(course_id) if course_id is not None else None
    form = CourseForm(obj=course if request.method == "GET" else None)
    if form.validate_on_submit():
        details = authored_courses.CourseDetails(
            form.code.data,
            form.title.data,
            form.summary.data or "",
            form.validity_months.data,
            form.recertify.data,
        )
        with saving(form) as saved:
            if course is None:
                course = authored_courses.create_course(
                    details, training_unit_id=current_user.unit_id
                )
            else:
                authored_courses.update_course(course, details)
        if saved:
            flash(_("Course %(code)s saved.", code=course.code), "success")
            return redirect(outline_url(course))
    return render_template("authoring/course_form.html", form=form, course=course), form_status(
        form
    )


@blueprint.route("/courses/<int:course_id>")
@allow("trainer")
def outline(course_id: int):
    course = editable_course(course_id)
    return render_outline(course)


def render_outline(course: Course, publish_problems: list[str] | None = None, status: int = 200):
    return render_template(
        "authoring/outline.html",
        course=course,
        problems=publishing.publication_problems(course) if publish_problems is None else [],
        publish_problems=publish_problems,
        warnings=publishing.publication_warnings(course),
        bank_size=len(questions.bank_of(course)),
    ), status


@blueprint.route("/courses/<int:course_id>/status", methods=["POST"])
@allow("trainer")
def set_status(course_id: int):
    course = editable_course(course_id)
    wanted = request.form.get("status", "")
    try:
        with saving():
            publishing.set_status(course, wanted)
    except publishing.PublicationProblems as error:
        return render_outline(course, publish_problems=error.problems, status=400)
    flash(str(STATUS_MESSAGES.get(wanted, _("Status changed."))), "success")
    return redirect(outline_url(course))


@blueprint.route("/courses/<int:course_id>/modules/<int:module_id>/move", methods=["POST"])
@allow("trainer")
def move_module(course_id: int, module_id: int):
    course = editable_course(course_id)
    module = structure.get_module(module_id, course)
    with saving():
        structure.move_module(module, direction_asked())
    return redirect(outline_url(course, f"module-{module.id}"))


@blueprint.route("/courses/<int:course_id>/items/<int:item_id>/move", methods=["POST"])
@allow("trainer")
def move_item(course_id: int, item_id: int):
    course = editable_course(course_id)
    item = structure.get_item(item_id, course)
    with saving():
        structure.move_item(item, direction_asked())
    return redirect(outline_url(course, f"item-{item.id}"))


@blueprint.route("/courses/<int:course_id>/items/<int:item_id>/delete", methods=["POST"])
@allow("trainer")
def delete_item(course_id: int, item_id: int):
    course = editable_course(course_id)
    item = structure.get_item(item_id, course)
    title = item.title
    try:
        with saving():
            structure.delete_item(item)
    except DomainError as error:
        flash(
            _("“%(title)s” was not deleted. %(reason)s", title=title, reason=error.message), "error"
        )
        return redirect(outline_url(course, f"item-{item_id}"))
    flash(_("“%(title)s” deleted.", title=title), "success")
    return redirect(outline_url(course))
