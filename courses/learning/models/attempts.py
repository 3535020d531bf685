"""Quiz attempts: a frozen copy of what was asked, and the single grading of it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.learning.models.catalogue import CourseItem
from lms.accounts.models import User
from lms.extensions import db
from lms.timeutil import utcnow


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    GRADED = "graded"


class Attempt(db.Model):
    """`snapshot` freezes the drawn questions, their choices and order, and their keys, so an
    edit to the bank never changes a past attempt. It is graded exactly once, on the server."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("item_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)  # across all cycles: history keeps order
    # The enrolment's certification cycle when it started: the allowance counts one cycle.
    cycle: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(16), default=AttemptStatus.IN_PROGRESS.value)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    score: Mapped[float | None] = mapped_column(Float)  # percent, 0–100
    passed: Mapped[bool | None] = mapped_column()
    pass_mark: Mapped[int] = mapped_column(default=70)
    # The quiz's kind when it started: only an assessment's attempt is evidence. The review
    # follows the quiz's current settings, so tightening them protects past attempts' keys too.
    kind: Mapped[str] = mapped_column(String(16), default="assessment", server_default="assessment")

    item: Mapped[CourseItem] = relationship()
    user: Mapped[User] = relationship()
