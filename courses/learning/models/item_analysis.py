"""A quiz's item analysis as last computed (courses.learning.services.item_analysis): one row
per quiz, and one per question it drew."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db


class ItemAnalysis(db.Model):
    """`attempts` is how many graded attempts the figures were computed from: the beat job
    compares it with the quiz's graded attempts now to find quizzes worth computing again.
    `queued_at` is when a computation was last asked for; it is pending while `computed_at`
    is older."""

    __tablename__ = "item_analyses"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    mean_score: Mapped[float | None] = mapped_column(Float)  # percent
    computed_at: Mapped[datetime | None] = mapped_column(DateTime)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)

    questions: Mapped[list[ItemAnalysisQuestion]] = relationship(
        order_by="ItemAnalysisQuestion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ItemAnalysisQuestion(db.Model):
    """One question's figures. The question is described as the attempts froze it (the bank
    may have changed since); `question_id` is a plain number, not a key: a question's figures
    outlive its removal from the bank. `choices` holds, per choice, its label (HTML rendered
    from the author's Markdown), its fraction, how many attempts showed and picked it."""

    __tablename__ = "item_analysis_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("item_analyses.item_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int | None] = mapped_column()
    qtype: Mapped[str] = mapped_column(String(24), default="")
    text: Mapped[str] = mapped_column(String(300), default="")
    competency_code: Mapped[str | None] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)
    facility: Mapped[float] = mapped_column(Float, default=0.0)
    discrimination: Mapped[float | None] = mapped_column(Float)
    choices: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
