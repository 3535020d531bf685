"""Who marks a task, and the notifications both sides get: the markers when there is work in
their queue, the officer when a marking is released or a resubmission asked for."""

from __future__ import annotations

from sqlalchemy import select

from courses.marking.models import Submission, Task
from lms.accounts.models import Role, User, UserRole
from lms.extensions import db
from lms.links import app_path
from lms.notifications.services import NewNotification, add_notifications

SUBMISSION_KIND = "task_submitted"
SECOND_MARKING_KIND = "task_second_marking"
RELEASED_KIND = "task_marked"
RESUBMIT_KIND = "task_resubmit"


def marker_ids(task: Task) -> list[int]:
    """The active trainers of the course's training unit: the people who mark its tasks."""
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.unit_id == task.item.module.course.training_unit_id,
                User.active.is_(True),
                UserRole.role == Role.TRAINER.value,
            )
            .order_by(User.id)
        )
    )


def notify_markers_of_submission(task: Task, submission: Submission) -> None:
    queue = app_path("marking.queue")
    add_notifications(
        SUBMISSION_KIND,
        [
            NewNotification(
                user_id,
                f"To mark: {task.item.title}",
                f"A new answer ({submission.label}) is waiting in your marking queue.",
                queue,
            )
            for user_id in marker_ids(task)
            if user_id != submission.user_id
        ],
    )


def notify_second_markers(task: Task, submission: Submission, first_marker_id: int) -> None:
    queue = app_path("marking.queue")
    add_notifications(
        SECOND_MARKING_KIND,
        [
            NewNotification(
                user_id,
                f"Second marking needed: {task.item.title}",
                f"Answer {submission.label} was marked at Expert level; an Expert level counts "
                "only when a second marker agrees. Mark it without seeing the first marking.",
                queue,
            )
            for user_id in marker_ids(task)
            if user_id not in (first_marker_id, submission.user_id)
        ],
    )


def notify_officer(task: Task, submission: Submission, *, resubmit: bool) -> None:
    page = app_path("marking.task_page", course_id=task.item.course_id, item_id=task.item_id)
    if resubmit:
        subject = f"Please hand in again: {task.item.title}"
        body = "Your marker asked for a new submission. Read the comment on the task page."
        kind = RESUBMIT_KIND
    else:
        subject = f"Marked: {task.item.title}"
        body = (
            "Your answer has been marked. The levels and the marker's comment are on the task page."
        )
        kind = RELEASED_KIND
    add_notifications(kind, [NewNotification(submission.user_id, subject, body, page)])
