"""The trainer's authoring pages: courses, modules, lessons, quizzes, the question bank, images,
a preview as officers see it, and courses as zip files.

Every page is for trainers, and every course page first checks that the course belongs to the
trainer's training unit (`authoring.ensure_can_edit`, a 403 otherwise); modules, items and
questions are then looked up within that course (a 404 for another course's ids). Views are
thin: the services do the work and flush, the view commits once.
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from courses.forms import (
    CourseForm,
    ImportForm,
    LessonForm,
    ModuleForm,
    QuestionForm,
    QuizForm,
    UploadForm,
    form_drops_details,
)
from courses.models import Course, CourseItem, CourseStatus, ItemKind
from courses.questiontypes import QUESTION_TYPES, question_type
from courses.services import attempts, authoring, course_files, questions, uploads
from courses.services.principles import list_principles
from lms.access import allow
from lms.errors import DomainError, NotFound, ValidationError
from lms.extensions import db
from lms.markdown import render_markdown, render_markdown_markup

blueprint = Blueprint("authoring", __name__, url_prefix="/author", template_folder="../templates")

STATUS_MESSAGES = {
    CourseStatus.PUBLISHED.value: _l("Course published: officers can now find it."),
    CourseStatus.ARCHIVED.value: _l("Course archived: officers no longer see it."),
    CourseStatus.DRAFT.value: _l("Course back to draft: officers no longer see it."),
}
DIRECTIONS = {"up": -1, "down": 1}


def editable_course(course_id: int) -> Course:
    """The course, when the signed-in trainer may edit it (DomainErrors become 404/403)."""
    course = authoring.get_course(course_id)
    authoring.ensure_can_edit(current_user, course)
    return course


def item_of_kind(course: Course, item_id: int, kind: ItemKind) -> CourseItem:
    item = authoring.get_item(item_id, course)
    if item.kind != kind:
        raise NotFound(f"No {kind.value} with id {item_id} in this course.")
    return item


def outline_url(course: Course, anchor: str | None = None) -> str:
    return url_for("authoring.outline", course_id=course.id, _anchor=anchor)


def shown_on_get(values: dict[str, Any]) -> dict[str, Any]:
    """The saved values fill a form only when it is shown: a POST is read alone, so a field
    left out of it is missing, not silently kept from the saved object."""
    return values if request.method == "GET" else {}


def form_status(form: FlaskForm) -> int:
    """400 for a submitted form that was refused (its errors are on the page), else 200."""
    refused = form.is_submitted() and (form.errors or getattr(form, "form_errors", None))
    return 400 if refused else 200


def direction_asked() -> int:
    try:
        return DIRECTIONS[request.form.get("direction", "")]
    except KeyError:
        raise ValidationError("Say whether to move it up or down.") from None


# --- courses ---------------------------------------------------------------------------------


@blueprint.route("/courses")
@allow("trainer")
def courses():
    return render_template(
        "authoring/courses.html",
        summaries=authoring.course_summaries(current_user.unit_id),
        unit=current_user.unit,
    )


@blueprint.route("/courses/new", methods=["GET", "POST"])
@blueprint.route("/courses/<int:course_id>/details", methods=["GET", "POST"])
@allow("trainer")
def edit_course(course_id: int | None = None):
    course = editable_course(course_id) if course_id is not None else None
    form = CourseForm(obj=course if request.method == "GET" else None)
    if form.validate_on_submit():
        details = authoring.CourseDetails(
            form.code.data,
            form.title.data,
            form.summary.data or "",
            form.validity_months.data,
            form.recertify.data,
        )
        try:
            if course is None:
                course = authoring.create_course(details, training_unit_id=current_user.unit_id)
            else:
                authoring.update_course(course, details)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
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
        problems=authoring.publication_problems(course) if publish_problems is None else [],
        publish_problems=publish_problems,
        bank_size=len(questions.bank_of(course)),
    ), status


@blueprint.route("/courses/<int:course_id>/status", methods=["POST"])
@allow("trainer")
def set_status(course_id: int):
    course = editable_course(course_id)
    wanted = request.form.get("status", "")
    try:
        authoring.set_status(course, wanted)
    except authoring.PublicationProblems as error:
        db.session.rollback()
        return render_outline(course, publish_problems=error.problems, status=400)
    db.session.commit()
    flash(str(STATUS_MESSAGES.get(wanted, _("Status changed."))), "success")
    return redirect(outline_url(course))


@blueprint.route("/courses/<int:course_id>/modules/<int:module_id>/move", methods=["POST"])
@allow("trainer")
def move_module(course_id: int, module_id: int):
    course = editable_course(course_id)
    module = authoring.get_module(module_id, course)
    authoring.move_module(module, direction_asked())
    db.session.commit()
    return redirect(outline_url(course, f"module-{module.id}"))


@blueprint.route("/courses/<int:course_id>/items/<int:item_id>/move", methods=["POST"])
@allow("trainer")
def move_item(course_id: int, item_id: int):
    course = editable_course(course_id)
    item = authoring.get_item(item_id, course)
    authoring.move_item(item, direction_asked())
    db.session.commit()
    return redirect(outline_url(course, f"item-{item.id}"))


@blueprint.route("/courses/<int:course_id>/items/<int:item_id>/delete", methods=["POST"])
@allow("trainer")
def delete_item(course_id: int, item_id: int):
    course = editable_course(course_id)
    item = authoring.get_item(item_id, course)
    title = item.title
    try:
        authoring.delete_item(item)
    except DomainError as error:
        db.session.rollback()
        flash(
            _("“%(title)s” was not deleted. %(reason)s", title=title, reason=error.message), "error"
        )
        return redirect(outline_url(course, f"item-{item_id}"))
    db.session.commit()
    flash(_("“%(title)s” deleted.", title=title), "success")
    return redirect(outline_url(course))


# --- modules ---------------------------------------------------------------------------------


@blueprint.route("/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@blueprint.route("/courses/<int:course_id>/modules/<int:module_id>", methods=["GET", "POST"])
@allow("trainer")
def edit_module(course_id: int, module_id: int | None = None):
    course = editable_course(course_id)
    module = authoring.get_module(module_id, course) if module_id is not None else None
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
        try:
            if module is None:
                module = authoring.add_module(
                    course, form.title.data, principle_codes, form.codes()
                )
            else:
                authoring.update_module(module, form.title.data, principle_codes, form.codes())
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
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
    module = item.module if item else authoring.get_module(module_id, course)
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
        try:
            if item is None:
                item = authoring.add_lesson(
                    module, form.title.data, form.markdown.data or "", required=form.required.data
                )
            else:
                authoring.update_lesson(
                    item, form.title.data, form.markdown.data or "", required=form.required.data
                )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
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
        try:
            stored = uploads.store_upload(
                course, current_user.id, upload.filename or "image", upload.read()
            )
        except DomainError as error:
            db.session.rollback()
            form.file.errors = [error.message]
        else:
            db.session.commit()
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
    module = item.module if item else authoring.get_module(module_id, course)
    form = QuizForm(**shown_on_get(QuizForm.values_of(item) if item else {}))
    if form.validate_on_submit():
        try:
            if item is None:
                item = authoring.add_quiz(
                    module, form.title.data, form.settings(), required=form.required.data
                )
            else:
                authoring.update_quiz(
                    item, form.title.data, form.settings(), required=form.required.data
                )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
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


# --- question bank ---------------------------------------------------------------------------


@blueprint.route("/courses/<int:course_id>/questions")
@allow("trainer")
def question_bank(course_id: int):
    course = editable_course(course_id)
    return render_template(
        "authoring/questions.html",
        course=course,
        questions=questions.bank_of(course, include_archived=True),
        type_labels={name: kind.label for name, kind in QUESTION_TYPES.items()},
    )


@blueprint.route("/courses/<int:course_id>/questions/new", methods=["GET", "POST"])
@blueprint.route("/courses/<int:course_id>/questions/<int:question_id>", methods=["GET", "POST"])
@allow("trainer")
def edit_question(course_id: int, question_id: int | None = None):
    course = editable_course(course_id)
    question = questions.get_question(question_id, course) if question_id is not None else None
    if question is not None:
        values = QuestionForm.values_of(question)
    else:
        wanted = request.args.get("type", "")
        values = {"qtype": wanted} if wanted in QUESTION_TYPES else {}
    form = QuestionForm(**shown_on_get(values))
    problems: list[str] = []
    preview = None
    if form.is_submitted() and form.refresh.data:
        pass  # only show the fields of the type now chosen
    elif form.validate_on_submit():
        entry = form.question_input()
        problems = questions.check_question(entry)
        if not problems and form.preview.data:
            preview = question_preview(entry.qtype, entry.text, entry.data, entry.general_feedback)
        elif not problems:
            try:
                question = questions.save_question(course, question, entry)
            except DomainError as error:
                db.session.rollback()
                problems = [error.message]
            else:
                db.session.commit()
                flash(_("Question saved."), "success")
                return redirect(url_for("authoring.question_bank", course_id=course.id))
    elif not form.is_submitted() and question is not None:
        preview = question_preview(
            question.qtype, question.text, question.data, question.general_feedback
        )
    failed = bool(problems or (form.is_submitted() and form.errors))
    return render_template(
        "authoring/question_form.html",
        form=form,
        course=course,
        question=question,
        problems=problems,
        preview=preview,
        chosen=question_type(form.qtype.data) if form.qtype.data in QUESTION_TYPES else None,
        question_types=QUESTION_TYPES,
        drops_details=question is not None and form_drops_details(question),
    ), (400 if failed else 200)


def question_preview(
    qtype: str, text: str, data: dict[str, Any], general_feedback: str
) -> dict[str, Any]:
    """A question with its key, as the trainer checks it: every text rendered and sanitised
    the way the quiz and the review show it (the template marks these strings safe)."""
    frozen = question_type(qtype).freeze(data, random.Random(0), False)
    return {
        "qtype": qtype,
        "text_html": render_markdown(text),
        "frozen": frozen,
        "general_feedback_html": render_markdown(general_feedback),
    }


@blueprint.route("/courses/<int:course_id>/questions/<int:question_id>/archive", methods=["POST"])
@allow("trainer")
def archive_question(course_id: int, question_id: int):
    course = editable_course(course_id)
    question = questions.get_question(question_id, course)
    archived = request.form.get("archived") == "1"
    questions.set_archived(question, archived)
    db.session.commit()
    flash(
        _("Question archived: quizzes no longer draw it.")
        if archived
        else _("Question back in the bank: quizzes draw it again."),
        "success",
    )
    return redirect(
        url_for("authoring.question_bank", course_id=course.id, _anchor=f"q-{question.id}")
    )


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
    return render_template("authoring/preview.html", course=course, draws=draws)


@blueprint.route("/courses/<int:course_id>/export")
@allow("trainer")
def export(course_id: int):
    course = editable_course(course_id)
    return Response(
        course_files.export_course_zip(course),
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
        data = upload.read(course_files.MAX_ZIP_BYTES + 1)
        try:
            course = course_files.import_course_zip(
                data, upload.filename or "course.zip", training_unit_id=current_user.unit_id
            )
        except course_files.CourseFileErrors as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(
                _("Course %(code)s imported as a draft.", code=course.code),
                "success",
            )
            return redirect(outline_url(course))
    failed = bool(problems or form.errors)
    return render_template("authoring/import.html", form=form, problems=problems), (
        400 if failed else 200
    )
