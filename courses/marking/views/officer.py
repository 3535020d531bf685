"""The officer's side of a task: the instructions and rubric, the hand-in, the result once
released, and the files the officer handed in."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.learning.services import catalogue, progress
from courses.marking.forms import LEVEL_NAMES, SubmissionForm
from courses.marking.services import submissions
from courses.marking.services.guides import competency_guides
from courses.marking.views.blueprint import blueprint, file_response
from lms.access import allow
from lms.edge import form_status, saving


@blueprint.route("/courses/<int:course_id>/tasks/<int:item_id>", methods=["GET", "POST"])
@allow("officer")
def task_page(course_id: int, item_id: int):
    task = submissions.published_task(course_id, item_id)
    form = SubmissionForm()
    if form.validate_on_submit():
        upload = form.file.data
        file = (upload.filename or "", upload.read()) if upload else None
        with saving(form.file if file else form.answer) as saved:
            submissions.submit(current_user.id, task, form.answer.data, file)
        if saved:
            flash(_("Your answer was handed in. You will be told when it is marked."), "success")
            return redirect(url_for("marking.task_page", course_id=course_id, item_id=item_id))
    item = task.item
    sequence = catalogue.item_sequence(course_id)
    position = next(i for i, ref in enumerate(sequence) if ref.id == item.id)
    return render_template(
        "marking/task.html",
        task=task,
        state=submissions.task_state(current_user.id, task),
        form=form,
        level_names=LEVEL_NAMES,
        guides=competency_guides([task]),
        course=item.module.course,
        item=item,
        position=position + 1,
        count=len(sequence),
        previous=sequence[position - 1] if position > 0 else None,
        next=sequence[position + 1] if position + 1 < len(sequence) else None,
        progress=progress.progress_for(current_user.id, [course_id])[course_id],
    ), form_status(form)


@blueprint.route(
    "/courses/<int:course_id>/tasks/<int:item_id>/submissions/<int:submission_id>/file"
)
@allow("officer")
def own_file(course_id: int, item_id: int, submission_id: int):
    task = submissions.published_task(course_id, item_id)
    file, name = submissions.own_submission_file(current_user.id, task, submission_id)
    return file_response(file, name)
