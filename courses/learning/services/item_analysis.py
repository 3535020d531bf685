"""Item analysis of a quiz: read its graded attempts in one streamed query, compute the figures
(courses.learning.item_statistics) and store them; find the quizzes worth computing again.

When: a beat job (`courses.queue_item_analyses`, every few minutes) queues the computation of
each quiz whose number of graded attempts differs from the number its figures were computed
from. Grading itself writes nothing more and queues nothing: an exam rush of hundreds of
submissions to one quiz leads to one computation at the next beat, a lost message is sent again
once `REQUEUE_AFTER` has passed, and no row is shared by concurrent gradings.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

import nh3
from sqlalchemy import and_, delete, func, not_, or_, select
from sqlalchemy.orm import selectinload

from courses.learning.item_statistics import (
    AnsweredQuestion,
    QuizFigures,
    ShownChoice,
    analyse_attempts,
)
from courses.learning.models import (
    Attempt,
    AttemptStatus,
    CourseItem,
    ItemAnalysis,
    ItemAnalysisQuestion,
    ItemKind,
)
from courses.learning.questiontypes import QUESTION_TYPES
from lms.extensions import db
from lms.timeutil import utcnow

COMPUTE_TASK = "courses.compute_item_analysis"
# A computation asked for this long ago and still not done is asked for again.
REQUEUE_AFTER = timedelta(minutes=15)
STREAM_ROWS = 500
TEXT_LENGTH = 300


def analysis_of(item_id: int) -> ItemAnalysis | None:
    """A quiz's stored figures with its questions (two queries), or None before the first."""
    return db.session.scalar(
        select(ItemAnalysis)
        .where(ItemAnalysis.item_id == item_id)
        .options(selectinload(ItemAnalysis.questions))
    )


def graded_attempt_count(item_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Attempt)
        .where(Attempt.item_id == item_id, Attempt.status == AttemptStatus.GRADED)
    )


def compute_item_analysis(item_id: int) -> ItemAnalysis | None:
    """Compute and store a quiz's figures from all its graded attempts (None: no such quiz).

    One query reads the attempts, streamed in batches, so memory holds a batch and the running
    sums, whatever the number of attempts. Flushes; the caller commits."""
    item = db.session.get(CourseItem, item_id)
    if item is None or item.kind != ItemKind.QUIZ:
        return None
    started = utcnow()
    described: dict[int, Mapping[str, Any]] = {}
    figures = analyse_attempts(_graded_attempts(item_id, described))
    analysis = db.session.get(ItemAnalysis, item_id)
    if analysis is None:
        analysis = ItemAnalysis(item_id=item_id, course_id=item.course_id)
        db.session.add(analysis)
    db.session.execute(delete(ItemAnalysisQuestion).where(ItemAnalysisQuestion.item_id == item_id))
    analysis.attempts = figures.attempts
    analysis.mean_score = figures.mean_score
    analysis.computed_at = started
    db.session.flush()
    db.session.add_all(_question_rows(item_id, figures, described))
    db.session.flush()
    db.session.expire(analysis, ["questions"])
    return analysis


def _graded_attempts(
    item_id: int, described: dict[int, Mapping[str, Any]]
) -> Iterator[list[AnsweredQuestion]]:
    """Each graded attempt's questions, streamed; `described` collects, per question, its
    latest frozen entry (its text, type, competency and level as last asked)."""
    rows = db.session.execute(
        select(Attempt.snapshot, Attempt.answers, Attempt.results)
        .where(Attempt.item_id == item_id, Attempt.status == AttemptStatus.GRADED)
        .order_by(Attempt.id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    public_choices: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for snapshot, answers, results in rows:
        fractions = {result.get("key"): result.get("fraction", 0.0) for result in results or ()}
        answers = answers or {}
        questions = []
        for entry in snapshot or ():
            question_id = entry.get("question_id")
            if question_id is None:
                continue
            described[question_id] = entry
            shown, picked = _choices_of(entry, answers.get(entry["key"]), public_choices)
            questions.append(
                AnsweredQuestion(
                    question_id, float(fractions.get(entry["key"]) or 0.0), shown, picked
                )
            )
        yield questions


def _choices_of(
    entry: Mapping[str, Any],
    answer: Any,
    public_choices: dict[tuple[str, int], list[dict[str, Any]]],
) -> tuple[tuple[ShownChoice, ...], frozenset[str] | None]:
    """The choices a frozen question showed, keyed the same in every attempt, and the keys of
    those the answer picked (None: the answer is not a pick of choices).

    Types that freeze their choices (single choice, multiple response) keep each choice's bank
    id beside the shuffled one. A type whose choices are only in what the page shows (true or
    false) is asked for them (once per question) and for what each is worth."""
    frozen = entry.get("frozen") or {}
    choices = frozen.get("choices")
    if isinstance(choices, list) and all(isinstance(c, dict) and "id" in c for c in choices):
        keys = {c["id"]: str(c.get("bank_id", c["id"])) for c in choices}
        shown = tuple(
            ShownChoice(keys[c["id"]], c.get("html", ""), float(c.get("fraction", 0.0)))
            for c in choices
        )
    else:
        kind = QUESTION_TYPES.get(entry.get("qtype", ""))
        if kind is None:
            return (), None
        cache_key = (entry["qtype"], entry["question_id"])
        listed = public_choices.get(cache_key)
        if listed is None:
            listed = public_choices[cache_key] = [
                c for c in kind.public(frozen).get("choices", []) if "id" in c
            ]
        if not listed:
            return (), None
        keys = {c["id"]: str(c["id"]) for c in listed}
        shown = tuple(
            ShownChoice(str(c["id"]), str(c.get("html", "")), kind.grade(frozen, c["id"]))
            for c in listed
        )
    if answer is None or answer == "":
        return shown, frozenset()
    if isinstance(answer, str):
        picks = [answer]
    elif isinstance(answer, list) and all(isinstance(a, str) for a in answer):
        picks = answer
    else:
        return shown, None
    return shown, frozenset(keys[a] for a in picks if a in keys)


def _question_rows(
    item_id: int, figures: QuizFigures, described: Mapping[int, Mapping[str, Any]]
) -> list[ItemAnalysisQuestion]:
    rows = []
    for position, question in enumerate(figures.questions, start=1):
        entry = described.get(question.question_id, {})
        rows.append(
            ItemAnalysisQuestion(
                item_id=item_id,
                position=position,
                question_id=question.question_id,
                qtype=str(entry.get("qtype", ""))[:24],
                text=plain_text(entry.get("text_html", ""))[:TEXT_LENGTH],
                competency_code=entry.get("competency_code"),
                level=int(entry.get("level") or 1),
                attempts=question.attempts,
                facility=question.facility,
                discrimination=question.discrimination,
                choices=None
                if question.choices is None
                else [
                    {
                        "key": choice.key,
                        "label_html": choice.label_html,
                        "fraction": choice.fraction,
                        "shown": choice.shown,
                        "picked": choice.picked,
                    }
                    for choice in question.choices
                ],
                flags=list(question.flags),
            )
        )
    return rows


def plain_text(html: str) -> str:
    """Rendered Markdown as one line of text (for the table and the CSV)."""
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())


# --- when to compute ---------------------------------------------------------------------------


def quizzes_to_analyse(now: datetime) -> list[tuple[int, int]]:
    """(item id, course id) of the quizzes whose graded attempts changed since their figures
    were computed, unless a computation asked for less than REQUEUE_AFTER ago is still
    pending (one query)."""
    graded = (
        select(
            Attempt.item_id,
            Attempt.course_id,
            func.count().label("graded"),
        )
        .where(Attempt.status == AttemptStatus.GRADED)
        .group_by(Attempt.item_id, Attempt.course_id)
        .subquery()
    )
    pending = and_(
        ItemAnalysis.queued_at.is_not(None),
        ItemAnalysis.queued_at >= now - REQUEUE_AFTER,
        or_(ItemAnalysis.computed_at.is_(None), ItemAnalysis.computed_at < ItemAnalysis.queued_at),
    )
    rows = db.session.execute(
        select(graded.c.item_id, graded.c.course_id)
        .outerjoin(ItemAnalysis, ItemAnalysis.item_id == graded.c.item_id)
        .where(
            or_(ItemAnalysis.item_id.is_(None), ItemAnalysis.attempts != graded.c.graded),
            not_(pending),
        )
        .order_by(graded.c.item_id)
    ).all()
    return [(item_id, course_id) for item_id, course_id in rows]


def mark_queued(quizzes: list[tuple[int, int]], now: datetime) -> None:
    """Note that the computation of these quizzes was asked for (a row for a quiz's first)."""
    if not quizzes:
        return
    existing = {
        analysis.item_id: analysis
        for analysis in db.session.scalars(
            select(ItemAnalysis).where(ItemAnalysis.item_id.in_([i for i, _ in quizzes]))
        )
    }
    for item_id, course_id in quizzes:
        analysis = existing.get(item_id)
        if analysis is None:
            db.session.add(ItemAnalysis(item_id=item_id, course_id=course_id, queued_at=now))
        else:
            analysis.queued_at = now
    db.session.flush()
