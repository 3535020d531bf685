"""The markers' side: the queue of the trainer's training unit, the marking page with the
rubric, and the files handed in."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.marking.forms import LEVEL_NAMES, MarkingForm
from courses.marking.models import MarkingOutcome, SubmissionStatus
from courses.marking.services import marking
from courses.marking.services.guides import competency_guides
from courses.marking.services.submissions import download_name, files_of
from courses.marking.views.blueprint import blueprint, file_response
from lms.access import allow
from lms.edge import form_status, saving


@blueprint.route("/marking")
@allow("trainer")
def queue():
    return render_template("marking/queue.html", queue=marking.marking_queue(current_user))


@blueprint.route("/marking/submissions/<int:submission_id>", methods=["GET", "POST"])
@allow("trainer")
def mark(submission_id: int):
    submission = marking.submission_to_mark(current_user, submission_id)
    criteria = submission.task.criteria
    form = MarkingForm.for_rubric(criteria)()
    asks_resubmission = form.is_submitted() and bool(form.resubmit.data)
    if asks_resubmission:
        for criterion in criteria:  # a resubmission needs a reason, not levels
            del form[f"criterion_{criterion.id}"]
    if form.validate_on_submit():
        outcome = MarkingOutcome.RESUBMIT if asks_resubmission else MarkingOutcome.MARKED
        levels = {} if asks_resubmission else form.levels(criteria)
        with saving(form.comment) as saved:
            marking.mark(current_user, submission, levels, form.comment.data or "", outcome)
        if saved:
            flash(_marked_message(submission.status), "success")
            return redirect(url_for("marking.queue"))
    return render_template(
        "marking/mark.html",
        submission=submission,
        task=submission.task,
        form=form,
        level_names=LEVEL_NAMES,
        guides=competency_guides([submission.task]),
        view=marking.marking_view(current_user, submission),
        has_file=bool(files_of([submission.id])),
    ), form_status(form)


def _marked_message(status: str) -> str:
    if status == SubmissionStatus.SECOND_MARKING:
        return _(
            "Marking saved. You gave an Expert level: it counts once a second marker agrees; "
            "the other trainers of your unit have been told."
        )
    if status == SubmissionStatus.RESUBMIT:
        return _("The officer has been asked to hand in again, with your comment.")
    return _("Marking saved: the result is released to the officer and recorded as evidence.")


@blueprint.route("/marking/submissions/<int:submission_id>/file")
@allow("trainer")
def submission_file(submission_id: int):
    submission, file = marking.submission_file(current_user, submission_id)
    return file_response(file, download_name(submission, file))
