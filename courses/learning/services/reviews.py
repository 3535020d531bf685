"""What an officer sees of a graded attempt: the quiz's review policy (what, and when).

The review follows the quiz's current settings, not those of the day the attempt started: a
trainer who tightens a review protects the keys of past attempts too. An assessment never
shows its keys while the officer can still attempt it (publishing and saving refuse such
settings; a pass closes an assessment that shows its keys after a pass).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from courses.learning.models import (
    Attempt,
    AttemptStatus,
    CourseItem,
    ItemKind,
    Module,
    ModuleCompetency,
    Quiz,
    ReviewShows,
    ReviewWhen,
)
from courses.learning.questiontypes import question_type
from courses.learning.services.attempts import AttemptAllowance
from lms.extensions import db
from lms.timeutil import utcnow


def review_shown(
    attempt: Attempt, quiz: Quiz, allowance_now: AttemptAllowance, now: datetime | None = None
) -> ReviewShows:
    """How much of a finished attempt the officer may see now (the score, at least)."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return ReviewShows.SCORE
    now = now or utcnow()
    when = quiz.review_when
    if when == ReviewWhen.IMMEDIATELY:
        due = True
    elif when == ReviewWhen.AFTER_LAST_ATTEMPT:
        # An earlier certification cycle is over, whatever the current one allows.
        due = attempt.cycle < allowance_now.cycle or allowance_now.passed or allowance_now.left == 0
    elif when == ReviewWhen.AFTER_CLOSE:
        due = quiz.closes_at is not None and now >= quiz.closes_at
    else:
        due = False
    return ReviewShows(quiz.review_shows) if due else ReviewShows.SCORE


def lessons_to_revisit(course_id: int, codes: set[str]) -> dict[str, CourseItem]:
    """For each competency code, the first lesson of the first module that names it (lessons
    are tagged through their module), in one query."""
    if not codes:
        return {}
    rows = db.session.execute(
        select(ModuleCompetency.competency_code, CourseItem)
        .join(Module, Module.id == ModuleCompetency.module_id)
        .join(CourseItem, CourseItem.module_id == Module.id)
        .where(
            Module.course_id == course_id,
            ModuleCompetency.competency_code.in_(codes),
            CourseItem.kind == ItemKind.LESSON.value,
        )
        .order_by(Module.position, CourseItem.position, CourseItem.id)
    ).all()
    found: dict[str, CourseItem] = {}
    for code, item in rows:
        found.setdefault(code, item)
    return found


def review_of(attempt: Attempt, shows: ReviewShows) -> list[dict[str, Any]] | None:
    """Each question as the review level allows: its marks (`marks`), its general feedback and
    the lesson to revisit (`feedback`), the officer's answer, the keys and the feedback on each
    answer (`keys`). None when only the score is shown."""
    if shows.rank < ReviewShows.MARKS.rank:
        return None
    by_key = {result["key"]: result for result in attempt.results}
    with_feedback = shows.rank >= ReviewShows.FEEDBACK.rank
    with_keys = shows == ReviewShows.KEYS
    revisit = (
        lessons_to_revisit(
            attempt.course_id,
            {e["competency_code"] for e in attempt.snapshot if e.get("competency_code")},
        )
        if with_feedback
        else {}
    )
    review = []
    for entry in attempt.snapshot:
        row: dict[str, Any] = {
            "key": entry["key"],
            "qtype": entry["qtype"],
            "text_html": entry["text_html"],
            "fraction": by_key.get(entry["key"], {}).get("fraction", 0.0),
        }
        if with_feedback:
            row["general_feedback_html"] = entry["general_feedback_html"]
            row["revisit"] = revisit.get(entry.get("competency_code") or "")
        if with_keys:
            kind = question_type(entry["qtype"])
            answer = attempt.answers.get(entry["key"])
            row |= {
                "frozen": entry["frozen"],
                "answer": answer,
                "answer_html": kind.answer_html(entry["frozen"], answer),
                "marked_answers": kind.marked_answers(entry["frozen"]),
                "feedback": kind.feedback(entry["frozen"], answer),
            }
        review.append(row)
    return review
