"""Assignments: a curriculum or a course put in front of officers, with a due date.

An Assignment is the rule (what, to whom, due when); an AssignmentMembership is one officer's
copy of it, with their own assigned and due dates and status. Members of a unit or position
assignment follow the organisation: an officer who joins gets a membership, one who leaves has
their open membership withdrawn (completed ones stay).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.assignments.models.curricula import Curriculum
from courses.learning.models.catalogue import Course
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.timeutil import utcnow


class TargetKind(enum.StrEnum):
    OFFICERS = "officers"  # named officers
    UNIT = "unit"  # everyone in a unit (optionally with its sub-units)
    POSITION = "position"  # everyone holding a position, within a unit's subtree


class FanOutStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MembershipStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(curriculum_id IS NULL) <> (course_id IS NULL)", name="one_content"),
        CheckConstraint("(due_date IS NULL) <> (due_days IS NULL)", name="one_due_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_id: Mapped[int | None] = mapped_column(ForeignKey("curricula.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    # The unit assigned (UNIT), or the subtree a POSITION assignment is limited to.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    include_subunits: Mapped[bool] = mapped_column(Boolean, default=False)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("job_positions.id"), index=True)
    # Due on a fixed date, or a number of days after each officer is assigned.
    due_date: Mapped[date | None] = mapped_column(Date)
    due_days: Mapped[int | None] = mapped_column()
    # The unit of whoever made it: trainers follow up their own training unit's assignments.
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Large assignments get their members from a background job; its progress.
    fanout_status: Mapped[str] = mapped_column(String(16), default=FanOutStatus.DONE.value)
    fanout_total: Mapped[int] = mapped_column(default=0)
    fanout_done: Mapped[int] = mapped_column(default=0)
    fanout_message: Mapped[str] = mapped_column(Text, default="")
    fanout_queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    fanout_heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    fanout_finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    curriculum: Mapped[Curriculum | None] = relationship()
    course: Mapped[Course | None] = relationship()
    unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[unit_id])
    position: Mapped[JobPosition | None] = relationship()
    owner_unit: Mapped[OrgUnit] = relationship(foreign_keys=[owner_unit_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def title(self) -> str:
        return self.curriculum.name if self.curriculum else self.course.title

    @property
    def fanout_percent(self) -> int:
        if not self.fanout_total:
            return 100 if self.fanout_status == FanOutStatus.DONE else 0
        return min(100, round(100 * self.fanout_done / self.fanout_total))


class AssignmentMembership(db.Model):
    """One officer's copy of an assignment."""

    __tablename__ = "assignment_memberships"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id"),
        Index("ix_assignment_memberships_user_status", "user_id", "status"),
        Index("ix_assignment_memberships_assignment_status", "assignment_id", "status"),
        Index("ix_assignment_memberships_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=MembershipStatus.OPEN.value)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    assignment: Mapped[Assignment] = relationship()
    user = relationship("User")
