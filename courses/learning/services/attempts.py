"""Quiz attempts: start (snapshot the draw), submit (grade once, on the server).

An attempt's snapshot holds the questions as drawn, with their choices in the order shown and
their keys. The quiz page is built from `public_questions`, which drops every key, weight and
feedback; the review (services/reviews.py) shows them only when the quiz's review allows.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from courses.events import AttemptGraded
from courses.learning.draws import draw_from
from courses.learning.models import (
    Attempt,
    AttemptStatus,
    Course,
    CourseEnrolment,
    CourseItem,
    ItemKind,
    Question,
    QuizKind,
    ReviewShows,
    ReviewWhen,
)
from courses.learning.models.questions import Quiz
from courses.learning.questiontypes import question_type
from courses.learning.results import QuestionResult
from courses.learning.services.progress import current_cycle, mark_item_done, note_visit
from lms.database import get_or_raise
from lms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lms.events import publish
from lms.extensions import db
from lms.markdown import render_markdown
from lms.timeutil import utcnow

EXPIRED = "expired"


def submit_grace() -> timedelta:
    """How long after an attempt's deadline its answers are still accepted: the time the
    network takes to carry them, not extra time (QUIZ_SUBMIT_GRACE_SECONDS). The attempt page
    states it, and its countdown sends the answers at the deadline, leaving all of it to the
    network."""
    return timedelta(seconds=current_app.config["QUIZ_SUBMIT_GRACE_SECONDS"])


def get_attempt(attempt_id: int) -> Attempt:
    return get_or_raise(Attempt, attempt_id, "No such attempt.")


def own_attempt(attempt_id: int, user_id: int) -> Attempt:
    """An attempt of this officer; another officer's attempt is refused."""
    attempt = get_attempt(attempt_id)
    if attempt.user_id != user_id:
        raise PermissionDenied("This attempt belongs to another officer.")
    return attempt


def attempts_of(user_id: int, item_id: int) -> list[Attempt]:
    """An officer's attempts at one quiz, in order. The frozen questions and answers are
    loaded only when read: a quiz with unlimited attempts must not load them all."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.item_id == item_id)
            .options(defer(Attempt.snapshot), defer(Attempt.answers), defer(Attempt.results))
            .order_by(Attempt.number)
        )
    )


def quiz_pool(quiz: Quiz, course_id: int) -> list[Question]:
    """The questions a quiz draws from: the course's bank (or one category of it); for a
    checkpoint, only those tagged with a competency its own module names, as lessons are
    tagged through their module."""
    query = select(Question).where(Question.course_id == course_id, Question.archived.is_(False))
    if quiz.category:
        query = query.where(Question.category == quiz.category)
    if quiz.kind == QuizKind.CHECKPOINT:
        query = query.where(Question.competency_code.in_(quiz.item.module.competency_codes))
    return list(db.session.scalars(query.order_by(Question.position, Question.id)))


def draw_questions(quiz: Quiz, course_id: int, rng: random.Random) -> list[Question]:
    """Questions for one attempt: the pool (`quiz_pool`) drawn as the quiz's mode says
    (courses/learning/draws.py), shuffled when the quiz shuffles its questions."""
    drawn = draw_from(quiz, quiz_pool(quiz, course_id), rng)
    if quiz.shuffle_questions:
        rng.shuffle(drawn)
    return drawn


def freeze_question(
    question: Question, key: str, rng: random.Random, shuffle: bool
) -> dict[str, Any]:
    return {
        "key": key,
        "question_id": question.id,
        "name": question.name,  # as graded: evidence names it so even after the bank changes
        "qtype": question.qtype,
        "level": question.level,
        "competency_code": question.competency_code,
        "text_html": render_markdown(question.text),
        "general_feedback_html": render_markdown(question.general_feedback),
        "frozen": question_type(question.qtype).freeze(question.data, rng, shuffle),
    }


@dataclass(frozen=True)
class AttemptAllowance:
    """An officer's attempts at a quiz in their current certification cycle: a cycle reopened
    for recertification starts with the full allowance; earlier cycles' attempts are history."""

    used: int  # in this cycle
    allowed: int  # 0: unlimited
    in_progress: Attempt | None
    passed: bool  # in this cycle
    cycle: int = 1
    next_number: int = 1  # attempts are numbered across cycles
    # Why no attempt may start whatever is left: the quiz has closed, or the officer passed an
    # assessment whose keys a pass reveals. Empty when open.
    closed: str = ""

    @property
    def left(self) -> int | None:
        return None if self.allowed == 0 else max(0, self.allowed - self.used)

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and not self.closed and (self.left is None or self.left > 0)


def allowance(user_id: int, item: CourseItem) -> AttemptAllowance:
    """What the officer may still do at a quiz, counted in their current cycle."""
    history = attempts_of(user_id, item.id)
    cycle = current_cycle(user_id, item.course_id)
    attempts = [a for a in history if a.cycle == cycle]
    now = utcnow()
    grace = submit_grace()
    open_attempt = next(
        (
            a
            for a in attempts
            if a.status == AttemptStatus.IN_PROGRESS
            and (a.deadline_at is None or a.deadline_at + grace >= now)
        ),
        None,
    )
    passed = any(a.passed for a in attempts)
    return AttemptAllowance(
        used=len(attempts),
        allowed=item.quiz.attempts_allowed,
        in_progress=open_attempt,
        passed=passed,
        cycle=cycle,
        next_number=max((a.number for a in history), default=0) + 1,
        closed=_closed_because(item.quiz, passed, now),
    )


def _closed_because(quiz: Quiz, passed: bool, now: datetime) -> str:
    if quiz.closes_at is not None and now >= quiz.closes_at:
        return f"This quiz closed at {quiz.closes_at:%Y-%m-%d %H:%M} UTC."
    if (
        passed
        and quiz.kind == QuizKind.ASSESSMENT
        and quiz.review_shows == ReviewShows.KEYS
        and quiz.review_when == ReviewWhen.AFTER_LAST_ATTEMPT
    ):
        return "You passed this assessment and its answers are now shown to you: it is closed."
    return ""


def start_attempt(user_id: int, item: CourseItem) -> Attempt:
    """Begin an attempt (or return the one still open): draw, shuffle and freeze the questions."""
    if item.kind != ItemKind.QUIZ or item.quiz is None:
        raise NotFound("This item is not a quiz.")
    current = allowance(user_id, item)  # an overdue attempt is neither open nor passed
    if current.in_progress is not None:
        return current.in_progress
    if current.closed:
        raise Conflict(current.closed)
    if not current.can_start:
        raise Conflict("You have used all the attempts this quiz allows.")
    quiz = item.quiz
    rng = random.Random(secrets.randbits(64))
    questions = draw_questions(quiz, item.course_id, rng)
    if not questions:
        raise ValidationError("This quiz has no questions yet.")
    snapshot = [
        freeze_question(q, f"q{i}", rng, quiz.shuffle_choices)
        for i, q in enumerate(questions, start=1)
    ]
    # The first write, so SQLite's write lock is held from here to the commit only, not while
    # the questions are drawn and rendered (an exam rush starts hundreds at once).
    expire_overdue(user_id, item.id)
    now = utcnow()
    attempt = Attempt(
        item_id=item.id,
        course_id=item.course_id,
        user_id=user_id,
        number=current.next_number,
        cycle=current.cycle,
        status=AttemptStatus.IN_PROGRESS.value,
        started_at=now,
        deadline_at=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
        snapshot=snapshot,
        pass_mark=quiz.pass_mark,
        kind=quiz.kind,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        raise Conflict("An attempt was started at the same moment; open the quiz again.") from None
    note_visit(user_id, item)
    return attempt


def expire_overdue(user_id: int, item_id: int, *, now: datetime | None = None) -> None:
    """Close attempts whose time and grace ran out unsubmitted: they count, with no score."""
    db.session.execute(
        update(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.item_id == item_id,
            Attempt.status == AttemptStatus.IN_PROGRESS,
            Attempt.deadline_at < (now or utcnow()) - submit_grace(),
        )
        .values(status=EXPIRED, score=0.0, passed=False)
        .execution_options(synchronize_session=False)
    )


def public_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The attempt's questions as the quiz page may show them: no keys, weights or feedback."""
    return public_entries(attempt.snapshot)


def public_entries(snapshot: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Frozen questions as the quiz page may show them: no keys, weights or feedback."""
    return [
        {
            "key": entry["key"],
            "qtype": entry["qtype"],
            "text_html": entry["text_html"],
            **question_type(entry["qtype"]).public(entry["frozen"]),
        }
        for entry in snapshot
    ]


def sample_draw(item: CourseItem, rng: random.Random) -> list[dict[str, Any]]:
    """One draw of a quiz's questions as an officer would see them, for an author's preview:
    drawn and frozen exactly as an attempt would be, shown without keys, and nothing stored."""
    if item.quiz is None:
        raise NotFound("This item is not a quiz.")
    questions = draw_questions(item.quiz, item.course_id, rng)
    return public_entries(
        [
            freeze_question(q, f"q{i}", rng, item.quiz.shuffle_choices)
            for i, q in enumerate(questions, start=1)
        ]
    )


def grade_answers(
    snapshot: list[dict[str, Any]], form: Mapping[str, list[str]]
) -> tuple[dict[str, Any], tuple[QuestionResult, ...], float]:
    """Pure grading: the answers read, the per-question results, and the score in percent."""
    answers: dict[str, Any] = {}
    results: list[QuestionResult] = []
    for entry in snapshot:
        kind = question_type(entry["qtype"])
        answer = kind.read_answer(list(form.get(f"answer-{entry['key']}", [])))
        answers[entry["key"]] = answer
        results.append(
            QuestionResult(
                key=entry["key"],
                fraction=kind.grade(entry["frozen"], answer),
                competency_code=entry["competency_code"],
                level=entry["level"],
            )
        )
    score = 100 * sum(r.fraction for r in results) / len(results) if results else 0.0
    return answers, tuple(results), round(score, 2)


def submit_attempt(
    user_id: int,
    attempt_id: int,
    form: Mapping[str, list[str]],
    *,
    now: datetime | None = None,
) -> Attempt:
    """Grade an attempt, exactly once. Refuses another officer's attempt, a second submit and a
    submit after the deadline and its grace (`submit_grace`), which closes the attempt with no
    score. Only `answer-q…` fields are read: a posted score is ignored. `now`: the moment the
    answers arrived (default: the clock)."""
    attempt = own_attempt(attempt_id, user_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(
            "This attempt has already been submitted and graded; it is graded only once."
        )
    now = now or utcnow()
    if attempt.deadline_at is not None and now > attempt.deadline_at + submit_grace():
        expire_overdue(user_id, attempt.item_id, now=now)
        raise Conflict(
            f"The time limit ended at {attempt.deadline_at:%H:%M} UTC; these answers "
            "arrived too late and were not accepted. The attempt is closed with no "
            "score."
        )
    answers, results, score = grade_answers(attempt.snapshot, form)
    passed = score >= attempt.pass_mark
    # The status condition makes the grading happen once even when two submits race.
    graded = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .values(
            status=AttemptStatus.GRADED.value,
            submitted_at=now,
            answers=answers,
            results=[result.as_json() for result in results],
            score=score,
            passed=passed,
        )
        .execution_options(synchronize_session=False)
    )
    if graded.rowcount != 1:
        raise Conflict(
            "This attempt has already been submitted and graded; it is graded only once."
        )
    db.session.refresh(attempt)
    if passed:
        mark_item_done(user_id, attempt.item)
    publish(
        AttemptGraded(
            attempt_id=attempt.id,
            user_id=attempt.user_id,
            course_id=attempt.course_id,
            item_id=attempt.item_id,
            graded_at=now,
            results=results,
            evidence=attempt.kind == QuizKind.ASSESSMENT,
        )
    )
    return attempt


def best_scores(user_id: int, item_ids: list[int]) -> dict[int, float]:
    """Each quiz's best graded score for an officer in their current certification cycle
    (one query)."""
    if not item_ids:
        return {}
    return dict(
        db.session.execute(
            select(Attempt.item_id, func.max(Attempt.score))
            .outerjoin(
                CourseEnrolment,
                and_(
                    CourseEnrolment.user_id == Attempt.user_id,
                    CourseEnrolment.course_id == Attempt.course_id,
                ),
            )
            .where(
                Attempt.user_id == user_id,
                Attempt.item_id.in_(item_ids),
                Attempt.status == AttemptStatus.GRADED,
                Attempt.cycle == func.coalesce(CourseEnrolment.cycle, 1),
            )
            .group_by(Attempt.item_id)
        ).all()
    )


@dataclass(frozen=True)
class AttemptSummary:
    """A finished attempt as listed on the officer's dashboard."""

    id: int
    course_id: int
    course_title: str
    item_id: int
    item_title: str
    number: int
    status: str
    score: float | None
    passed: bool | None
    pass_mark: int
    finished_at: datetime | None


def recent_results(user_id: int, limit: int = 10) -> list[AttemptSummary]:
    """An officer's latest finished attempts (graded or timed out), newest first (one query)."""
    finished_at = func.coalesce(Attempt.submitted_at, Attempt.deadline_at, Attempt.started_at)
    rows = db.session.execute(
        select(
            Attempt.id,
            Attempt.course_id,
            Course.title,
            Attempt.item_id,
            CourseItem.title,
            Attempt.number,
            Attempt.status,
            Attempt.score,
            Attempt.passed,
            Attempt.pass_mark,
            finished_at,
        )
        .join(CourseItem, CourseItem.id == Attempt.item_id)
        .join(Course, Course.id == Attempt.course_id)
        .where(Attempt.user_id == user_id, Attempt.status != AttemptStatus.IN_PROGRESS.value)
        .order_by(finished_at.desc(), Attempt.id.desc())
        .limit(limit)
    ).all()
    return [AttemptSummary(*row) for row in rows]
