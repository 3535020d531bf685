"""The question bank of a course. Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from courses.authoring.services.structure import COMPETENCY_CODE
from courses.learning.models import Course, Question
from courses.learning.questiontypes import QUESTION_TYPES, question_type
from lms.database import get_or_raise
from lms.errors import NotFound, ValidationError
from lms.extensions import db


@dataclass(frozen=True)
class QuestionInput:
    qtype: str
    text: str
    level: int
    data: dict[str, Any]
    competency_code: str | None = None
    name: str = ""
    category: str = ""
    general_feedback: str = ""


def check_question(entry: QuestionInput) -> list[str]:
    """Every problem with a question as entered; empty when it can be saved."""
    problems = []
    if entry.qtype not in QUESTION_TYPES:
        return [f"Unknown question type {entry.qtype}."]
    if not entry.text.strip():
        problems.append("The question needs a text.")
    if entry.level not in (1, 2, 3, 4):
        problems.append("The level must be 1 (Aware) to 4 (Expert).")
    if entry.competency_code and not COMPETENCY_CODE.match(entry.competency_code):
        problems.append(f"'{entry.competency_code}' is not a competency code.")
    problems.extend(question_type(entry.qtype).validate(entry.data))
    return problems


def get_question(question_id: int, course: Course) -> Question:
    missing = f"No question with id {question_id} in this course's bank."
    question = get_or_raise(Question, question_id, missing)
    if question.course_id != course.id:
        raise NotFound(missing)
    return question


def bank_of(course: Course, *, include_archived: bool = False) -> list[Question]:
    query = select(Question).where(Question.course_id == course.id)
    if not include_archived:
        query = query.where(Question.archived.is_(False))
    return list(
        db.session.scalars(query.order_by(Question.category, Question.position, Question.id))
    )


def save_question(course: Course, question: Question | None, entry: QuestionInput) -> Question:
    """Create or change a question. Past attempts keep the copy they were given."""
    problems = check_question(entry)
    if problems:
        raise ValidationError(" ".join(problems))
    if question is None:
        position = db.session.scalar(
            select(func.coalesce(func.max(Question.position), 0)).where(
                Question.course_id == course.id
            )
        )
        question = Question(course_id=course.id, position=position + 1)
        db.session.add(question)
    question.qtype, question.text, question.level = entry.qtype, entry.text.strip(), entry.level
    question.data = entry.data
    question.competency_code = entry.competency_code or None
    question.name, question.category = entry.name.strip(), entry.category.strip()
    question.general_feedback = entry.general_feedback.strip()
    db.session.flush()
    return question


def set_archived(question: Question, archived: bool) -> None:
    """Archived questions stay in past attempts but are no longer drawn."""
    question.archived = archived
    db.session.flush()
