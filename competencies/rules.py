"""Pure rules: what an attempt demonstrates, and how evidence becomes a current level.

No database, no app: plain data in, plain data out, so the rules can be read and tested alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta

# An officer demonstrates level L in a competency when they score at least this share of the
# marks on that competency's questions of level L or below, and at least one of those
# questions is of level L.
DEMONSTRATION_THRESHOLD = 0.8

DEMONSTRATION_RULE = (
    "A graded quiz demonstrates level L in a competency when you score at least 80% of the "
    "marks on that competency's questions of level L or below, and at least one of them is of "
    "level L. The highest such L counts; below that, the attempt is recorded as level 0."
)


def demonstrated_levels(results: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Per competency code, the level an attempt's results demonstrate (0 when none).

    `results` are the attempt's per-question results: competency_code, level, fraction.
    """
    by_competency: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for result in results:
        code = result.get("competency_code")
        if code:
            by_competency[code].append((int(result["level"]), float(result["fraction"])))
    levels: dict[str, int] = {}
    for code, marks in by_competency.items():
        demonstrated = 0
        for level in sorted({lvl for lvl, _ in marks}):
            upto = [fraction for lvl, fraction in marks if lvl <= level]
            if sum(upto) / len(upto) >= DEMONSTRATION_THRESHOLD - 1e-9:
                demonstrated = level
        levels[code] = demonstrated
    return levels


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


def valid_since(now: datetime, validity_months: int | None) -> datetime | None:
    """The earliest evidence time still valid at `now` (None: everything is): evidence at `at`
    counts when lapse_time(at) >= now, which is exactly when at >= valid_since(now).

    Not simply now minus the validity: adding months clips to the month's end (31 January +
    1 month is 28 February), so on 31 March a month's validity keeps evidence from 1 March,
    not from 28 February."""
    if not validity_months:
        return None
    candidate = now - relativedelta(months=validity_months)
    if candidate + relativedelta(months=validity_months) >= now:
        return candidate
    # The day was clipped: nothing in the candidate's month reaches `now`; the next month does.
    return candidate.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + relativedelta(
        months=1
    )


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
