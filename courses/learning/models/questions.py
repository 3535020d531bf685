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


class QuizKind(enum.StrEnum):
    CHECKPOINT = "checkpoint"  # practice: never evidence; draws from its own module's questions
    ASSESSMENT = "assessment"  # evidence of the competencies its questions carry


class ReviewShows(enum.StrEnum):
    """What the officer sees of a graded attempt, each level adding to the one before."""

    SCORE = "score"  # the score only
    MARKS = "marks"  # and which questions were right, partly right or wrong
    FEEDBACK = "feedback"  # and each question's general feedback and the lesson to revisit
    KEYS = "keys"  # and the right answers, with the feedback on each answer

    @property
    def rank(self) -> int:
        return list(ReviewShows).index(self)


class ReviewWhen(enum.StrEnum):
    """When the review beyond the score is shown (the score always is, at once)."""

    IMMEDIATELY = "immediately"
    AFTER_LAST_ATTEMPT = "after_last_attempt"  # no attempt left, or a pass
    AFTER_CLOSE = "after_close"  # once the quiz has closed (its `closes_at` has passed)
    NEVER = "never"


# The review a quiz of each kind gets unless its author chooses another.
DEFAULT_REVIEW = {
    QuizKind.CHECKPOINT: (ReviewShows.FEEDBACK, ReviewWhen.IMMEDIATELY),
    QuizKind.ASSESSMENT: (ReviewShows.MARKS, ReviewWhen.IMMEDIATELY),
}


def reveals_keys_while_open(kind: str, shows: str, when: str) -> bool:
    """Whether an assessment would show its keys to an officer who may still attempt it.

    Keys shown immediately always can be; after the last attempt or a pass they cannot (a pass
    closes an assessment that shows keys, `AttemptAllowance.closed`), nor after the quiz closes
    (no attempt starts then). A checkpoint is practice and never evidence."""
    return (
        kind == QuizKind.ASSESSMENT and shows == ReviewShows.KEYS and when == ReviewWhen.IMMEDIATELY
    )


class DrawMode(enum.StrEnum):
    """How an attempt's questions are drawn from the quiz's pool (courses/learning/draws.py)."""

    ALL = "all"  # every question
    PER_LEVEL = "per_level"  # k of each level named, at random
    PER_COMPETENCY_LEVEL = "per_competency_level"  # `draw_count` of each competency and level


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
    draw_mode: Mapped[str] = mapped_column(String(24), default=DrawMode.ALL.value)
    # {"1": 3, "2": 4}: how many questions of each level to draw (per_level mode).
    draw_per_level: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # How many questions of each competency at each level to draw (per_competency_level mode).
    draw_count: Mapped[int | None] = mapped_column()
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    shuffle_choices: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(16), default=QuizKind.ASSESSMENT.value)
    review_shows: Mapped[str] = mapped_column(String(16), default=ReviewShows.MARKS.value)
    review_when: Mapped[str] = mapped_column(String(24), default=ReviewWhen.IMMEDIATELY.value)
    # No attempt starts after this time; a review "after the quiz closes" is shown from then.
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)

    item: Mapped[CourseItem] = relationship(back_populates="quiz")
