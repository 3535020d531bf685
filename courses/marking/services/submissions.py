"""Officers handing in tasks: the task as the officer sees it, a submission (written answer
and perhaps a file), and a resubmission when a marker asked for one. Functions flush; callers
commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from courses.learning.models import CourseItem, ItemKind, Module
from courses.learning.services.progress import current_cycle
from courses.marking.models import (
    AttachmentRule,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    Task,
)
from courses.marking.services.files import EXTENSIONS, checked_file
from courses.marking.services.notices import notify_markers_of_submission
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.markdown import render_markdown

MAX_ANSWER_CHARS = 20_000
# Labels blind markers see: no 0/O or 1/I to misread when talking about one.
_LABEL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class TaskState:
    """Where an officer stands with a task: every submission, newest last, and whether a
    (re)submission is open now, with the reason when it is not."""

    submissions: list[Submission]
    can_submit: bool
    reason: str
    with_file: frozenset[int] = frozenset()  # the submissions handed in with a file
    cycle: int = 1  # the officer's certification cycle in the course

    @property
    def this_cycle(self) -> list[Submission]:
        return [s for s in self.submissions if s.cycle == self.cycle]

    @property
    def latest(self) -> Submission | None:
        current = self.this_cycle
        return current[-1] if current else None


def published_task(course_id: int, item_id: int) -> Task:
    """A task of a published course, with its rubric, item, module and course (one query)."""
    task = db.session.scalar(
        select(Task)
        .join(CourseItem, CourseItem.id == Task.item_id)
        .where(CourseItem.id == item_id, CourseItem.course_id == course_id)
        .options(
            joinedload(Task.item).joinedload(CourseItem.module).joinedload(Module.course),
            selectinload(Task.criteria),
        )
    )
    if task is None or task.item.kind != ItemKind.TASK or not task.item.module.course.is_published:
        raise NotFound("There is no such task in a published course.")
    return task


def task_state(user_id: int, task: Task) -> TaskState:
    """The officer's submissions to a task (with their markings) and what they may do next."""
    submissions = list(
        db.session.scalars(
            select(Submission)
            .where(Submission.task_id == task.item_id, Submission.user_id == user_id)
            .order_by(Submission.number)
            .options(selectinload(Submission.markings))
        )
    )
    with_file = files_of([s.id for s in submissions])
    cycle = current_cycle(user_id, task.item.course_id)
    this_cycle = [s for s in submissions if s.cycle == cycle]
    latest = this_cycle[-1] if this_cycle else None
    if latest is None:
        return TaskState(submissions, True, "", with_file, cycle)
    if latest.status != SubmissionStatus.RESUBMIT:
        return TaskState(submissions, False, "Your answer has been handed in.", with_file, cycle)
    if len(this_cycle) >= task.max_submissions:
        reason = "You have used every submission this task allows."
        return TaskState(submissions, False, reason, with_file, cycle)
    return TaskState(submissions, True, "", with_file, cycle)


def files_of(submission_ids: list[int]) -> frozenset[int]:
    """Which of these submissions came with a file (one query, no bytes read)."""
    if not submission_ids:
        return frozenset()
    return frozenset(
        db.session.scalars(
            select(SubmissionFile.submission_id).where(
                SubmissionFile.submission_id.in_(submission_ids)
            )
        )
    )


def submit(
    user_id: int, task: Task, text: str, file: tuple[str, bytes] | None = None
) -> Submission:
    """Hand in a written answer (Markdown) and perhaps a file (name, bytes), checked as the
    task asks; the trainers who mark the course are told."""
    state = task_state(user_id, task)
    if not state.can_submit:
        raise Conflict(state.reason)
    text = text.strip()
    if not text:
        raise ValidationError("Write your answer before handing it in.")
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationError(
            f"Your answer is {len(text):,} characters long; it may be at most "
            f"{MAX_ANSWER_CHARS:,}. Put long material in the file."
        )
    rule = task.attachment
    if file is not None and rule == AttachmentRule.NONE:
        raise ValidationError("This task takes a written answer only, without a file.")
    if file is None and rule == AttachmentRule.REQUIRED:
        raise ValidationError("This task asks for a file (PDF or image) with your answer.")
    content_type = checked_file(file[1]) if file is not None else None
    submission = Submission(
        task_id=task.item_id,
        user_id=user_id,
        number=len(state.submissions) + 1,
        cycle=state.cycle,
        label=_new_label(),
        text=text,
        text_html=render_markdown(text),
        status=SubmissionStatus.SUBMITTED.value,
    )
    if file is not None and content_type is not None:
        submission.file = SubmissionFile(content_type=content_type, size=len(file[1]), data=file[1])
    db.session.add(submission)
    db.session.flush()
    notify_markers_of_submission(task, submission)
    return submission


def _new_label() -> str:
    return "".join(secrets.choice(_LABEL_ALPHABET) for _ in range(6))


def own_submission_file(user_id: int, task: Task, submission_id: int) -> tuple[SubmissionFile, str]:
    """The file of one of the officer's own submissions to the task, and the name to save it
    under."""
    submission = db.session.scalar(
        select(Submission)
        .where(
            Submission.id == submission_id,
            Submission.user_id == user_id,
            Submission.task_id == task.item_id,
        )
        .options(joinedload(Submission.file))
    )
    if submission is None or submission.file is None:
        raise NotFound("There is no such file among your submissions.")
    return submission.file, download_name(submission, submission.file)


def download_name(submission: Submission, file: SubmissionFile) -> str:
    """A name that says nothing about who handed the file in (blind marking)."""
    return f"submission-{submission.label}.{EXTENSIONS[file.content_type]}"


def submissions_waiting(task_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Submission.id)).where(
                Submission.task_id == task_id,
                Submission.status.in_(
                    (SubmissionStatus.SUBMITTED, SubmissionStatus.SECOND_MARKING)
                ),
            )
        )
        or 0
    )
