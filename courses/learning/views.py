"""The officer's learning loop: catalogue, course outline, lessons, quizzes, results, uploads.

Views are thin: they read through the learning services, commit once when something was written,
and hand templates plain data. Every page runs a fixed number of queries, whatever the size of
the course (see tests/courses/test_query_counts.py).
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from courses.assignments.views.assignments import officer_dashboard
from courses.authoring.services.authored_courses import can_edit
from courses.certificates.services import register as certificate_register
from courses.learning.models import Attempt, AttemptStatus, Course, CourseItem, ItemKind
from courses.learning.questiontypes import question_type
from courses.learning.services import attempts, catalogue, progress, reviews, uploads
from courses.learning.services.principles import list_principles
from lms.access import allow
from lms.edge import saving
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.timeutil import utcnow

blueprint = Blueprint("learning", __name__, template_folder="templates")

FINISHED = (AttemptStatus.GRADED.value, attempts.EXPIRED)
SINGLE_PARAGRAPH = re.compile(r"\A<p>((?:(?!</?p>).)*)</p>\Z", re.DOTALL)


@blueprint.app_template_filter("unwrap_paragraph")
def unwrap_paragraph(html: str) -> Markup:
    """Sanitised HTML of one paragraph without its <p>, so it fits in a label or a list item.
    Only for HTML that went through lms.markdown (it is marked safe as it is)."""
    match = SINGLE_PARAGRAPH.match(html.strip())
    return Markup(match.group(1) if match else html)  # noqa: S704 (sanitised at freeze time)


@blueprint.app_template_filter("utc")
def format_utc(moment: datetime | None) -> str:
    """A stored (naive UTC) time as officers read it, saying it is UTC."""
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""


# --- catalogue and outline -------------------------------------------------------------------


@blueprint.route("/courses")
@allow("officer")
def catalogue_page():
    principles = list_principles()
    wanted = request.args.get("principle", "").strip().upper()
    known = {p.code: p for p in principles}
    problem = None
    if wanted and wanted not in known:
        problem = _(
            "There is no reform principle with the code “%(code)s”. Choose one from the list; "
            "all published courses are shown below.",
            code=wanted[:40],
        )
        wanted = ""
    courses = catalogue.published_courses(wanted or None)
    progress_by_course = progress.progress_for(current_user.id, [c.id for c in courses])
    return render_template(
        "learning/catalogue.html",
        principles=principles,
        selected=known.get(wanted),
        problem=problem,
        courses=[(c, catalogue.principles_of(c), progress_by_course[c.id]) for c in courses],
    ), (400 if problem else 200)


@blueprint.route("/courses/<int:course_id>")
@allow("officer")
def course_page(course_id: int):
    course = catalogue.published_outline(course_id)
    items = [item for module in course.modules for item in module.items]
    done = progress.done_item_ids(current_user.id, course.id)
    course_progress = progress.progress_for(current_user.id, [course.id])[course.id]
    best = attempts.best_scores(
        current_user.id, [item.id for item in items if item.kind == ItemKind.QUIZ]
    )
    enrolment = progress.find_enrolment(current_user.id, course.id)
    by_id = {item.id: item for item in items}
    resume = by_id.get(enrolment.last_item_id) if enrolment else None
    next_item = next((item for item in items if item.id not in done and item.required), None)
    return render_template(
        "learning/course.html",
        course=course,
        principles=catalogue.principles_of(course),
        done=done,
        best=best,
        progress=course_progress,
        enrolment=enrolment,
        resume=resume,
        next_item=next_item,
        first_item=items[0] if items else None,
    )


# --- lessons and quiz landing pages ----------------------------------------------------------


@blueprint.route("/courses/<int:course_id>/items/<int:item_id>")
@allow("officer")
def item_page(course_id: int, item_id: int):
    item = catalogue.published_item(course_id, item_id)
    if item.kind == ItemKind.TASK:  # the marking room's page (courses/marking)
        return redirect(url_for("marking.task_page", course_id=course_id, item_id=item_id))
    # The page shows what was just written: reloading the item and the signed-in user after
    # the commit would cost four queries on every lesson view.
    with saving(keep_loaded=True):
        if item.kind == ItemKind.LESSON:
            progress.mark_item_done(current_user.id, item)
        else:
            progress.note_visit(current_user.id, item)
    sequence = catalogue.item_sequence(course_id)
    position = next(i for i, ref in enumerate(sequence) if ref.id == item.id)
    context = {
        "course": item.module.course,
        "item": item,
        "position": position + 1,
        "count": len(sequence),
        "previous": sequence[position - 1] if position > 0 else None,
        "next": sequence[position + 1] if position + 1 < len(sequence) else None,
        "progress": progress.progress_for(current_user.id, [course_id])[course_id],
    }
    if item.kind == ItemKind.LESSON:
        return render_template("learning/lesson.html", **context)
    # Every attempt is listed (history); the allowance and best score are this cycle's.
    past = attempts.attempts_of(current_user.id, item.id)
    allowance = attempts.allowance(current_user.id, item)
    graded = [
        a.score
        for a in past
        if a.cycle == allowance.cycle and a.status == AttemptStatus.GRADED and a.score is not None
    ]
    return render_template(
        "learning/quiz.html",
        quiz=item.quiz,
        allowance=allowance,
        past=past,
        earlier_cycles=any(a.cycle != allowance.cycle for a in past),
        best_score=max(graded) if graded else None,
        now=utcnow(),
        grace=attempts.submit_grace(),
        **context,
    )


@blueprint.route("/courses/<int:course_id>/items/<int:item_id>/attempts", methods=["POST"])
@allow("officer")
def start_attempt(course_id: int, item_id: int):
    item = catalogue.published_item(course_id, item_id)
    try:
        with saving():
            attempt = attempts.start_attempt(current_user.id, item)
    except (Conflict, ValidationError) as error:  # no attempt left, or no question yet
        flash(error.message, "error")
        return redirect(url_for("learning.item_page", course_id=course_id, item_id=item_id))
    return redirect(url_for("learning.attempt_page", attempt_id=attempt.id))


# --- attempts --------------------------------------------------------------------------------


def _grading_rules(attempt: Attempt) -> list[tuple[str, str]]:
    """The label and grading rule of each question type the attempt uses, in order of use."""
    names = dict.fromkeys(entry["qtype"] for entry in attempt.snapshot)
    return [(str(question_type(n).label), str(question_type(n).grading_rule)) for n in names]


def _expire_if_overdue(attempt: Attempt) -> bool:
    """Close an attempt whose time ran out unsubmitted (it counts, with no score), and tell
    the officer; True when it was closed now."""
    if attempt.status != AttemptStatus.IN_PROGRESS or attempt.deadline_at is None:
        return False
    if utcnow() <= attempt.deadline_at + attempts.submit_grace():
        return False
    with saving():
        attempts.expire_overdue(attempt.user_id, attempt.item_id)
    flash(
        _(
            "The time limit of this attempt ended at %(deadline)s. It is closed with no score.",
            deadline=format_utc(attempt.deadline_at),
        ),
        "error",
    )
    return True


@blueprint.route("/attempts/<int:attempt_id>")
@allow("officer")
def attempt_page(attempt_id: int):
    attempt = attempts.own_attempt(attempt_id, current_user.id)
    if attempt.status in FINISHED or _expire_if_overdue(attempt):
        return redirect(url_for("learning.result_page", attempt_id=attempt_id))
    item = db.session.get(CourseItem, attempt.item_id)
    minutes_left = seconds_left = None
    if attempt.deadline_at is not None:
        # Rounded down for the countdown (it ends at the deadline or just before, never after),
        # up for the sentence read without it.
        seconds = (attempt.deadline_at - utcnow()).total_seconds()
        seconds_left = max(0, math.floor(seconds))
        minutes_left = max(0, math.ceil(seconds / 60))
    return render_template(
        "learning/attempt.html",
        attempt=attempt,
        item=item,
        course=item.module.course,
        questions=attempts.public_questions(attempt),
        minutes_left=minutes_left,
        seconds_left=seconds_left,
        grace_seconds=round(attempts.submit_grace().total_seconds()),
        grading_rules=_grading_rules(attempt),
    )


@blueprint.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@allow("officer")
def submit_attempt(attempt_id: int):
    try:
        # A second submit changes nothing; a late one has just been closed by the service,
        # and that closing is kept.
        with saving(commit_on=(Conflict,)):
            attempts.submit_attempt(current_user.id, attempt_id, request.form.to_dict(flat=False))
    except Conflict as error:
        flash(error.message, "error")
    return redirect(url_for("learning.result_page", attempt_id=attempt_id))


@blueprint.route("/attempts/<int:attempt_id>/result")
@allow("officer")
def result_page(attempt_id: int):
    attempt = attempts.own_attempt(attempt_id, current_user.id)
    if attempt.status == AttemptStatus.IN_PROGRESS and not _expire_if_overdue(attempt):
        return redirect(url_for("learning.attempt_page", attempt_id=attempt_id))
    item = db.session.get(CourseItem, attempt.item_id)
    allowance = attempts.allowance(current_user.id, item)
    shows = reviews.review_shown(attempt, item.quiz, allowance)
    return render_template(
        "learning/result.html",
        attempt=attempt,
        item=item,
        quiz=item.quiz,
        course=item.module.course,
        allowance=allowance,
        shows=shows.value,
        review=reviews.review_of(attempt, shows),
        expired=attempt.status == attempts.EXPIRED,
        grading_rules=_grading_rules(attempt),
    )


# --- the officer's dashboard -----------------------------------------------------------------


@blueprint.route("/my/learning")
@allow("officer")
def my_learning():
    enrolments = progress.enrolments_of(current_user.id)
    by_course = progress.progress_for(current_user.id, [e.course_id for e in enrolments])
    last_items = catalogue.items_by_id(
        [e.last_item_id for e in enrolments if e.last_item_id is not None]
    )
    started = [e for e in enrolments if e.completed_at is None and e.course.is_published]
    completed = sorted(
        (e for e in enrolments if e.completed_at is not None),
        key=lambda e: e.completed_at,
        reverse=True,
    )
    return render_template(
        "learning/my_learning.html",
        started=started,
        completed=completed,
        progress=by_course,
        last_items=last_items,
        results=attempts.recent_results(current_user.id),
        certificates=certificate_register.certificates_of(current_user.id),
        **officer_dashboard(current_user.id),
    )


# --- lesson images ---------------------------------------------------------------------------


@blueprint.route("/uploads/<int:upload_id>/<filename>")
@allow("officer", "trainer")
def upload_file(upload_id: int, filename: str):
    """A lesson image, served only as the image type read from its bytes, in a sandbox."""
    try:
        upload = uploads.get_upload(upload_id)
    except NotFound:
        abort(404)
    course = db.session.get(Course, upload.course_id)
    allowed = can_edit(current_user, course) or (
        current_user.has_role("officer") and course.is_published
    )
    if not allowed or filename != upload.filename:
        abort(404)
    response = Response(upload.data, mimetype=upload.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{upload.filename}"'
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
