"""Pure rules: what an attempt demonstrates, and how evidence becomes a current level.

No database, no app: plain data in, plain data out, so the rules can be read and tested alone.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from courses.learning.results import QuestionResult

# An officer demonstrates level L in a competency when the attempt holds at least N questions
# of that competency at level L (N is the framework's `min_questions_per_level`) and they score
# at least this share of the marks on that competency's questions of level L or below.
DEMONSTRATION_THRESHOLD = 0.8
DEFAULT_MIN_QUESTIONS = 3


def demonstration_rule(min_questions: int = DEFAULT_MIN_QUESTIONS) -> str:
    """The rule in words, with the framework's N."""
    questions = "question" if min_questions == 1 else "questions"
    return (
        f"A graded quiz demonstrates level L in a competency when it holds at least "
        f"{min_questions} {questions} of that competency at level L and you score at least "
        f"{DEMONSTRATION_THRESHOLD:.0%} of the marks on that competency's questions of level L "
        "or below. The highest such L counts; below that, the attempt is recorded as level 0."
    )


DEMONSTRATION_RULE = demonstration_rule()


@dataclass(frozen=True)
class Demonstration:
    """What an attempt shows for one competency, and why: the level (0: none), the questions
    the rule judged it on (those of that level or below; every question of the competency when
    no level is demonstrated), the share of their marks scored, and the N that applied."""

    level: int
    score: float
    questions: tuple[QuestionResult, ...]
    min_questions: int


def demonstrations(
    results: Iterable[QuestionResult], min_questions: Mapping[str, int] | None = None
) -> dict[str, Demonstration]:
    """Per competency code, what an attempt's results demonstrate; `min_questions` gives each
    code's N (DEFAULT_MIN_QUESTIONS when absent). Untagged questions count for nothing."""
    by_competency: dict[str, list[QuestionResult]] = defaultdict(list)
    for result in results:
        if result.competency_code:
            by_competency[result.competency_code].append(result)
    found: dict[str, Demonstration] = {}
    for code, questions in by_competency.items():
        needed = (min_questions or {}).get(code, DEFAULT_MIN_QUESTIONS)
        found[code] = Demonstration(0, _score(questions), tuple(questions), needed)
        for level in sorted({q.level for q in questions}):
            if sum(1 for q in questions if q.level == level) < needed:
                continue
            upto = tuple(q for q in questions if q.level <= level)
            score = _score(upto)
            if score >= DEMONSTRATION_THRESHOLD - 1e-9:
                found[code] = Demonstration(level, score, upto, needed)
    return found


def demonstrated_levels(
    results: Iterable[QuestionResult], min_questions: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Per competency code, the level an attempt's results demonstrate (0 when none)."""
    return {code: shown.level for code, shown in demonstrations(results, min_questions).items()}


def _score(questions: Sequence[QuestionResult]) -> float:
    return sum(q.fraction for q in questions) / len(questions)


@dataclass(frozen=True)
class EvidencePoint:
    level: int
    at: datetime


@dataclass(frozen=True)
class LevelState:
    level: int
    achieved_at: datetime
    expires_at: datetime | None = None


def lapse_time(at: datetime, validity_months: int | None) -> datetime | None:
    return at + relativedelta(months=validity_months) if validity_months else None


@dataclass(frozen=True)
class ValidityWindow:
    """The evidence times still valid at some moment, as plain comparisons (so SQL can use
    them): at or after `since`, and not within any of the `gaps` [start, end)."""

    since: datetime
    gaps: tuple[tuple[datetime, datetime], ...] = ()

    def counts(self, at: datetime) -> bool:
        return at >= self.since and not any(start <= at < end for start, end in self.gaps)


def validity_window(now: datetime, validity_months: int | None) -> ValidityWindow | None:
    """Which evidence times count at `now`: exactly those with lapse_time(at) >= now
    (None: every time counts).

    Not simply "after now minus the validity", because adding months clips to the month's
    end. On 31 March a month's validity keeps 1 March onwards (28 February + 1 month is only
    28 March). And on 30 September at 10:00, evidence of 31 August 09:00 has lapsed (it lapses
    on 30 September 09:00) while evidence of 30 August 10:00 has not: the days a shorter month
    lacks keep only the times of day from now's on (the gaps)."""
    if not validity_months:
        return None
    back = relativedelta(months=validity_months)
    earlier = now - back
    since = earlier
    if earlier + back < now:
        # The day was clipped: nothing in that month reaches `now`; the next month does.
        since = datetime.combine(earlier.date().replace(day=1), time.min) + relativedelta(months=1)
    gaps = []
    last_day = calendar.monthrange(now.year, now.month)[1]
    if now.day == last_day and now.time() != time.min:
        for day in range(last_day + 1, calendar.monthrange(earlier.year, earlier.month)[1] + 1):
            start = datetime.combine(earlier.date().replace(day=day), time.min)
            gaps.append((start, datetime.combine(start.date(), now.time())))
    return ValidityWindow(since, tuple(gaps))


def level_from_evidence(
    points: Iterable[EvidencePoint], policy: str, validity_months: int | None, now: datetime
) -> LevelState | None:
    """The current level from all of one officer's evidence for one competency (the rebuild)."""
    ordered = sorted(points, key=lambda p: p.at)
    if not ordered:
        return None
    if policy == "latest":
        last = ordered[-1]
        return LevelState(last.level, last.at)
    if policy == "highest_valid":
        valid = [p for p in ordered if (lapse_time(p.at, validity_months) or now) >= now]
        if not valid:
            return LevelState(0, ordered[-1].at)
        best = max(p.level for p in valid)
        newest_best = max((p for p in valid if p.level == best), key=lambda p: p.at)
        return LevelState(best, newest_best.at, lapse_time(newest_best.at, validity_months))
    best = max(p.level for p in ordered)
    first_best = min((p for p in ordered if p.level == best), key=lambda p: p.at)
    return LevelState(best, first_best.at)


def next_level(
    current: LevelState | None, point: EvidencePoint, policy: str, validity_months: int | None
) -> LevelState:
    """The current level after one more piece of evidence (the incremental update).

    Agrees with level_from_evidence over the same evidence while `current` has not lapsed;
    the caller rebuilds from evidence when it has (see `has_lapsed`).
    """
    if current is None or policy == "latest":
        return LevelState(
            point.level,
            point.at,
            lapse_time(point.at, validity_months) if policy == "highest_valid" else None,
        )
    if point.level < current.level:
        return current
    if policy == "highest_valid":
        return LevelState(point.level, point.at, lapse_time(point.at, validity_months))
    if point.level > current.level:
        return LevelState(point.level, point.at)
    return current


def has_lapsed(current: LevelState | None, now: datetime) -> bool:
    return current is not None and current.expires_at is not None and current.expires_at < now


def gap(required: int, current: int) -> int:
    """How many levels short of the requirement (never negative)."""
    return max(0, required - current)
