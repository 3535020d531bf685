"""The question bank of a course, and quiz settings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.learning.models.catalogue import CourseItem
from lms.extensions import db
from lms.timeutil import utcnow


class ReviewMode(enum.StrEnum):
    SCORE_ONLY = "score_only"  # the score, never the answers
    AFTER_SUBMIT = "after_submit"  # answers and feedback right after submitting
    AFTER_CLOSE = "after_close"  # answers and feedback once no attempt is left


class DrawMode(enum.StrEnum):
    ALL = "all"
    PER_LEVEL = "per_level"


class Question(db.Model):
    """One question of a course's bank. `data` holds the type's own fields (choices with their
    weights and feedback, a numeric answer and tolerance, accepted texts): the answer key, which
    never leaves the server before review."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    qtype: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(default=1)
    competency_code: Mapped[str | None] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Quiz(db.Model):
    __tablename__ = "quizzes"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), primary_key=True
    )
    pass_mark: Mapped[int] = mapped_column(default=70)  # percent
    attempts_allowed: Mapped[int] = mapped_column(default=3)  # 0: unlimited
    time_limit_minutes: Mapped[int | None] = mapped_column()
    # Questions come from the course's bank, limited to this category when set.
    category: Mapped[str] = mapped_column(String(100), default="")
    draw_mode: Mapped[str] = mapped_column(String(16), default=DrawMode.ALL.value)
    # {"1": 3, "2": 4}: how many questions of each level to draw (per_level mode).
    draw_per_level: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    shuffle_choices: Mapped[bool] = mapped_column(Boolean, default=True)
    review_mode: Mapped[str] = mapped_column(String(16), default=ReviewMode.AFTER_SUBMIT.value)

    item: Mapped[CourseItem] = relationship(back_populates="quiz")
