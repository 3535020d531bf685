"""Authoring pages for trainer-marked tasks: their settings, the rubric editor (a criterion's
form, moving and deleting criteria) and a preview of the task as officers will see it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from courses.authoring.services import structure, tasks
from courses.authoring.task_forms import CriterionForm, TaskForm
from courses.authoring.views.blueprint import (
    blueprint,
    direction_asked,
    editable_course,
    item_of_kind,
    outline_url,
    shown_on_get,
)
from courses.events import CompetencyAlignments
from courses.learning.models import Course, CourseItem, ItemKind
from courses.marking.services.guides import competency_guides
from lms.access import allow
from lms.edge import form_status, saving
from lms.events import ask


def task_url(course: Course, item: CourseItem, anchor: str | None = None) -> str:
    return url_for("authoring.edit_task", course_id=course.id, item_id=item.id, _anchor=anchor)


@blueprint.route(
    "/courses/<int:course_id>/modules/<int:module_id>/tasks/new", methods=["GET", "POST"]
)
@blueprint.route("/courses/<int:course_id>/tasks/<int:item_id>", methods=["GET", "POST"])
@allow("trainer")
def edit_task(course_id: int, module_id: int | None = None, item_id: int | None = None):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.TASK) if item_id is not None else None
    module = item.module if item else structure.get_module(module_id, course)
    form = TaskForm(**shown_on_get(TaskForm.values_of(item) if item else {}))
    if form.validate_on_submit():
        instructions = form.instructions.data or ""
        with saving(form) as saved:
            if item is None:
                item = tasks.add_task(
                    module,
                    form.title.data,
                    instructions,
                    form.settings(),
                    required=form.required.data,
                )
            else:
                tasks.update_task(
                    item,
                    form.title.data,
                    instructions,
                    form.settings(),
                    required=form.required.data,
                )
        if saved:
            flash(_("Task “%(title)s” saved.", title=item.title), "success")
            # A new task goes on to its rubric; an edited one back to the outline.
            if item_id is None:
                return redirect(task_url(course, item, "rubric"))
            return redirect(outline_url(course, f"item-{item.id}"))
    return render_template(
        "authoring/task_form.html",
        form=form,
        course=course,
        module=module,
        item=item,
        rubric_fixed=item is not None and tasks.has_submissions(item.task),
    ), form_status(form)


@blueprint.route(
    "/courses/<int:course_id>/tasks/<int:item_id>/criteria/new", methods=["GET", "POST"]
)
@blueprint.route(
    "/courses/<int:course_id>/tasks/<int:item_id>/criteria/<int:criterion_id>",
    methods=["GET", "POST"],
)
@allow("trainer")
def edit_criterion(course_id: int, item_id: int, criterion_id: int | None = None):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.TASK)
    task = tasks.task_of(item)
    criterion = tasks.get_criterion(criterion_id, task) if criterion_id is not None else None
    form = CriterionForm(**shown_on_get(CriterionForm.values_of(criterion) if criterion else {}))
    if form.validate_on_submit():
        with saving(form) as saved:
            if criterion is None:
                criterion = tasks.add_criterion(task, form.criterion())
            else:
                tasks.update_criterion(criterion, form.criterion())
        if saved:
            flash(_("Criterion “%(title)s” saved.", title=criterion.title), "success")
            return redirect(task_url(course, item, f"criterion-{criterion.id}"))
    # The module's competencies first, then those the rubric already names.
    in_rubric = [c.competency_code for c in task.criteria]
    suggested = list(dict.fromkeys([*item.module.competency_codes, *in_rubric]))
    return render_template(
        "authoring/criterion_form.html",
        form=form,
        course=course,
        item=item,
        criterion=criterion,
        suggestions=ask(CompetencyAlignments(tuple(suggested))) if suggested else [],
        rubric_fixed=tasks.has_submissions(task),
    ), form_status(form)


@blueprint.route(
    "/courses/<int:course_id>/tasks/<int:item_id>/criteria/<int:criterion_id>/move",
    methods=["POST"],
)
@allow("trainer")
def move_criterion(course_id: int, item_id: int, criterion_id: int):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.TASK)
    criterion = tasks.get_criterion(criterion_id, tasks.task_of(item))
    direction = direction_asked()  # a 400 page when the form does not say
    with saving(flash_errors=True):  # a fixed rubric: the reason, on the task page
        tasks.move_criterion(criterion, direction)
    return redirect(task_url(course, item, f"criterion-{criterion_id}"))


@blueprint.route(
    "/courses/<int:course_id>/tasks/<int:item_id>/criteria/<int:criterion_id>/delete",
    methods=["POST"],
)
@allow("trainer")
def delete_criterion(course_id: int, item_id: int, criterion_id: int):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.TASK)
    criterion = tasks.get_criterion(criterion_id, tasks.task_of(item))
    title = criterion.title
    with saving(flash_errors=True) as saved:
        tasks.delete_criterion(criterion)
    if saved:
        flash(_("Criterion “%(title)s” deleted.", title=title), "success")
    return redirect(task_url(course, item, "rubric"))


@blueprint.route("/courses/<int:course_id>/tasks/<int:item_id>/preview")
@allow("trainer")
def task_preview(course_id: int, item_id: int):
    """The task as officers will see it: instructions, what to hand in, the rubric."""
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.TASK)
    return render_template(
        "authoring/task_preview.html",
        course=course,
        item=item,
        guides=competency_guides([item.task]),
    )
