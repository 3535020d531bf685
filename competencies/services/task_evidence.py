"""Evidence from trainer-marked tasks: each competency a task's rubric judges gets the level its
criteria were marked at (the lowest, when several criteria judge it), with the markers as
assessors and the rubric's words as the reason. Functions flush; callers commit."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from competencies.models import Evidence, EvidenceSource
from competencies.services.evidence import NewEvidence, append_evidence
from competencies.services.frameworks import competencies_in_force
from courses.events import CriterionJudgement, TaskMarked
from courses.learning.models import Course
from lms.accounts.models import User
from lms.extensions import db


def record_task_evidence(marked: TaskMarked) -> list[Evidence]:
    """Handler of TaskMarked, in the marking's transaction."""
    by_code: dict[str, list[CriterionJudgement]] = defaultdict(list)
    for judgement in marked.judgements:
        by_code[judgement.competency_code].append(judgement)
    known = competencies_in_force(set(by_code))
    if not known:
        return []
    basis = _shared_basis(marked)
    return append_evidence(
        NewEvidence(
            marked.user_id,
            known[code],
            min(j.level for j in judgements),
            EvidenceSource.TASK.value,
            rated_by_id=marked.assessor_ids[0] if marked.assessor_ids else None,
            note=marked.comment[:2000],
            basis={
                **basis,
                "criteria": [
                    {"title": j.criterion, "level": j.level, "descriptor": j.descriptor}
                    for j in judgements
                ],
            },
        )
        for code, judgements in sorted(by_code.items())
        if code in known
    )


def _shared_basis(marked: TaskMarked) -> dict[str, Any]:
    """What every row of the marking shares: the task, its course, the assessors by name as
    they were when they marked (two queries)."""
    names = dict(
        db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(marked.assessor_ids))
        ).all()
    )
    return {
        "task": marked.task_title,
        "course": db.session.scalar(select(Course.title).where(Course.id == marked.course_id)),
        "submission_id": marked.submission_id,
        "assessors": [names.get(i, "") for i in marked.assessor_ids],
    }
