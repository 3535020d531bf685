"""The workforce skill-gap matrix: officers (or units) × competencies, roll-ups and readiness.

This module is the pure core: the matrix's types and the arithmetic over plain rows
(officer_lines, roll_up, unit_lines, totals_by_competency, readiness_by_principle). The queries
that read those rows are competencies.services.matrix_queries.

A *post* is one officer × one competency their position requires. The matrix counts active
users holding the officer role.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from competencies.rules import gap
from competencies.services.gaps import (
    CompetencyInfo,
    PrincipleRef,
    gap_class,
    mean_gap_class,
)
from lms.organisation.models import OrgUnit


@dataclass(frozen=True)
class MatrixFilter:
    """What the matrix shows. `unit` (with its sub-units) must already be within the viewer's
    scope: the caller checks that."""

    unit: OrgUnit | UnitRef
    position_id: int | None = None
    principle_id: int | None = None
    framework_id: int | None = None
    competency_id: int | None = None
    exact_unit: bool = False  # only the people of `unit` itself, not of the units below it


class PostStatus(enum.StrEnum):
    ALL = "all"  # every post
    BELOW = "below"  # below the required level
    MEETING = "meeting"  # at or above the required level
    NOT_PROFICIENT = "not_proficient"  # below the framework's proficient level


@dataclass(frozen=True)
class Requirement:
    level: int
    mandatory: bool


@dataclass(frozen=True)
class PostStats:
    """Counts over a set of posts; they add up, so units roll up by summing."""

    posts: int = 0
    meeting: int = 0
    gap_total: int = 0
    proficient: int = 0

    def __add__(self, other: PostStats) -> PostStats:
        return PostStats(
            self.posts + other.posts,
            self.meeting + other.meeting,
            self.gap_total + other.gap_total,
            self.proficient + other.proficient,
        )

    @property
    def below(self) -> int:
        return self.posts - self.meeting

    @property
    def share_meeting(self) -> float | None:
        return self.meeting / self.posts if self.posts else None

    @property
    def mean_gap(self) -> float | None:
        return self.gap_total / self.posts if self.posts else None

    @property
    def share_proficient(self) -> float | None:
        return self.proficient / self.posts if self.posts else None

    @property
    def css(self) -> str:
        return mean_gap_class(self.mean_gap)


@dataclass(frozen=True)
class Cell:
    """One officer × one competency: required is None when the position does not require it."""

    level: int
    required: int | None = None
    mandatory: bool = False

    @property
    def gap(self) -> int | None:
        return None if self.required is None else gap(self.required, self.level)

    @property
    def css(self) -> str:
        return gap_class(self.gap)


@dataclass(frozen=True)
class OfficerRef:
    id: int
    full_name: str
    service_number: str
    unit_name: str
    position_id: int | None
    position_title: str


@dataclass(frozen=True)
class OfficerLine:
    officer: OfficerRef
    cells: tuple[Cell, ...]  # in the order of the columns


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    kind: str
    path: str
    depth: int
    parent_id: int | None


TOTAL = "total"
OWN_STAFF = "own"


@dataclass(frozen=True)
class UnitLine:
    """A row of the units view: the unit's whole subtree (TOTAL), a sub-unit's subtree, or the
    people attached to the unit itself (OWN_STAFF)."""

    unit: UnitRef
    kind: str
    cells: tuple[PostStats, ...]


@dataclass(frozen=True)
class Readiness:
    principle: PrincipleRef
    stats: PostStats


@dataclass(frozen=True)
class Post:
    """One post of an officer, for the drill-down."""

    user_id: int
    competency_id: int
    required: int
    mandatory: bool
    level: int

    @property
    def gap(self) -> int:
        return gap(self.required, self.level)


# --- pure aggregation --------------------------------------------------------------------------


def officer_lines(
    officers: Iterable[OfficerRef],
    columns: Sequence[CompetencyInfo],
    requirements: Mapping[int, Mapping[int, Requirement]],
    levels: Mapping[tuple[int, int], int],
) -> list[OfficerLine]:
    """The cells of each officer, one per column: required level (from their position),
    current level (0 when none) and the gap."""
    lines = []
    for officer in officers:
        required = requirements.get(officer.position_id, {}) if officer.position_id else {}
        cells = []
        for column in columns:
            requirement = required.get(column.id)
            cells.append(
                Cell(
                    levels.get((officer.id, column.id), 0),
                    requirement.level if requirement else None,
                    bool(requirement and requirement.mandatory),
                )
            )
        lines.append(OfficerLine(officer, tuple(cells)))
    return lines


def roll_up(
    stats: Mapping[tuple[int, int], PostStats], units: Iterable[UnitRef], top: UnitRef
) -> dict[object, dict[int, PostStats]]:
    """Stats per (unit, competency) summed for `top`'s subtree (key TOTAL), for each direct
    sub-unit's subtree (key: its id) and for the people of `top` itself (key OWN_STAFF)."""
    path_of = {unit.id: unit.path for unit in units}
    prefix = len(top.path)
    rolled: dict[object, dict[int, PostStats]] = {}

    def add(key: object, competency_id: int, value: PostStats) -> None:
        bucket = rolled.setdefault(key, {})
        bucket[competency_id] = bucket.get(competency_id, PostStats()) + value

    for (unit_id, competency_id), value in stats.items():
        path = path_of.get(unit_id)
        if path is None or not path.startswith(top.path):
            continue
        add(TOTAL, competency_id, value)
        rest = path[prefix:]
        add(int(rest.split("/", 1)[0]) if rest else OWN_STAFF, competency_id, value)
    return rolled


def unit_lines(
    rolled: Mapping[object, Mapping[int, PostStats]],
    top: UnitRef,
    children: Iterable[UnitRef],
    columns: Sequence[CompetencyInfo],
) -> list[UnitLine]:
    """The rows of the units view: the total, the unit's own staff (when it has posts), then
    each sub-unit, cells in the order of the columns."""

    def cells(key: object) -> tuple[PostStats, ...]:
        bucket = rolled.get(key, {})
        return tuple(bucket.get(column.id, PostStats()) for column in columns)

    lines = [UnitLine(top, TOTAL, cells(TOTAL))]
    if rolled.get(OWN_STAFF):
        lines.append(UnitLine(top, OWN_STAFF, cells(OWN_STAFF)))
    lines.extend(UnitLine(child, "child", cells(child.id)) for child in children)
    return lines


def totals_by_competency(stats: Mapping[tuple[int, int], PostStats]) -> dict[int, PostStats]:
    """Stats per competency over every unit."""
    totals: dict[int, PostStats] = {}
    for (_, competency_id), value in stats.items():
        totals[competency_id] = totals.get(competency_id, PostStats()) + value
    return totals


def readiness_by_principle(
    totals: Mapping[int, PostStats],
    infos: Iterable[CompetencyInfo],
    principles: Iterable[PrincipleRef],
) -> list[Readiness]:
    """Per principle, the posts of every competency serving it and how many are proficient.
    A competency serving two principles counts for both."""
    per_principle: dict[int, PostStats] = {}
    for info in infos:
        value = totals.get(info.id)
        if value is None:
            continue
        for principle in info.principles:
            per_principle[principle.id] = per_principle.get(principle.id, PostStats()) + value
    return [Readiness(p, per_principle.get(p.id, PostStats())) for p in principles]
