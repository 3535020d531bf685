"""Expiry and recertification (run daily by beat). Functions flush; callers commit.

A certificate whose validity period has run out is marked expired (once). Where its course says
so (Course.recertify), the holder must take the course again: their completion of it is
reopened (completion date and item progress cleared, attempts kept) and moved to the next
certification cycle (CourseEnrolment.cycle), in which every quiz's allowance starts afresh;
the course is assigned to them again through the assignment service, one assignment per course
and day. Completing it again earns a new certificate, in the next cycle (see
certificates.request_certificate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from courses.assignments.models import Assignment, FanOutStatus, TargetKind
from courses.assignments.services.memberships import add_memberships, officer_condition
from courses.certificates.models import Certificate
from courses.learning.models import Attempt, AttemptStatus, Course, CourseEnrolment, ItemProgress
from courses.learning.services.attempts import EXPIRED
from lms.accounts.models import User
from lms.extensions import db
from lms.timeutil import utcnow

EXPIRY_BATCH = 1000


@dataclass(frozen=True)
class ExpiryOutcome:
    expired: int
    recertifications: dict[int, list[int]]  # course id → officers assigned it again


def reopen_course(course_id: int, user_ids: list[int]) -> None:
    """Make these officers take a course again, in their next certification cycle: its
    completion and item progress cleared, every quiz's attempts counted afresh. Earlier
    attempts stay as history; one left open is closed with no score (as when time runs out),
    so it can neither count in the new cycle nor complete an item of it."""
    db.session.execute(
        update(CourseEnrolment)
        .where(CourseEnrolment.course_id == course_id, CourseEnrolment.user_id.in_(user_ids))
        .values(completed_at=None, last_item_id=None, cycle=CourseEnrolment.cycle + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Attempt)
        .where(
            Attempt.course_id == course_id,
            Attempt.user_id.in_(user_ids),
            Attempt.status == AttemptStatus.IN_PROGRESS,
        )
        .values(status=EXPIRED, score=0.0, passed=False)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(ItemProgress)
        .where(ItemProgress.course_id == course_id, ItemProgress.user_id.in_(user_ids))
        .execution_options(synchronize_session=False)
    )


def assign_for_recertification(
    course: Course, user_ids: list[int], *, due_days: int, now: datetime
) -> Assignment:
    """Assign the course again to these officers (an assignment owned by the course's training
    unit, made by the platform), due `due_days` from now."""
    assignment = Assignment(
        course_id=course.id,
        target_kind=TargetKind.OFFICERS.value,
        due_days=due_days,
        owner_unit_id=course.training_unit_id,
        created_by_id=None,
        created_at=now,
    )
    db.session.add(assignment)
    db.session.flush()
    total = add_memberships(assignment, user_ids, now=now)
    assignment.fanout_status = FanOutStatus.DONE.value
    assignment.fanout_total = assignment.fanout_done = total
    assignment.fanout_finished_at = now
    assignment.fanout_message = f"{total} officers assigned again: their certificates expired."
    return assignment


def expire_certificates(*, due_days: int, now: datetime | None = None) -> ExpiryOutcome:
    """Mark the certificates whose validity has run out as expired, and send the holders of
    those whose course asks for it back to the course (see the module docstring). Revoked
    certificates are left alone. Safe to run again: each expiry is handled once."""
    now = now or utcnow()
    expired = 0
    again: dict[int, list[int]] = defaultdict(list)
    while True:
        rows = db.session.execute(
            select(Certificate.id, Certificate.user_id, Certificate.course_id, Course.recertify)
            .outerjoin(Course, Course.id == Certificate.course_id)
            .where(
                Certificate.expires_at <= now,
                Certificate.expired_at.is_(None),
                Certificate.revoked_at.is_(None),
            )
            .order_by(Certificate.id)
            .limit(EXPIRY_BATCH)
        ).all()
        if not rows:
            break
        db.session.execute(
            update(Certificate)
            .where(Certificate.id.in_([row.id for row in rows]))
            .values(expired_at=now)
            .execution_options(synchronize_session=False)
        )
        expired += len(rows)
        for row in rows:
            if row.course_id is not None and row.recertify:
                again[row.course_id].append(row.user_id)
    assigned: dict[int, list[int]] = {}
    for course_id, holders in again.items():
        course = db.session.get(Course, course_id)
        # Only active officers, and only a course officers can still take.
        user_ids = sorted(
            db.session.scalars(select(User.id).where(User.id.in_(holders), officer_condition()))
        )
        if not user_ids or not course.is_published:
            continue
        reopen_course(course_id, user_ids)
        assign_for_recertification(course, user_ids, due_days=due_days, now=now)
        assigned[course_id] = user_ids
    db.session.flush()
    return ExpiryOutcome(expired, assigned)
