"""Progress: lessons viewed, quizzes passed, courses completed. Functions flush; callers commit.

Every read here is a fixed number of grouped queries, whatever the number of courses or items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from courses.events import CourseCompleted
from courses.learning.models import CourseEnrolment, CourseItem, ItemProgress
from lms.events import publish
from lms.extensions import db
from lms.timeutil import utcnow


@dataclass(frozen=True)
class CourseProgress:
    done: int
    total: int
    completed_at: datetime | None = None

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.done / self.total)

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


def progress_for(user_id: int, course_ids: Iterable[int]) -> dict[int, CourseProgress]:
    """Required items done and in total, per course, in two queries."""
    ids = list(course_ids)
    if not ids:
        return {}
    counts = {
        course_id: (total, done)
        for course_id, total, done in db.session.execute(
            select(
                CourseItem.course_id,
                func.count(CourseItem.id),
                func.count(ItemProgress.item_id),
            )
            .outerjoin(
                ItemProgress,
                and_(ItemProgress.item_id == CourseItem.id, ItemProgress.user_id == user_id),
            )
            .where(CourseItem.course_id.in_(ids), CourseItem.required.is_(True))
            .group_by(CourseItem.course_id)
        )
    }
    completed = dict(
        db.session.execute(
            select(CourseEnrolment.course_id, CourseEnrolment.completed_at).where(
                CourseEnrolment.user_id == user_id, CourseEnrolment.course_id.in_(ids)
            )
        ).all()
    )
    result = {}
    for course_id in ids:
        total, done = counts.get(course_id, (0, 0))
        result[course_id] = CourseProgress(done, total, completed.get(course_id))
    return result


def done_item_ids(user_id: int, course_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ItemProgress.item_id).where(
                ItemProgress.user_id == user_id, ItemProgress.course_id == course_id
            )
        )
    )


def enrolments_of(user_id: int) -> list[CourseEnrolment]:
    """The courses an officer has started, latest visit first, each with its course (one
    query)."""
    return list(
        db.session.scalars(
            select(CourseEnrolment)
            .where(CourseEnrolment.user_id == user_id)
            .options(joinedload(CourseEnrolment.course))
            .order_by(CourseEnrolment.last_seen_at.desc(), CourseEnrolment.course_id)
        )
    )


def find_enrolment(user_id: int, course_id: int) -> CourseEnrolment | None:
    """The officer's enrolment in a course, or None before their first visit."""
    return db.session.get(CourseEnrolment, (user_id, course_id))


def current_cycle(user_id: int, course_id: int) -> int:
    """The officer's certification cycle in a course: 1 until recertification reopens it."""
    row = find_enrolment(user_id, course_id)
    return row.cycle if row is not None else 1


def enrolment(user_id: int, course_id: int) -> CourseEnrolment:
    """The officer's enrolment in a course, created on first visit."""
    row = find_enrolment(user_id, course_id)
    if row is None:
        row = CourseEnrolment(user_id=user_id, course_id=course_id)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # a parallel request enrolled first
            row = db.session.get(CourseEnrolment, (user_id, course_id))
    return row


def mark_item_done(user_id: int, item: CourseItem) -> bool:
    """Record an item as completed (once). Returns True when this completes the course."""
    row = enrolment(user_id, item.course_id)
    # Read before changing the enrolment: a read after it would flush the change first, and
    # the database's write lock (SQLite) would then be held for longer.
    done_before = db.session.get(ItemProgress, (user_id, item.id)) is not None
    row.last_item_id, row.last_seen_at = item.id, utcnow()
    if not done_before:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ItemProgress(user_id=user_id, item_id=item.id, course_id=item.course_id)
                )
        except IntegrityError:
            pass  # recorded by a parallel request
    return _complete_if_done(user_id, item.course_id, row)


def note_visit(user_id: int, item: CourseItem) -> None:
    """Remember where the officer left off, without completing anything."""
    row = enrolment(user_id, item.course_id)
    row.last_item_id, row.last_seen_at = item.id, utcnow()
    db.session.flush()


def _complete_if_done(user_id: int, course_id: int, row: CourseEnrolment) -> bool:
    if row.completed_at is not None:
        return False
    db.session.flush()
    progress = progress_for(user_id, [course_id])[course_id]
    if progress.total and progress.done >= progress.total:
        # Only the request whose update finds the enrolment still open completes it: two
        # requests finishing the last item at once would otherwise both send the event.
        now = utcnow()
        claimed = db.session.execute(
            update(CourseEnrolment)
            .where(
                CourseEnrolment.user_id == user_id,
                CourseEnrolment.course_id == course_id,
                CourseEnrolment.completed_at.is_(None),
            )
            .values(completed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.refresh(row, ["completed_at"])
            return False
        set_committed_value(row, "completed_at", now)
        publish(CourseCompleted(user_id=user_id, course_id=course_id, completed_at=now))
        return True
    return False
