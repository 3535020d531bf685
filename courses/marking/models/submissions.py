"""What officers hand in for a task, and each marker's judgement of it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.marking.models.tasks import Task
from lms.extensions import db
from lms.timeutil import utcnow


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for a first marker
    SECOND_MARKING = "second_marking"  # marked at Expert level: waiting for a second marker
    RESUBMIT = "resubmit"  # the marker asked for a new submission
    MARKED = "marked"  # final: evidence recorded, result and identity released


class MarkingRole(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"


class MarkingOutcome(enum.StrEnum):
    MARKED = "marked"
    RESUBMIT = "resubmit"


class Submission(db.Model):
    """One hand-in: the written answer (Markdown, stored with its sanitised HTML) and perhaps
    a file. A resubmission is a new row with the next number; earlier ones stay as history."""

    __tablename__ = "task_submissions"
    __table_args__ = (
        UniqueConstraint("task_id", "user_id", "number"),
        Index("ix_task_submissions_task_status", "task_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.item_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)  # across certification cycles
    # The officer's certification cycle in the course: a course reopened for recertification
    # takes new submissions; earlier cycles' are history.
    cycle: Mapped[int] = mapped_column(default=1)
    # What blind markers see instead of the officer's name.
    label: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.SUBMITTED.value)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)

    task: Mapped[Task] = relationship()
    user = relationship("User")
    file: Mapped[SubmissionFile | None] = relationship(
        cascade="all, delete-orphan", uselist=False, lazy="raise"
    )
    markings: Mapped[list[Marking]] = relationship(
        back_populates="submission", order_by="Marking.id", cascade="all, delete-orphan"
    )

    @property
    def is_final(self) -> bool:
        return self.status == SubmissionStatus.MARKED


class SubmissionFile(db.Model):
    """The file handed in with a submission: a PDF or an image, its type read from its bytes.
    In its own table so that lists of submissions never load the bytes."""

    __tablename__ = "task_submission_files"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("task_submissions.id", ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Marking(db.Model):
    """One marker's judgement: a level per criterion ({criterion id: level}, 0 for not shown)
    and the comment the officer reads, or a request for a resubmission with its reason."""

    __tablename__ = "task_markings"
    __table_args__ = (UniqueConstraint("submission_id", "marker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("task_submissions.id", ondelete="CASCADE"), index=True
    )
    marker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(8), default=MarkingRole.FIRST.value)
    outcome: Mapped[str] = mapped_column(String(16), default=MarkingOutcome.MARKED.value)
    levels: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="markings")
    marker = relationship("User")
