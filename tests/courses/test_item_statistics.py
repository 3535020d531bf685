"""Item analysis figures (courses.learning.item_statistics), checked against a quiz worked by
hand, without an app or a database."""

from __future__ import annotations

import random

import pytest

from courses.learning.item_statistics import (
    FLAG_NEGATIVE_DISCRIMINATION,
    FLAG_TOO_EASY,
    FLAG_TOO_HARD,
    FLAG_UNUSED_DISTRACTOR,
    MIN_ATTEMPTS,
    TOO_FEW_ATTEMPTS,
    AnsweredQuestion,
    ChoiceFigures,
    ShownChoice,
    analyse_attempts,
    question_flags,
)

RIGHT = ShownChoice("c1", "<p>Right</p>", 1.0)
WRONG = ShownChoice("c2", "<p>Wrong</p>", 0.0)
NOBODY = ShownChoice("c3", "<p>Nobody</p>", 0.0)
TRUE = ShownChoice("true", "True", 0.0)
FALSE = ShownChoice("false", "False", 1.0)


def q1(pick: str, fraction: float) -> AnsweredQuestion:
    """Single choice: c1 right, c2 and c3 wrong."""
    return AnsweredQuestion(1, fraction, (RIGHT, WRONG, NOBODY), frozenset({pick}))


def q2(fraction: float) -> AnsweredQuestion:
    """Numeric: no choices, partial credit possible."""
    return AnsweredQuestion(2, fraction)


def q3(pick: str, fraction: float) -> AnsweredQuestion:
    """True or false: false is right."""
    return AnsweredQuestion(3, fraction, (TRUE, FALSE), frozenset({pick}))


HAND_WORKED = [
    [q1("c1", 1), q2(1), q3("true", 0)],  # A1: total 2
    [q1("c1", 1), q2(0), q3("false", 1)],  # A2: total 2
    [q1("c1", 1), q2(1), q3("false", 1)],  # A3: total 3
    [q1("c2", 0), q2(0), q3("false", 1)],  # A4: total 1
    [q1("c1", 1), q2(0.5), q3("true", 0)],  # A5: total 1.5
]


def test_figures_match_the_example_worked_by_hand():
    """5 attempts × 3 questions, one mark each (x: the question's fraction, T: the attempt's
    total, r = T − x: the rest of the attempt).

        attempt   Q1   Q2   Q3    T
        A1         1    1    0    2
        A2         1    0    1    2
        A3         1    1    1    3
        A4         0    0    1    1
        A5         1  0.5    0  1.5

    Facility = mean x: Q1 4/5 = 0.8; Q2 2.5/5 = 0.5; Q3 3/5 = 0.6.
    Mean score = mean of T/3 = 9.5/15 = 63.33 %.

    Discrimination = Pearson r(x, r) = Σdx·dr / √(Σdx² · Σdr²), d = value − mean.

    Q1: x = (1,1,1,0,1), mean 0.8; r = (1,1,2,1,0.5), mean 5.5/5 = 1.1.
        dx = (0.2,0.2,0.2,−0.8,0.2); dr = (−0.1,−0.1,0.9,−0.1,−0.6)
        Σdx·dr = −0.02 − 0.02 + 0.18 + 0.08 − 0.12 = 0.10
        Σdx² = 4 × 0.04 + 0.64 = 0.8;  Σdr² = 0.01 + 0.01 + 0.81 + 0.01 + 0.36 = 1.2
        r = 0.10 / √0.96 = 0.10 / 0.979796 = 0.102062
    Q2: x = (1,0,1,0,0.5), mean 0.5; r = (1,2,2,1,1), mean 1.4.
        dx = (0.5,−0.5,0.5,−0.5,0); dr = (−0.4,0.6,0.6,−0.4,−0.4)
        Σdx·dr = −0.2 − 0.3 + 0.3 + 0.2 + 0 = 0  →  r = 0 (no discrimination)
    Q3: x = (0,1,1,1,0), mean 0.6; r = (2,1,2,0,1.5), mean 6.5/5 = 1.3.
        dx = (−0.6,0.4,0.4,0.4,−0.6); dr = (0.7,−0.3,0.7,−1.3,0.2)
        Σdx·dr = −0.42 − 0.12 + 0.28 − 0.52 − 0.12 = −0.90
        Σdx² = 2 × 0.36 + 3 × 0.16 = 1.2;  Σdr² = 0.49 + 0.09 + 0.49 + 1.69 + 0.04 = 2.8
        r = −0.90 / √3.36 = −0.90 / 1.833030 = −0.490990

    Choice shares: Q1 c1 4/5 = 0.8, c2 1/5 = 0.2, c3 0/5 = 0 (a distractor nobody picks);
    Q3 true 2/5 = 0.4, false 3/5 = 0.6. Five attempts are fewer than 20: every question is
    "too few attempts to judge", and no other flag is raised.
    """
    figures = analyse_attempts(HAND_WORKED)

    assert figures.attempts == 5
    assert figures.mean_score == pytest.approx(63.33)
    first, second, third = figures.questions
    assert [q.question_id for q in figures.questions] == [1, 2, 3]
    assert [q.attempts for q in figures.questions] == [5, 5, 5]
    assert first.facility == pytest.approx(0.8)
    assert second.facility == pytest.approx(0.5)
    assert third.facility == pytest.approx(0.6)
    assert first.discrimination == pytest.approx(0.102062, abs=1e-6)
    assert second.discrimination == pytest.approx(0.0, abs=1e-9)
    assert third.discrimination == pytest.approx(-0.490990, abs=1e-6)
    assert [(c.key, c.shown, c.picked, c.share) for c in first.choices] == [
        ("c1", 5, 4, 0.8),
        ("c2", 5, 1, 0.2),
        ("c3", 5, 0, 0.0),
    ]
    assert second.choices is None
    assert [(c.key, c.share) for c in third.choices] == [("true", 0.4), ("false", 0.6)]
    assert all(q.flags == (TOO_FEW_ATTEMPTS,) for q in figures.questions)


def test_the_same_example_repeated_keeps_its_figures_and_is_judged():
    """Four copies of the five attempts: the same means and correlations, now 20 attempts, so
    the flags are judged: Q3 discriminates negatively, Q1 has a distractor nobody picks."""
    figures = analyse_attempts(HAND_WORKED * 4)
    first, second, third = figures.questions
    assert first.discrimination == pytest.approx(0.102062, abs=1e-6)
    assert third.discrimination == pytest.approx(-0.490990, abs=1e-6)
    assert first.flags == (FLAG_UNUSED_DISTRACTOR,)
    assert second.flags == ()
    assert third.flags == (FLAG_NEGATIVE_DISCRIMINATION,)


def test_the_streamed_sums_agree_with_a_direct_pearson_on_random_draws():
    """Many attempts, each drawing 4 of 6 questions: every question's r equals the textbook
    formula computed from the stored values."""
    rng = random.Random(7)
    attempts = []
    for _ in range(400):
        drawn = rng.sample(range(1, 7), 4)
        attempts.append(
            [AnsweredQuestion(q, rng.choice([0.0, 0.5, 1.0]) * (q % 3 != 0 or rng.random() < 0.3))
             for q in drawn]
        )  # fmt: skip
    figures = analyse_attempts(attempts)
    for question in figures.questions:
        pairs = [
            (a.fraction, sum(b.fraction for b in attempt) - a.fraction)
            for attempt in attempts
            for a in attempt
            if a.question_id == question.question_id
        ]
        xs, rs = zip(*pairs, strict=True)
        mx, mr = sum(xs) / len(xs), sum(rs) / len(rs)
        cov = sum((x - mx) * (r - mr) for x, r in pairs)
        expected = cov / (sum((x - mx) ** 2 for x in xs) * sum((r - mr) ** 2 for r in rs)) ** 0.5
        assert question.attempts == len(pairs)
        assert question.facility == pytest.approx(mx)
        assert question.discrimination == pytest.approx(expected, abs=1e-9)


def test_no_spread_gives_no_discrimination():
    """Everyone right on a question: its correlation is undefined, not 0 (and not a flag)."""
    attempts = [[AnsweredQuestion(1, 1.0), AnsweredQuestion(2, f)] for f in (0, 1, 0.5) * 10]
    easy, _other = analyse_attempts(attempts).questions
    assert easy.discrimination is None
    assert easy.flags == (FLAG_TOO_EASY,)


def test_a_question_without_choice_answers_gets_no_shares():
    """A type whose answer is not a pick of choices (a matching answer, say): no shares, so
    no choice is reported unpicked."""
    shown = (RIGHT, WRONG)
    attempts = [[AnsweredQuestion(1, 1.0, shown, frozenset({"c1"}))]] * 25 + [
        [AnsweredQuestion(1, 0.0, shown, None)]
    ]
    (question,) = analyse_attempts(attempts).questions
    assert question.choices is None
    assert FLAG_UNUSED_DISTRACTOR not in question.flags


def test_a_choice_added_later_is_shared_among_the_attempts_that_showed_it():
    early = [[AnsweredQuestion(1, 1.0, (RIGHT, WRONG), frozenset({"c1"}))]] * 6
    late = [[AnsweredQuestion(1, 0.0, (RIGHT, WRONG, NOBODY), frozenset({"c3"}))]] * 2
    (question,) = analyse_attempts(early + late).questions
    assert {c.key: (c.shown, c.picked) for c in question.choices} == {
        "c1": (8, 6),
        "c2": (8, 0),
        "c3": (2, 2),
    }


def test_no_attempts_give_no_figures():
    figures = analyse_attempts([])
    assert (figures.attempts, figures.mean_score, figures.questions) == (0, None, ())


@pytest.mark.parametrize(
    ("facility", "discrimination", "expected"),
    [
        (0.91, 0.3, (FLAG_TOO_EASY,)),
        (0.9, 0.3, ()),
        (0.19, 0.3, (FLAG_TOO_HARD,)),
        (0.2, 0.3, ()),
        (0.5, -0.01, (FLAG_NEGATIVE_DISCRIMINATION,)),
        (0.5, 0.0, ()),
        (0.5, None, ()),
    ],
)
def test_flag_cut_offs(facility, discrimination, expected):
    assert question_flags(MIN_ATTEMPTS, facility, discrimination, None) == expected
    assert question_flags(MIN_ATTEMPTS - 1, facility, discrimination, None) == (TOO_FEW_ATTEMPTS,)


def test_only_a_distractor_nobody_picks_is_flagged():
    """A right choice nobody picks is a different problem (too hard shows it), and a choice
    no attempt showed is not judged."""
    unpicked_right = ChoiceFigures("c1", "", 1.0, shown=30, picked=0)
    unpicked_wrong = ChoiceFigures("c2", "", 0.0, shown=30, picked=0)
    never_shown = ChoiceFigures("c3", "", 0.0, shown=0, picked=0)
    picked_wrong = ChoiceFigures("c4", "", -0.5, shown=30, picked=3)
    assert question_flags(30, 0.5, 0.3, [unpicked_right, picked_wrong, never_shown]) == ()
    assert question_flags(30, 0.5, 0.3, [unpicked_wrong]) == (FLAG_UNUSED_DISTRACTOR,)
