"""A trainer-marked task: a course item whose Markdown instructions ask for a written answer
(and perhaps a file), judged against a rubric of criteria, each tied to one competency."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from courses.learning.models import CourseItem
from lms.extensions import db

EXPERT_LEVEL = 4  # a level this high counts only when two markers agree on it


class AttachmentRule(enum.StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Task(db.Model):
    """The task's body, one per course item of kind "task"."""

    __tablename__ = "tasks"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), primary_key=True
    )
    instructions: Mapped[str] = mapped_column(Text, default="")
    instructions_html: Mapped[str] = mapped_column(Text, default="")
    attachment: Mapped[str] = mapped_column(String(16), default=AttachmentRule.NONE.value)
    # Markers see a label, not the officer, until the marking is final.
    blind_marking: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many times an officer may submit (a marker's request for a resubmission adds one).
    max_submissions: Mapped[int] = mapped_column(default=2)

    # The backref gives learning's CourseItem a `task` without learning naming this room.
    item: Mapped[CourseItem] = relationship(
        backref=backref("task", uselist=False, cascade="all, delete-orphan")
    )
    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="task",
        order_by="RubricCriterion.position",
        cascade="all, delete-orphan",
    )


class RubricCriterion(db.Model):
    """One row of the rubric: what is judged, the competency it evidences, and what the work
    shows at each level it can reach ({"2": "…", "3": "…"}; levels without a descriptor
    cannot be given)."""

    __tablename__ = "rubric_criteria"
    __table_args__ = (UniqueConstraint("task_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.item_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    competency_code: Mapped[str] = mapped_column(String(32))
    descriptors: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    task: Mapped[Task] = relationship(back_populates="criteria")

    @property
    def levels(self) -> list[int]:
        """The levels a marker can give, lowest first."""
        return sorted(int(level) for level, text in self.descriptors.items() if text.strip())

    def descriptor(self, level: int) -> str:
        return self.descriptors.get(str(level), "")
