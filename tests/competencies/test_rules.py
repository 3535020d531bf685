"""The pure level rules: what an attempt demonstrates, and how evidence becomes a level."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from competencies.rules import (
    DEFAULT_MIN_QUESTIONS,
    DEMONSTRATION_RULE,
    Demonstration,
    EvidencePoint,
    LevelState,
    ValidityWindow,
    demonstrated_levels,
    demonstration_rule,
    demonstrations,
    gap,
    has_lapsed,
    lapse_time,
    level_from_evidence,
    next_level,
    validity_window,
)
from courses.learning.results import QuestionResult

T0 = datetime(2024, 1, 15, 9, 0)
POLICIES = ("highest", "latest", "highest_valid")


def result(code: str | None, level: int, fraction: float) -> QuestionResult:
    return QuestionResult(key="q", fraction=fraction, competency_code=code, level=level)


def results(code: str, marks: dict[int, list[float]]) -> list[QuestionResult]:
    return [
        result(code, level, fraction)
        for level, fractions in marks.items()
        for fraction in fractions
    ]


def at_boundary(level: int, *, just_below: bool = False) -> dict[int, list[float]]:
    """Every question below `level` right, and exactly 80% of the marks up to `level` (or a
    hair less): 5 questions per lower level, 10 at `level`."""
    marks = {lower: [1.0] * 5 for lower in range(1, level)}
    right = 8 - (level - 1)  # (5 * (level - 1) + right) / (5 * (level - 1) + 10) == 0.8
    at_level = [1.0] * right + [0.0] * (10 - right)
    if just_below:
        at_level[0] = 0.99
    marks[level] = at_level
    return marks


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_exactly_80_percent_up_to_a_level_demonstrates_it(level):
    assert demonstrated_levels(results("OPS-VAL", at_boundary(level))) == {"OPS-VAL": level}


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_a_hair_under_80_percent_demonstrates_only_the_level_below(level):
    marks = at_boundary(level, just_below=True)
    assert demonstrated_levels(results("OPS-VAL", marks)) == {"OPS-VAL": level - 1}


def test_failing_harder_questions_keeps_the_level_reached():
    marks = {1: [1.0, 1.0, 1.0, 1.0], 2: [1.0, 1.0, 1.0], 3: [0.0, 0.0, 0.0, 0.0]}
    # Up to 2: 7/7; up to 3: 7/11.
    assert demonstrated_levels(results("P-INT", marks)) == {"P-INT": 2}


@pytest.mark.parametrize("needed", [1, 3, 5])
@pytest.mark.parametrize(("held", "level"), [(-1, 1), (0, 2), (1, 2)])
def test_a_level_needs_n_questions_of_that_level(needed, held, level):
    # N - 1 questions of level 2 (every one right) leave the officer at level 1; N or N + 1
    # give level 2.
    marks = {1: [1.0] * needed, 2: [1.0] * (needed + held)}
    assert demonstrated_levels(results("P-INT", marks), {"P-INT": needed}) == {"P-INT": level}


def test_questions_of_lower_levels_do_not_count_towards_n():
    marks = {1: [1.0] * 10, 2: [1.0, 1.0]}
    assert demonstrated_levels(results("P-INT", marks)) == {"P-INT": 1}


def test_lower_levels_need_no_n_of_their_own():
    marks = {1: [1.0], 2: [1.0, 1.0, 1.0]}
    assert demonstrated_levels(results("P-INT", marks)) == {"P-INT": 2}


@pytest.mark.parametrize(("fractions", "level"), [([1, 1, 1, 1, 0], 1), ([1, 1, 1, 0.99, 0], 0)])
def test_the_threshold_exactly_met_with_n_questions(fractions, level):
    marks = {1: [float(f) for f in fractions]}  # 4 of 5: exactly 80%
    assert demonstrated_levels(results("P-INT", marks), {"P-INT": 5}) == {"P-INT": level}


def test_n_is_read_per_competency_and_defaults_to_three():
    marks = {1: [1.0, 1.0]}
    mixed = results("P-INT", marks) + results("P-TRA", marks) + results("OPS-VAL", marks)
    levels = demonstrated_levels(mixed, {"P-INT": 2, "P-TRA": 3})
    assert levels == {"P-INT": 1, "P-TRA": 0, "OPS-VAL": 0}
    assert DEFAULT_MIN_QUESTIONS == 3


def test_competencies_are_judged_apart_and_untagged_questions_ignored():
    mixed = results("P-INT", {1: [1.0] * 3, 2: [1.0] * 3}) + results("P-TRA", {1: [0.5] * 3})
    mixed.append(result(None, 4, 1.0))
    assert demonstrated_levels(mixed) == {"P-INT": 2, "P-TRA": 0}


def test_an_attempt_without_tagged_questions_demonstrates_nothing():
    assert demonstrated_levels([result("", 1, 1.0)]) == {}
    assert demonstrations([result(None, 1, 1.0)]) == {}


def test_a_demonstration_names_the_questions_that_made_it():
    made = [result("P-INT", 1, 1.0), result("P-INT", 1, 1.0), result("P-INT", 2, 1.0)]
    made += [result("P-INT", 2, 0.5), result("P-INT", 2, 1.0)]
    above = [result("P-INT", 3, 0.0)] * 3
    shown = demonstrations(made + above, {"P-INT": 3})["P-INT"]
    assert shown == Demonstration(2, 0.9, tuple(made), 3)


def test_no_level_keeps_every_question_of_the_competency_and_their_score():
    tried = [result("P-INT", 1, 1.0), result("P-INT", 2, 0.0), result("P-INT", 2, 0.5)]
    shown = demonstrations([*tried, result("P-TRA", 1, 1.0)], {"P-INT": 2})["P-INT"]
    assert shown == Demonstration(0, 0.5, tuple(tried), 2)


def test_the_rule_text_states_n_and_the_threshold():
    assert DEMONSTRATION_RULE == (
        "A graded quiz demonstrates level L in a competency when it holds at least 3 questions "
        "of that competency at level L and you score at least 80% of the marks on that "
        "competency's questions of level L or below. The highest such L counts; below that, "
        "the attempt is recorded as level 0."
    )
    assert "at least 3 questions of that competency at level L" in DEMONSTRATION_RULE
    assert "at least 80% of the marks" in DEMONSTRATION_RULE
    assert "questions of level L or below" in DEMONSTRATION_RULE
    assert "at least 1 question of that competency" in demonstration_rule(1)
    assert "at least 7 questions" in demonstration_rule(7)


# --- level_from_evidence ------------------------------------------------------------------------

SEQUENCE = [
    EvidencePoint(2, T0),
    EvidencePoint(3, T0 + timedelta(days=30)),
    EvidencePoint(1, T0 + timedelta(days=60)),
    EvidencePoint(3, T0 + timedelta(days=400)),
    EvidencePoint(1, T0 + timedelta(days=500)),
]
NOW = T0 + timedelta(days=600)


def test_no_evidence_gives_no_level():
    for policy in POLICIES:
        assert level_from_evidence([], policy, 12, NOW) is None


def test_highest_keeps_the_first_time_the_best_level_was_shown():
    shuffled = list(reversed(SEQUENCE))
    assert level_from_evidence(shuffled, "highest", None, NOW) == LevelState(
        3, T0 + timedelta(days=30)
    )


def test_latest_takes_the_most_recent_evidence_even_when_lower():
    assert level_from_evidence(SEQUENCE, "latest", None, NOW) == LevelState(
        1, T0 + timedelta(days=500)
    )


def test_latest_breaks_a_tie_in_time_by_the_order_given():
    tied = [EvidencePoint(3, T0), EvidencePoint(1, T0)]
    assert level_from_evidence(tied, "latest", None, NOW).level == 1


def test_highest_valid_counts_only_evidence_within_the_validity_period():
    # 12 months before NOW is day 235: the level-3 evidence of day 30 has lapsed, day 400 has not.
    state = level_from_evidence(SEQUENCE, "highest_valid", 12, NOW)
    shown = T0 + timedelta(days=400)
    assert state == LevelState(3, shown, shown + relativedelta(months=12))
    # Six months later the day-400 evidence lapses too; only day 500's level 1 remains.
    later = shown + relativedelta(months=12) + timedelta(days=1)
    last = T0 + timedelta(days=500)
    assert level_from_evidence(SEQUENCE, "highest_valid", 12, later) == LevelState(
        1, last, last + relativedelta(months=12)
    )


def test_highest_valid_takes_the_newest_of_equal_best_levels():
    points = [EvidencePoint(2, T0), EvidencePoint(2, T0 + timedelta(days=10))]
    state = level_from_evidence(points, "highest_valid", 6, T0 + timedelta(days=20))
    assert state.achieved_at == T0 + timedelta(days=10)


def test_highest_valid_evidence_still_counts_on_the_day_it_lapses():
    expiry = T0 + relativedelta(months=6)
    points = [EvidencePoint(2, T0)]
    assert level_from_evidence(points, "highest_valid", 6, expiry).level == 2
    lapsed = level_from_evidence(points, "highest_valid", 6, expiry + timedelta(seconds=1))
    assert lapsed == LevelState(0, T0)


def test_without_a_validity_period_highest_valid_never_lapses():
    state = level_from_evidence(SEQUENCE, "highest_valid", None, NOW + timedelta(days=9999))
    assert (state.level, state.expires_at) == (3, None)


def test_has_lapsed_and_gap():
    state = LevelState(2, T0, T0 + timedelta(days=1))
    assert not has_lapsed(state, T0 + timedelta(days=1))
    assert has_lapsed(state, T0 + timedelta(days=1, seconds=1))
    assert not has_lapsed(LevelState(2, T0), NOW) and not has_lapsed(None, NOW)
    assert (gap(3, 1), gap(2, 2), gap(1, 4)) == (2, 0, 0)


def test_the_validity_window_follows_month_ends():
    # On 31 March a month's validity keeps 1 March onwards: 28 February + 1 month is 28 March.
    window = validity_window(datetime(2023, 3, 31, 12, 0), 1)
    assert window == ValidityWindow(datetime(2023, 3, 1))
    # On 30 September at 10:00, 31 August 09:00 has lapsed (on 30 September 09:00), though
    # 30 August 10:00 has not: 31 August counts only from 10:00.
    window = validity_window(datetime(2024, 9, 30, 10, 0), 1)
    assert window.since == datetime(2024, 8, 30, 10, 0)
    assert window.gaps == ((datetime(2024, 8, 31), datetime(2024, 8, 31, 10, 0)),)
    assert not window.counts(datetime(2024, 8, 31, 9, 0)) and window.counts(
        datetime(2024, 8, 31, 10)
    )
    assert validity_window(datetime(2024, 5, 15, 8, 30), 24) == ValidityWindow(
        datetime(2022, 5, 15, 8, 30)
    )
    assert validity_window(datetime(2024, 5, 15), None) is None


@pytest.mark.parametrize("validity_months", [1, 6, 13, 24, 36])
def test_the_validity_window_agrees_with_lapse_time(validity_months):
    rng = random.Random(validity_months)
    month_ends = [datetime(2024, m, 1) - timedelta(microseconds=1) for m in range(2, 13)]
    month_ends += [datetime(2023, 3, 1) - timedelta(hours=h) for h in (1, 14, 24)]
    for _ in range(5000):
        now = rng.choice(month_ends) + timedelta(
            days=rng.choice([0, 0, 0, -1, -2, -3]),
            hours=rng.choice([0, 0, -3, -13]),
            microseconds=rng.randint(-2, 2),
        )
        at = (
            now
            - relativedelta(months=validity_months)
            + timedelta(
                days=rng.randint(-4, 4),
                hours=rng.choice([0, 0, -1, 1, 9]),
                microseconds=rng.randint(-2, 2),
            )
        )
        window = validity_window(now, validity_months)
        assert window.counts(at) == (lapse_time(at, validity_months) >= now), (at, now)


# --- next_level agrees with level_from_evidence -------------------------------------------------


def random_sequence(rng: random.Random, length: int, max_gap_days: int) -> list[EvidencePoint]:
    at, points = T0, []
    for _ in range(length):
        # Some evidence arrives at the same moment (one attempt, several competencies).
        at += timedelta(days=rng.choice([0, 0, 1, 3, 30, 90]) if max_gap_days else 0)
        at += timedelta(days=rng.randint(0, max_gap_days), minutes=rng.randint(0, 1))
        points.append(EvidencePoint(rng.randint(0, 4), at))
    return points


def incremental(points, policy, validity_months):
    """What the evidence service does: one step per new piece of evidence, a rebuild from all
    evidence when the current level has lapsed."""
    state, seen, states = None, [], []
    for point in points:
        seen.append(point)
        if has_lapsed(state, point.at):
            state = level_from_evidence(seen, policy, validity_months, point.at)
        else:
            state = next_level(state, point, policy, validity_months)
        states.append(state)
    return states


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("validity_months", [None, 6, 24])
def test_next_level_agrees_with_level_from_evidence_on_random_sequences(policy, validity_months):
    rng = random.Random(f"{policy}-{validity_months}")
    for _ in range(300):
        points = random_sequence(rng, rng.randint(1, 25), max_gap_days=rng.choice([0, 20, 200]))
        states = incremental(points, policy, validity_months)
        for count, state in enumerate(states, start=1):
            now = points[count - 1].at
            expected = level_from_evidence(points[:count], policy, validity_months, now)
            assert state == expected, (policy, validity_months, points[:count])


@pytest.mark.parametrize("policy", ["highest", "latest"])
def test_next_level_alone_matches_when_nothing_can_lapse(policy):
    rng = random.Random(policy)
    for _ in range(300):
        points = random_sequence(rng, rng.randint(1, 25), max_gap_days=400)
        state = None
        for count, point in enumerate(points, start=1):
            state = next_level(state, point, policy, 12)
            assert state == level_from_evidence(points[:count], policy, 12, point.at)
