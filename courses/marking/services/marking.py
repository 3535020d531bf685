"""Marking: the queue of the trainers of a course's training unit, a marker's judgement against
the rubric, a resubmission asked for, the second marking an Expert level needs, and the final
marking, which releases the result and becomes evidence (TaskMarked). Functions flush; callers
commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from courses.events import CriterionJudgement, TaskMarked
from courses.learning.models import Course, CourseItem, Module
from courses.learning.services.progress import mark_item_done
from courses.marking.models import (
    Marking,
    MarkingOutcome,
    MarkingRole,
    RubricCriterion,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    Task,
)
from courses.marking.models.tasks import EXPERT_LEVEL
from courses.marking.services.notices import notify_officer, notify_second_markers
from lms.accounts.models import Role, User
from lms.errors import Conflict, NotFound, ValidationError
from lms.events import publish
from lms.extensions import db
from lms.timeutil import utcnow

MAX_COMMENT_CHARS = 5000
_OPEN = (SubmissionStatus.SUBMITTED.value, SubmissionStatus.SECOND_MARKING.value)


def can_mark(user: User, course: Course) -> bool:
    """The trainers of the course's training unit mark its tasks."""
    return user.has_role(Role.TRAINER.value) and user.unit_id == course.training_unit_id


@dataclass(frozen=True)
class QueueEntry:
    submission_id: int
    label: str
    officer: str | None  # None while blind marking hides who handed it in
    task_title: str
    course_code: str
    number: int
    status: str
    submitted_at: datetime
    finalised_at: datetime | None
    mine: bool  # this marker gave the first marking (waiting for someone else)


@dataclass(frozen=True)
class Queue:
    to_mark: list[QueueEntry]  # open to this marker
    waiting: list[QueueEntry]  # marked first by this marker, waiting for a second marker
    marked: list[QueueEntry]  # recently released, newest first


RECENT_LIMIT = 20


def marking_queue(marker: User) -> Queue:
    """The submissions of the tasks of the marker's training unit (two queries)."""
    rows = db.session.execute(
        _queue_query(marker).where(Submission.status.in_(_OPEN)).order_by(Submission.submitted_at)
    ).all()
    released = db.session.execute(
        _queue_query(marker)
        .where(Submission.status == SubmissionStatus.MARKED.value)
        .order_by(Submission.finalised_at.desc())
        .limit(RECENT_LIMIT)
    ).all()
    marked_by_me = _marked_by(marker.id, [row.id for row in rows])
    to_mark, waiting = [], []
    for row in rows:
        if row.user_id == marker.id:
            continue  # nobody marks their own answer
        entry = _entry(row, mine=row.id in marked_by_me)
        (waiting if entry.mine else to_mark).append(entry)
    return Queue(to_mark, waiting, [_entry(row, mine=False) for row in released])


def _queue_query(marker: User):
    return (
        select(
            Submission.id,
            Submission.label,
            Submission.user_id,
            Submission.number,
            Submission.status,
            Submission.submitted_at,
            Submission.finalised_at,
            User.full_name,
            Task.blind_marking,
            CourseItem.title,
            Course.code,
        )
        .join(Task, Task.item_id == Submission.task_id)
        .join(CourseItem, CourseItem.id == Task.item_id)
        .join(Course, Course.id == CourseItem.course_id)
        .join(User, User.id == Submission.user_id)
        .where(Course.training_unit_id == marker.unit_id)
    )


def _marked_by(marker_id: int, submission_ids: list[int]) -> set[int]:
    if not submission_ids:
        return set()
    return set(
        db.session.scalars(
            select(Marking.submission_id).where(
                Marking.marker_id == marker_id, Marking.submission_id.in_(submission_ids)
            )
        )
    )


def _entry(row, *, mine: bool) -> QueueEntry:
    hidden = row.blind_marking and row.status != SubmissionStatus.MARKED
    return QueueEntry(
        submission_id=row.id,
        label=row.label,
        officer=None if hidden else row.full_name,
        task_title=row.title,
        course_code=row.code,
        number=row.number,
        status=row.status,
        submitted_at=row.submitted_at,
        finalised_at=row.finalised_at,
        mine=mine,
    )


def submission_to_mark(marker: User, submission_id: int) -> Submission:
    """A submission of the marker's training unit, with its task, rubric, markings and file
    details (not the bytes); "not found" for anything outside that scope."""
    submission = db.session.scalar(
        select(Submission)
        .where(Submission.id == submission_id)
        .options(
            joinedload(Submission.task)
            .joinedload(Task.item)
            .joinedload(CourseItem.module)
            .joinedload(Module.course),
            selectinload(Submission.task, Task.criteria),
            selectinload(Submission.markings).joinedload(Marking.marker),
            joinedload(Submission.user),
        )
    )
    if submission is None or not can_mark(marker, submission.task.item.module.course):
        raise NotFound("There is no such submission in your marking queue.")
    return submission


@dataclass(frozen=True)
class MarkingView:
    """What a marker may see of a submission and do with it now."""

    officer: str | None  # None while blind marking hides who handed it in
    role: MarkingRole | None  # the marking this marker would give now; None: not theirs to mark
    reason: str  # why not, when role is None
    markings: list[Marking]  # the markings this marker may read
    final: dict[str, int] | None  # the levels that count, once final
    can_ask_resubmission: bool = False


def marking_view(marker: User, submission: Submission) -> MarkingView:
    """A second marker marks without seeing the first marking; once final, everyone sees both."""
    final = submission.is_final
    hidden = submission.task.blind_marking and not final
    try:
        role: MarkingRole | None = _role_for(marker, submission)
        reason = ""
    except (Conflict, ValidationError) as refusal:
        role, reason = None, str(refusal)
    open_to_read = final or submission.status == SubmissionStatus.RESUBMIT
    markings = [m for m in submission.markings if open_to_read or m.marker_id == marker.id]
    counted = [m.levels for m in submission.markings if m.outcome == MarkingOutcome.MARKED]
    return MarkingView(
        officer=None if hidden else submission.user.full_name,
        role=role,
        reason=reason,
        markings=markings,
        final=agreed_levels(counted) if final and counted else None,
        can_ask_resubmission=role == MarkingRole.FIRST and _submissions_left(submission),
    )


def submission_file(marker: User, submission_id: int):
    """The file handed in with a submission the marker may mark (bytes loaded)."""
    submission = submission_to_mark(marker, submission_id)
    file = db.session.get(SubmissionFile, submission.id)
    if file is None:
        raise NotFound("This submission has no file.")
    return submission, file


def mark(
    marker: User,
    submission: Submission,
    levels: Mapping[int, int],
    comment: str,
    outcome: MarkingOutcome = MarkingOutcome.MARKED,
) -> Submission:
    """Record the marker's judgement. Marked with an Expert level by the first marker, the
    submission waits for a second marker; otherwise (or after the second marking) it is final."""
    task = submission.task
    role = _role_for(marker, submission)
    comment = comment.strip()[:MAX_COMMENT_CHARS]
    if outcome == MarkingOutcome.RESUBMIT:
        return _ask_resubmission(marker, submission, comment, role)
    checked = checked_levels(task.criteria, levels)
    if not comment:
        raise ValidationError(
            "Write a comment for the officer: what the answer shows and what it lacks."
        )
    _add_marking(submission, marker, role, MarkingOutcome.MARKED, checked, comment)
    if role == MarkingRole.FIRST and EXPERT_LEVEL in checked.values():
        _claim(submission, SubmissionStatus.SUBMITTED, SubmissionStatus.SECOND_MARKING)
        notify_second_markers(task, submission, marker.id)
        return submission
    _finalise(submission)
    return submission


def _role_for(marker: User, submission: Submission) -> MarkingRole:
    if submission.user_id == marker.id:
        raise ValidationError("You cannot mark your own answer.")
    if submission.status not in _OPEN:
        raise Conflict("This answer is no longer waiting to be marked.")
    if any(m.marker_id == marker.id for m in submission.markings):
        raise Conflict(
            "You have marked this answer already; an Expert level needs a different second marker."
        )
    if submission.status == SubmissionStatus.SECOND_MARKING:
        return MarkingRole.SECOND
    return MarkingRole.FIRST


def checked_levels(criteria: list[RubricCriterion], levels: Mapping[int, int]) -> dict[str, int]:
    """A level for every criterion, each one its descriptors offer or 0 (not shown)."""
    checked: dict[str, int] = {}
    missing = []
    for criterion in criteria:
        level = levels.get(criterion.id)
        if level is None:
            missing.append(criterion.title)
        elif level != 0 and level not in criterion.levels:
            raise ValidationError(
                f"“{criterion.title}” has no descriptor at level {level}: choose one of the "
                "rubric's levels or “not shown”."
            )
        else:
            checked[str(criterion.id)] = level
    if missing:
        raise ValidationError("Choose a level for every criterion: " + "; ".join(missing) + ".")
    return checked


def _ask_resubmission(
    marker: User, submission: Submission, comment: str, role: MarkingRole
) -> Submission:
    task = submission.task
    if role == MarkingRole.SECOND:
        raise ValidationError(
            "A second marker marks the answer as it stands; a resubmission can be asked for "
            "only at the first marking."
        )
    if not comment:
        raise ValidationError("Say what the officer should change before handing in again.")
    if not _submissions_left(submission):
        raise ValidationError(
            f"This was the officer's last submission ({task.max_submissions} allowed): mark "
            "it as it stands."
        )
    _add_marking(submission, marker, role, MarkingOutcome.RESUBMIT, {}, comment)
    _claim(submission, SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMIT)
    submission.finalised_at = utcnow()
    notify_officer(task, submission, resubmit=True)
    return submission


def _submissions_left(submission: Submission) -> bool:
    """Whether the officer may hand in again in this cycle, if asked."""
    used = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.task_id == submission.task_id,
            Submission.user_id == submission.user_id,
            Submission.cycle == submission.cycle,
        )
    )
    return (used or 0) < submission.task.max_submissions


def _add_marking(
    submission: Submission,
    marker: User,
    role: MarkingRole,
    outcome: MarkingOutcome,
    levels: dict[str, int],
    comment: str,
) -> None:
    submission.markings.append(
        Marking(
            marker_id=marker.id,
            marker=marker,
            role=role.value,
            outcome=outcome.value,
            levels=levels,
            comment=comment,
        )
    )
    db.session.flush()


def _claim(submission: Submission, before: SubmissionStatus, after: SubmissionStatus) -> None:
    """Move the status only if nobody else moved it since it was read: two markers saving at
    once cannot both decide the same submission."""
    claimed = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == before.value)
        .values(status=after.value)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict("Another marker has just marked this answer; open the queue again.")
    submission.status = after.value
    db.session.flush()


def agreed_levels(markings: list[dict[str, int]]) -> dict[str, int]:
    """The levels that count: one marking's, or for two the lower of the two per criterion
    (an Expert level counts only when both markers gave it)."""
    first, *others = markings
    return {
        key: min([level, *(other.get(key, 0) for other in others)]) for key, level in first.items()
    }


def _finalise(submission: Submission) -> None:
    task = submission.task
    previous = SubmissionStatus(submission.status)
    _claim(submission, previous, SubmissionStatus.MARKED)
    now = utcnow()
    submission.finalised_at = now
    markings = [m for m in submission.markings if m.outcome == MarkingOutcome.MARKED]
    final = agreed_levels([m.levels for m in markings])
    judgements = tuple(
        CriterionJudgement(
            criterion=c.title,
            competency_code=c.competency_code,
            level=final[str(c.id)],
            descriptor=c.descriptor(final[str(c.id)]),
        )
        for c in task.criteria
    )
    publish(
        TaskMarked(
            submission_id=submission.id,
            user_id=submission.user_id,
            course_id=task.item.course_id,
            item_id=task.item_id,
            task_title=task.item.title,
            marked_at=now,
            assessor_ids=tuple(m.marker_id for m in markings),
            comment="\n\n".join(m.comment for m in markings),
            judgements=judgements,
        )
    )
    if all(j.level > 0 for j in judgements):
        mark_item_done(submission.user_id, task.item)
    notify_officer(task, submission, resubmit=False)
