"""Authoring pages for a course's question bank: the list, the question form, a preview as
officers see it, archiving."""

from __future__ import annotations

import random
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from courses.authoring.gift import Untagged
from courses.authoring.question_forms import (
    GiftImportForm,
    QuestionForm,
    form_drops_details,
    question_form,
)
from courses.authoring.services import bank_checks, bank_gift, questions
from courses.authoring.services.course_format import CourseFileErrors
from courses.authoring.views.blueprint import (
    blueprint,
    editable_course,
    shown_on_get,
)
from courses.learning.questiontypes import QUESTION_TYPES, question_type
from lms.access import allow
from lms.edge import saving
from lms.markdown import render_markdown

# --- question bank ---------------------------------------------------------------------------


@blueprint.route("/courses/<int:course_id>/questions")
@allow("trainer")
def question_bank(course_id: int):
    return _bank_page(editable_course(course_id), GiftImportForm(), [])


def _bank_page(course: Any, form: GiftImportForm, problems: list[str]) -> Any:
    return render_template(
        "authoring/questions.html",
        course=course,
        questions=questions.bank_of(course, include_archived=True),
        type_labels={name: kind.label for name, kind in QUESTION_TYPES.items()},
        import_form=form,
        problems=problems,
    )


@blueprint.route("/courses/<int:course_id>/questions/checks")
@allow("trainer")
def bank_checks_page(course_id: int):
    """The bank's checks, the per-bank part of `flask catalogue check`."""
    course = editable_course(course_id)
    low, high = bank_checks.TRUE_SHARE_BAND
    return render_template(
        "authoring/bank_checks.html",
        course=course,
        report=bank_checks.bank_report(course),
        percent=bank_checks.percent,
        band=(round(low * 100), round(high * 100)),
        ratio=bank_checks.NEAR_DUPLICATE_RATIO,
    )


@blueprint.route("/courses/<int:course_id>/questions.gift")
@allow("trainer")
def export_bank(course_id: int):
    """The questions in use as a GIFT file (Moodle imports it with its default settings)."""
    course = editable_course(course_id)
    return Response(
        bank_gift.export_bank_gift(course),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{course.code}-questions.gift"'},
    )


@blueprint.route("/courses/<int:course_id>/questions/import", methods=["POST"])
@allow("trainer")
def import_bank(course_id: int):
    """Add a GIFT file's questions to the bank: all of them, or none and every problem listed
    with its line."""
    course = editable_course(course_id)
    form = GiftImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.read(bank_gift.MAX_GIFT_BYTES + 1)
        finally:
            upload.close()  # a large upload is spooled to a temporary file
        untagged = Untagged(form.level.data, form.competency_code.data or None)
        try:
            with saving():
                report = bank_gift.import_bank_gift(course, data, untagged)
        except CourseFileErrors as error:
            problems = error.problems
        else:
            flash(
                _("%(count)d question(s) imported.", count=report.count),
                "success",
            )
            for note in report.notes:
                flash(note, "info")
            return redirect(url_for("authoring.question_bank", course_id=course.id))
    return _bank_page(course, form, problems), 400


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
    form = question_form(shown_on_get(values))
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
            with saving(form) as saved:
                question = questions.save_question(course, question, entry)
            if saved:
                flash(_("Question saved."), "success")
                return redirect(url_for("authoring.question_bank", course_id=course.id))
            problems = list(form.form_errors)  # the service's refusal, listed like the others
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
    with saving():
        questions.set_archived(question, archived)
    flash(
        _("Question archived: quizzes no longer draw it.")
        if archived
        else _("Question back in the bank: quizzes draw it again."),
        "success",
    )
    return redirect(
        url_for("authoring.question_bank", course_id=course.id, _anchor=f"q-{question.id}")
    )
