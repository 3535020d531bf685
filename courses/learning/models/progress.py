"""What an officer has done: items completed, courses started and completed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.learning.models.catalogue import Course
from lms.extensions import db
from lms.timeutil import utcnow


class ItemProgress(db.Model):
    """An item an officer has completed: a lesson viewed or a quiz passed."""

    __tablename__ = "item_progress"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CourseEnrolment(db.Model):
    """An officer's place in a course: started, where they left off, completed, and in which
    certification cycle. Recertification (certificates' expiry job) reopens the course and
    moves it to the next cycle: quiz attempts are counted per cycle (Attempt.cycle), so each
    cycle gets a quiz's full allowance while earlier attempts stay as history."""

    __tablename__ = "course_enrolments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_items.id", ondelete="SET NULL")
    )
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cycle: Mapped[int] = mapped_column(default=1, server_default="1")

    course: Mapped[Course] = relationship()
