"""Quiz evidence by the framework's rule: a level needs N questions of it, and each row keeps
the rule as applied and the questions that made the level (names, never keys)."""

from __future__ import annotations

import json

from sqlalchemy import select

from competencies.models import CurrentLevel, Evidence, Framework
from competencies.services.evidence import add_manual_rating
from lms.extensions import db as database
from tests.competencies.gap_world import publish_course, take_quiz


def evidence_of(user_id: int) -> list[Evidence]:
    query = select(Evidence).where(Evidence.user_id == user_id).order_by(Evidence.id)
    return list(database.session.scalars(query))


def set_n(framework_id: int, n: int) -> None:
    database.session.get(Framework, framework_id).min_questions_per_level = n
    database.session.commit()


def test_a_quiz_level_keeps_the_rule_as_applied_and_its_questions(world, db):
    quiz = publish_course(world.training, code="STD-1", title="Standards", competency_code="P-STD")
    take_quiz(world.officer, quiz, right=True)
    (row,) = evidence_of(world.officer.id)
    assert row.level == 2 and row.source == "quiz" and row.attempt_id is not None
    assert (row.basis["min_questions"], row.basis["threshold"], row.basis["score"]) == (3, 0.8, 1)
    names = sorted(q["name"] for q in row.basis["questions"])
    assert names == sorted(
        f"Which {t}?"
        for t in (
            "nomenclature",
            "origin rule",
            "tariff heading",
            "valuation method",
            "transaction value",
            "adjustment",
        )
    )
    assert sorted(q["level"] for q in row.basis["questions"]) == [1, 1, 1, 2, 2, 2]
    assert {q["fraction"] for q in row.basis["questions"]} == {1.0}
    assert all(q["key"].startswith("q") for q in row.basis["questions"])
    assert "right answer" not in json.dumps(row.basis)  # the answer keys are never stored


def test_the_framework_n_decides_and_applies_only_to_new_attempts(world, db):
    quiz = publish_course(world.training, code="STD-1", title="Standards", competency_code="P-STD")
    framework_id = world.competencies["P-STD"].framework_id
    take_quiz(world.officer, quiz, right=True)  # N = 3: three level-2 questions, level 2
    set_n(framework_id, 4)  # N + 1: the same quiz no longer evidences level 2 (nor 1)
    take_quiz(world.officer, quiz, right=True)
    first, second = evidence_of(world.officer.id)
    assert (first.level, first.basis["min_questions"]) == (2, 3)  # left as recorded
    assert (second.level, second.basis["min_questions"]) == (0, 4)
    assert len(second.basis["questions"]) == 6  # level 0: every question of the competency
    level = db.session.get(CurrentLevel, (world.officer.id, world.competencies["P-STD"].id))
    assert level.level == 2  # the highest policy keeps what the first attempt showed
    set_n(framework_id, 3)
    take_quiz(world.officer, quiz, right=False)  # N met, threshold missed: level 0, score 0
    third = evidence_of(world.officer.id)[-1]
    assert (third.level, third.basis["score"]) == (0, 0)


def test_a_rating_has_no_quiz_basis(world, db):
    rating = add_manual_rating(
        world.officer.id,
        world.competencies["P-STD"].id,
        3,
        "Observed at the port.",
        rated_by_id=world.trainer.id,
    )
    assert rating.basis is None
