"""Authoring pages for a course's content: modules, lessons, images and quiz settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.authoring.forms import (
    LessonForm,
    ModuleForm,
    QuizForm,
    UploadForm,
)
from courses.authoring.services import questions, quizzes, structure
from courses.authoring.views.blueprint import (
    blueprint,
    editable_course,
    item_of_kind,
    outline_url,
    shown_on_get,
)
from courses.learning.models import ItemKind
from courses.learning.services import uploads
from courses.learning.services.principles import list_principles
from lms.access import allow
from lms.edge import form_status, saving
from lms.markdown import render_markdown_markup

# --- modules ---------------------------------------------------------------------------------


@blueprint.route("/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@blueprint.route("/courses/<int:course_id>/modules/<int:module_id>", methods=["GET", "POST"])
@allow("trainer")
def edit_module(course_id: int, module_id: int | None = None):
    course = editable_course(course_id)
    module = structure.get_module(module_id, course) if module_id is not None else None
    values = (
        {
            "title": module.title,
            "principles": [p.code for p in module.principles],
            "competency_codes": ", ".join(module.competency_codes),
        }
        if module
        else {}
    )
    form = ModuleForm(**shown_on_get(values))
    form.principles.choices = [(p.code, f"{p.code} {p.name}") for p in list_principles()]
    if form.validate_on_submit():
        principle_codes = form.principles.data or []
        with saving(form) as saved:
            if module is None:
                module = structure.add_module(
                    course, form.title.data, principle_codes, form.codes()
                )
            else:
                structure.update_module(module, form.title.data, principle_codes, form.codes())
        if saved:
            flash(_("Module “%(title)s” saved.", title=module.title), "success")
            return redirect(outline_url(course, f"module-{module.id}"))
    return render_template(
        "authoring/module_form.html", form=form, course=course, module=module
    ), form_status(form)


# --- lessons and images ----------------------------------------------------------------------


@blueprint.route(
    "/courses/<int:course_id>/modules/<int:module_id>/lessons/new", methods=["GET", "POST"]
)
@blueprint.route("/courses/<int:course_id>/lessons/<int:item_id>", methods=["GET", "POST"])
@allow("trainer")
def edit_lesson(course_id: int, module_id: int | None = None, item_id: int | None = None):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.LESSON) if item_id is not None else None
    module = item.module if item else structure.get_module(module_id, course)
    values = (
        {"title": item.title, "required": item.required, "markdown": item.lesson.markdown}
        if item
        else {}
    )
    form = LessonForm(**shown_on_get(values))
    preview_html = None
    if form.is_submitted() and form.preview.data:
        # Shown, not saved (so no field is required yet): the same sanitising function the
        # saved lesson goes through.
        preview_html = render_markdown_markup(form.markdown.data or "")
    elif form.validate_on_submit():
        with saving(form) as saved:
            if item is None:
                item = structure.add_lesson(
                    module, form.title.data, form.markdown.data or "", required=form.required.data
                )
            else:
                structure.update_lesson(
                    item, form.title.data, form.markdown.data or "", required=form.required.data
                )
        if saved:
            flash(
                _(
                    "Lesson “%(title)s” saved (revision %(revision)d).",
                    title=item.title,
                    revision=item.lesson.revision,
                ),
                "success",
            )
            return redirect(outline_url(course, f"item-{item.id}"))
    return render_template(
        "authoring/lesson_form.html",
        form=form,
        course=course,
        module=module,
        item=item,
        preview_html=preview_html,
        images=uploads.uploads_of(course),
    ), form_status(form)


@blueprint.route("/courses/<int:course_id>/images", methods=["GET", "POST"])
@allow("trainer")
def images(course_id: int):
    course = editable_course(course_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        with saving(form.file) as saved:
            stored = uploads.store_upload(
                course, current_user.id, upload.filename or "image", upload.read()
            )
        if saved:
            flash(_("Image %(name)s uploaded.", name=stored.filename), "success")
            return redirect(url_for("authoring.images", course_id=course.id))
    return render_template(
        "authoring/images.html", form=form, course=course, images=uploads.uploads_of(course)
    ), form_status(form)


# --- quizzes ---------------------------------------------------------------------------------


@blueprint.route(
    "/courses/<int:course_id>/modules/<int:module_id>/quizzes/new", methods=["GET", "POST"]
)
@blueprint.route("/courses/<int:course_id>/quizzes/<int:item_id>", methods=["GET", "POST"])
@allow("trainer")
def edit_quiz(course_id: int, module_id: int | None = None, item_id: int | None = None):
    course = editable_course(course_id)
    item = item_of_kind(course, item_id, ItemKind.QUIZ) if item_id is not None else None
    module = item.module if item else structure.get_module(module_id, course)
    form = QuizForm(**shown_on_get(QuizForm.values_of(item) if item else {}))
    if form.validate_on_submit():
        with saving(form) as saved:
            if item is None:
                item = quizzes.add_quiz(
                    module, form.title.data, form.settings(), required=form.required.data
                )
            else:
                quizzes.update_quiz(
                    item, form.title.data, form.settings(), required=form.required.data
                )
        if saved:
            flash(_("Quiz “%(title)s” saved.", title=item.title), "success")
            return redirect(outline_url(course, f"item-{item.id}"))
    bank = questions.bank_of(course)
    return render_template(
        "authoring/quiz_form.html",
        form=form,
        course=course,
        module=module,
        item=item,
        categories=sorted({q.category for q in bank if q.category}),
        bank_size=len(bank),
    ), form_status(form)
