"""Drawing per competency and level (courses/learning/draws.py): every (competency, level)
group of the pool gives `count` questions, a smaller group all it has; a checkpoint draws from
its module's competencies only; shuffling changes the order, never the questions; publishing
refuses a count no group can give and figures the overlap of two draws group by group."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from courses.authoring.services import publishing
from courses.authoring.services.publishing import PublicationProblems, expected_overlap
from courses.authoring.services.questions import QuestionInput
from courses.learning.draws import draw_from, draw_groups
from courses.learning.models import Quiz
from courses.learning.services import attempts
from tests.courses.conftest import DEFAULT_BANK, answers_for


@dataclass(frozen=True)
class Row:
    id: int
    level: int
    competency_code: str | None


def rows(*places: tuple[str | None, int, int]) -> list[Row]:
    """(code, level, how many) -> that many questions, numbered in bank order."""
    return [Row(0, level, code) for code, level, n in places for _ in range(n)]


def statements(*places: tuple[str | None, int, int]) -> tuple[QuestionInput, ...]:
    return tuple(
        QuestionInput(
            "true_false", f"Statement {i} of {code or 'no competency'} at level {level}.", level,
            {"answer": i % 2 == 0}, code,
        )
        for code, level, n in places
        for i in range(n)
    )  # fmt: skip


PER_PLACE = SimpleNamespace(draw_mode="per_competency_level", draw_per_level={}, draw_count=3)
BANK = (("P-INT", 1, 5), ("P-TRA", 1, 2), ("P-INT", 2, 4), (None, 1, 4))


def places_of(questions) -> Counter:
    return Counter((q.competency_code, q.level) for q in questions)


def test_every_group_gives_count_and_a_smaller_group_all_it_has():
    pool = [Row(i, row.level, row.competency_code) for i, row in enumerate(rows(*BANK))]
    seen = set()
    for seed in range(40):
        drawn = draw_from(PER_PLACE, pool, random.Random(seed))
        assert places_of(drawn) == {
            ("P-INT", 1): 3,
            ("P-TRA", 1): 2,  # all it has
            ("P-INT", 2): 3,
            (None, 1): 3,  # the untagged questions of a level are one group
        }
        assert drawn == sorted(drawn, key=lambda q: q.id)  # in the bank's order
        seen |= {q.id for q in drawn}
    assert seen == {q.id for q in pool}, "at random: every question comes up in some draw"


def test_the_draw_at_attempt_start_holds_count_of_each_competency_level(db, create_course, officer):
    built = create_course(bank=statements(*BANK), draw_mode="per_competency_level", draw_count=3)

    attempt = attempts.start_attempt(officer.id, built.quiz)

    assert places_of(SimpleNamespace(**entry) for entry in attempt.snapshot) == {
        ("P-INT", 1): 3,
        ("P-TRA", 1): 2,
        ("P-INT", 2): 3,
        (None, 1): 3,
    }
    graded = attempts.submit_attempt(officer.id, attempt.id, answers_for(attempt.snapshot))
    assert graded.score == 100


def test_a_checkpoint_draws_per_competency_level_from_its_module_competencies_only(
    db, create_course
):
    built = create_course(  # its module names P-INT only
        lessons=1,
        bank=statements(*BANK),
        kind="checkpoint",
        draw_mode="per_competency_level",
        draw_count=3,
    )
    for seed in range(10):
        drawn = attempts.draw_questions(built.quiz.quiz, built.course.id, random.Random(seed))
        assert places_of(drawn) == {("P-INT", 1): 3, ("P-INT", 2): 3}


def test_shuffling_changes_the_order_of_the_drawn_questions_never_which_they_are(db, create_course):
    built = create_course(
        bank=statements(*BANK), draw_mode="per_competency_level", draw_count=3, published=False
    )
    quiz = built.quiz.quiz
    bank_order = [q.id for q in built.questions]
    orders_differ = False
    for seed in range(10):
        quiz.shuffle_questions = False
        plain = [q.id for q in attempts.draw_questions(quiz, built.course.id, random.Random(seed))]
        quiz.shuffle_questions = True
        mixed = [q.id for q in attempts.draw_questions(quiz, built.course.id, random.Random(seed))]
        assert plain == sorted(plain, key=bank_order.index)
        assert sorted(mixed) == sorted(plain)
        orders_differ |= mixed != plain
    assert orders_differ


def test_publishing_refuses_a_count_no_competency_level_can_give(db, create_course):
    """The default bank holds one question of each competency level."""
    built = create_course(published=False, draw_mode="per_competency_level", draw_count=2)

    with pytest.raises(PublicationProblems) as refused:
        publishing.set_status(built.course, "published")

    assert refused.value.problems == [
        "Quiz 'Check your understanding' draws 2 question(s) of each competency and level but "
        "the bank has at most 1 of any competency and level: every attempt would hold the same "
        "questions; draw fewer or add questions."
    ]
    assert len(DEFAULT_BANK) == 5


def test_the_overlap_of_two_draws_is_k_squared_over_n_summed_over_the_groups():
    """3 of each: untagged L1 3²/3 = 3, INT-COC L1 3²/4 = 2.25, P-INT L1 3²/6 = 1.5, P-INT L2
    (2 questions, both drawn) 2²/2 = 2: 8.75 of 11 questions shared on average."""
    pool = [
        publishing._BankRow(i, "", row.level, row.competency_code)
        for i, row in enumerate(
            rows(("P-INT", 1, 6), ("INT-COC", 1, 4), ("P-INT", 2, 2), (None, 1, 3))
        )
    ]
    quiz = Quiz(draw_mode="per_competency_level", draw_per_level={}, draw_count=3)

    assert [(g.competency_code, g.level, g.take) for g in draw_groups(quiz, pool)] == [
        (None, 1, 3),
        ("INT-COC", 1, 3),
        ("P-INT", 1, 3),
        ("P-INT", 2, 2),
    ]
    shared, drawn = expected_overlap(quiz, pool)
    assert (round(shared, 6), drawn) == (8.75, 11)


def test_publishing_warns_of_the_overlap_of_a_per_competency_level_draw(db, create_course):
    built = create_course(
        bank=statements(("P-INT", 1, 6), ("INT-COC", 1, 4), ("P-INT", 2, 2), (None, 1, 3)),
        draw_mode="per_competency_level",
        draw_count=3,
    )
    assert publishing.publication_warnings(built.course) == [
        f"Assessment '{built.quiz.title}': two consecutive attempts share on average 8.8 of "
        "their 11 questions (80 %): the bank is too small for the draw; add questions or draw "
        "fewer."
    ]
