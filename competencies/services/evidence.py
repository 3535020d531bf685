"""Evidence and current levels. Every graded attempt appends evidence for the competencies its
questions carry, and the current levels move in the same transaction, so that reading a level
never re-scans attempts. Functions flush; callers commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from competencies.models import Competency, CurrentLevel, Evidence, EvidenceSource, Framework
from competencies.rules import (
    DEMONSTRATION_THRESHOLD,
    Demonstration,
    EvidencePoint,
    LevelState,
    demonstrations,
    has_lapsed,
    level_from_evidence,
    next_level,
)
from competencies.services.frameworks import competencies_in_force
from courses.events import AttemptGraded
from courses.learning.models import Attempt, Question
from lms.errors import NotFound, ValidationError
from lms.extensions import db
from lms.timeutil import utcnow


@dataclass(frozen=True)
class NewEvidence:
    user_id: int
    competency: Competency
    level: int
    source: str
    attempt_id: int | None = None
    rated_by_id: int | None = None
    note: str = ""
    basis: dict[str, Any] | None = None


def record_attempt_evidence(graded: AttemptGraded) -> list[Evidence]:
    """Append evidence for each competency the attempt's questions carry (handler of
    AttemptGraded, in the grading transaction), each row with the questions that made it. A
    checkpoint's attempt records nothing."""
    if not graded.evidence:
        return []
    return append_evidence(attempt_evidence(graded))


def attempt_evidence(graded: AttemptGraded) -> list[NewEvidence]:
    """The evidence a graded attempt gives, by its competencies' frameworks' rule (each
    framework's N): one entry per known competency its questions carry."""
    known = competencies_in_force({r.competency_code for r in graded.results if r.competency_code})
    if not known:
        return []
    shown = demonstrations(
        graded.results,
        {code: c.framework.min_questions_per_level for code, c in known.items()},
    )
    # The attempt is in the session already (the grading loaded it): no query.
    attempt = db.session.get(Attempt, graded.attempt_id) if graded.attempt_id else None
    names = question_names(attempt.snapshot if attempt else [])
    return [
        NewEvidence(
            graded.user_id,
            known[code],
            demonstration.level,
            EvidenceSource.QUIZ.value,
            attempt_id=graded.attempt_id,
            basis=evidence_basis(demonstration, names),
        )
        for code, demonstration in sorted(shown.items())
        if code in known
    ]


def evidence_basis(demonstration: Demonstration, names: Mapping[str, str]) -> dict[str, Any]:
    """What a quiz level rests on, as stored with the evidence (JSON): the rule as applied
    (N, the threshold, the score on the questions judged) and those questions, by their
    key in the attempt and their name (never their answer keys), with their level and marks."""
    return {
        "min_questions": demonstration.min_questions,
        "threshold": DEMONSTRATION_THRESHOLD,
        "score": round(demonstration.score, 4),
        "questions": [
            {
                "key": q.key,
                "name": names.get(q.key, ""),
                "level": q.level,
                "fraction": round(q.fraction, 4),
            }
            for q in demonstration.questions
        ],
    }


def question_names(snapshot: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The names of an attempt's questions (its snapshot) by their key in the attempt, as they
    were when it was drawn (the snapshot keeps them); for older snapshots, and questions without
    a name, as the bank names them (the start of its text); at most one query."""
    snapshot = list(snapshot)
    kept = {entry["key"]: entry["name"] for entry in snapshot if entry.get("name")}
    ids = {entry["key"]: entry.get("question_id") for entry in snapshot if entry["key"] not in kept}
    if not ids:
        return kept
    bank = {
        row.id: row.name or _shortened(row.text)
        for row in db.session.execute(
            select(Question.id, Question.name, Question.text).where(
                Question.id.in_({i for i in ids.values() if i is not None})
            )
        )
    }
    return kept | {key: bank.get(question_id, "") for key, question_id in ids.items()}


def _shortened(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def add_manual_rating(
    user_id: int, competency_id: int, level: int, note: str, *, rated_by_id: int
) -> Evidence:
    """A trainer's rating (observation on the job, a workshop), with the reason."""
    competency = db.session.get(Competency, competency_id)
    if competency is None:
        raise NotFound("No such competency.")
    if not 1 <= level <= len(competency.framework.scale):
        raise ValidationError(f"The level must be 1 to {len(competency.framework.scale)}.")
    if not note.strip():
        raise ValidationError("Say what the rating is based on (an observation, a workshop…).")
    if user_id == rated_by_id:
        raise ValidationError("You cannot rate your own competencies.")
    return append_evidence(
        [
            NewEvidence(
                user_id,
                competency,
                level,
                EvidenceSource.MANUAL.value,
                rated_by_id=rated_by_id,
                note=note.strip()[:2000],
            )
        ]
    )[0]


def append_evidence(entries: Iterable[NewEvidence]) -> list[Evidence]:
    """Add evidence rows and move the current levels they affect (one read for all of them)."""
    entries = list(entries)
    if not entries:
        return []
    now = utcnow()
    keys = {(e.user_id, e.competency.id) for e in entries}
    current = {
        (row.user_id, row.competency_id): row
        for row in db.session.scalars(
            select(CurrentLevel).where(
                CurrentLevel.user_id.in_({u for u, _ in keys}),
                CurrentLevel.competency_id.in_({c for _, c in keys}),
            )
        )
    }
    rows = []
    for entry in entries:
        evidence = Evidence(
            user_id=entry.user_id,
            competency_id=entry.competency.id,
            level=entry.level,
            source=entry.source,
            attempt_id=entry.attempt_id,
            rated_by_id=entry.rated_by_id,
            note=entry.note,
            basis=entry.basis,
            created_at=now,
        )
        db.session.add(evidence)
        rows.append(evidence)
        framework = entry.competency.framework
        key = (entry.user_id, entry.competency.id)
        row = current.get(key)
        state = _state(row)
        if has_lapsed(state, now):
            db.session.flush()
            new_state = _rebuilt_state(entry.user_id, entry.competency.id, framework, now)
        else:
            new_state = next_level(
                state,
                EvidencePoint(entry.level, now),
                framework.level_policy,
                framework.validity_months,
            )
        if row is None:
            row = CurrentLevel(user_id=entry.user_id, competency_id=entry.competency.id)
            db.session.add(row)
            current[key] = row
        row.level, row.achieved_at, row.expires_at = (
            new_state.level,
            new_state.achieved_at,
            new_state.expires_at,
        )
    db.session.flush()
    return rows


def _state(row: CurrentLevel | None) -> LevelState | None:
    return None if row is None else LevelState(row.level, row.achieved_at, row.expires_at)


def _rebuilt_state(user_id: int, competency_id: int, framework: Framework, now) -> LevelState:
    points = [
        EvidencePoint(level, at)
        for level, at in db.session.execute(
            select(Evidence.level, Evidence.created_at)
            .where(Evidence.user_id == user_id, Evidence.competency_id == competency_id)
            .order_by(Evidence.id)  # ties in time: the later row wins, as when appended
        ).all()
    ]
    return level_from_evidence(
        points, framework.level_policy, framework.validity_months, now
    ) or LevelState(0, now)
