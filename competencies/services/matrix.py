"""The workforce skill-gap matrix: officers (or units) × competencies, roll-ups and readiness.

Reads only users, org_units, position_requirements and current_levels (never attempts or
evidence), in set form: each page runs a fixed number of queries whatever the number of
officers. The thin query functions return plain rows; the pure functions (officer_lines,
roll_up, totals_by_competency, readiness_by_principle) do the arithmetic.

A *post* is one officer × one competency their position requires. The matrix counts active
users holding the officer role.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.orm import joinedload, lazyload

from competencies.models import (
    Competency,
    CurrentLevel,
    Framework,
    PositionRequirement,
    competency_principles,
)
from competencies.rules import gap
from competencies.services.gaps import (
    CompetencyInfo,
    PrincipleRef,
    gap_class,
    load_competency_infos,
    mean_gap_class,
)
from lms.accounts.models import Role, User, UserRole
from lms.database import bytewise
from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.organisation.services import subtree_condition, subtree_unit_ids, tree_order


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


# --- queries -----------------------------------------------------------------------------------


def holds_officer_role() -> ColumnElement[bool]:
    """The user holds the officer role. EXISTS, not IN (SELECT …): the database then starts
    from the unit's users and checks each one's role, instead of reading every officer."""
    return (
        select(UserRole.user_id)
        .where(UserRole.user_id == User.id, UserRole.role == Role.OFFICER.value)
        .exists()
    )


def officer_condition(f: MatrixFilter) -> ColumnElement[bool]:
    """Active officers in the filter's unit subtree (and position)."""
    condition = and_(
        User.active.is_(True),
        holds_officer_role(),
        User.unit_id == f.unit.id if f.exact_unit else User.unit_id.in_(subtree_unit_ids(f.unit)),
    )
    if f.position_id is not None:
        condition = and_(condition, User.position_id == f.position_id)
    return condition


def competency_condition(f: MatrixFilter) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = true()
    if f.framework_id is not None:
        condition = and_(condition, Competency.framework_id == f.framework_id)
    if f.principle_id is not None:
        condition = and_(
            condition,
            Competency.id.in_(
                select(competency_principles.c.competency_id).where(
                    competency_principles.c.principle_id == f.principle_id
                )
            ),
        )
    if f.competency_id is not None:
        condition = and_(condition, Competency.id == f.competency_id)
    return condition


def officers_query(f: MatrixFilter) -> Select[tuple[User]]:
    """The officers of the filter, by name, with unit and position loaded (for paging)."""
    return (
        select(User)
        .options(joinedload(User.unit), joinedload(User.position), lazyload(User.role_rows))
        .where(officer_condition(f))
        .order_by(User.full_name, User.id)
    )


def officer_refs(users: Iterable[User]) -> list[OfficerRef]:
    return [
        OfficerRef(
            user.id,
            user.full_name,
            user.service_number,
            user.unit.name,
            user.position_id,
            user.position.title if user.position else "",
        )
        for user in users
    ]


def matrix_columns(f: MatrixFilter) -> list[CompetencyInfo]:
    """The competencies required of at least one officer of the filter (two queries)."""
    required = select(PositionRequirement.competency_id).where(
        PositionRequirement.position_id.in_(select(User.position_id).where(officer_condition(f)))
    )
    return load_competency_infos(and_(Competency.id.in_(required), competency_condition(f)))


def requirements_for(
    position_ids: Iterable[int], competency_ids: Iterable[int]
) -> dict[int, dict[int, Requirement]]:
    """Required levels by position, then competency (one query)."""
    position_ids, competency_ids = set(position_ids), set(competency_ids)
    if not position_ids or not competency_ids:
        return {}
    found: dict[int, dict[int, Requirement]] = {}
    for position_id, competency_id, level, mandatory in db.session.execute(
        select(
            PositionRequirement.position_id,
            PositionRequirement.competency_id,
            PositionRequirement.required_level,
            PositionRequirement.mandatory,
        ).where(
            PositionRequirement.position_id.in_(position_ids),
            PositionRequirement.competency_id.in_(competency_ids),
        )
    ).all():
        found.setdefault(position_id, {})[competency_id] = Requirement(level, mandatory)
    return found


def levels_for(
    user_ids: Iterable[int] | Select, competency_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """Current levels by (officer, competency) (one query). `user_ids` may be a SELECT of ids,
    so a whole unit's levels are read without a long IN list."""
    competency_ids = set(competency_ids)
    if not isinstance(user_ids, Select):
        user_ids = set(user_ids)
        if not user_ids:
            return {}
    if not competency_ids:
        return {}
    return {
        (user_id, competency_id): level
        for user_id, competency_id, level in db.session.execute(
            select(CurrentLevel.user_id, CurrentLevel.competency_id, CurrentLevel.level).where(
                CurrentLevel.user_id.in_(user_ids),
                CurrentLevel.competency_id.in_(competency_ids),
            )
        ).all()
    }


def officer_ids(f: MatrixFilter) -> Select[tuple[int]]:
    return select(User.id).where(officer_condition(f))


def _level() -> ColumnElement[int]:
    return func.coalesce(CurrentLevel.level, 0)


def _posts(*columns) -> Select:
    """SELECT `columns` over every post of the officers (users × their position's
    requirements, with the current level when there is one)."""
    return (
        select(*columns)
        .select_from(User)
        .join(PositionRequirement, PositionRequirement.position_id == User.position_id)
        .join(Competency, Competency.id == PositionRequirement.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .outerjoin(
            CurrentLevel,
            and_(
                CurrentLevel.user_id == User.id,
                CurrentLevel.competency_id == PositionRequirement.competency_id,
            ),
        )
    )


def _status_condition(status: PostStatus) -> ColumnElement[bool]:
    level = _level()
    if status == PostStatus.BELOW:
        return level < PositionRequirement.required_level
    if status == PostStatus.MEETING:
        return level >= PositionRequirement.required_level
    if status == PostStatus.NOT_PROFICIENT:
        return level < Framework.proficient_level
    return true()


def requirement_stats(f: MatrixFilter) -> dict[tuple[int, int], PostStats]:
    """PostStats per (unit, competency) over the filter's posts: one GROUP BY."""
    level = _level()
    required = PositionRequirement.required_level
    rows = db.session.execute(
        _posts(
            User.unit_id,
            PositionRequirement.competency_id,
            func.count(),
            func.sum(case((level >= required, 1), else_=0)),
            func.sum(case((required > level, required - level), else_=0)),
            func.sum(case((level >= Framework.proficient_level, 1), else_=0)),
        )
        .where(officer_condition(f), competency_condition(f))
        .group_by(User.unit_id, PositionRequirement.competency_id)
    ).all()
    return {
        (unit_id, competency_id): PostStats(posts, meeting or 0, gap_total or 0, proficient or 0)
        for unit_id, competency_id, posts, meeting, gap_total, proficient in rows
    }


def drilldown_query(f: MatrixFilter, status: PostStatus) -> Select[tuple[User]]:
    """The officers with at least one post of the filter in `status` (for paging)."""
    matching = (
        _posts(User.id)
        .where(officer_condition(f), competency_condition(f), _status_condition(status))
        .correlate(None)
    )
    return officers_query(f).where(User.id.in_(matching))


def posts_of(user_ids: Iterable[int], f: MatrixFilter, status: PostStatus) -> dict[int, list[Post]]:
    """The posts of these officers that match the filter and `status` (one query)."""
    user_ids = set(user_ids)
    if not user_ids:
        return {}
    found: dict[int, list[Post]] = {}
    for row in db.session.execute(
        _posts(
            User.id,
            PositionRequirement.competency_id,
            PositionRequirement.required_level,
            PositionRequirement.mandatory,
            _level(),
        )
        .where(User.id.in_(user_ids), competency_condition(f), _status_condition(status))
        .order_by(User.id, Framework.position, bytewise(Competency.path))
    ).all():
        found.setdefault(row[0], []).append(Post(*row))
    return found


def units_within(unit: OrgUnit) -> list[UnitRef]:
    """`unit` and every unit below it, in tree order (one query)."""
    return [
        UnitRef(u.id, u.code, u.name, u.kind, u.path, u.depth, u.parent_id)
        for u in db.session.scalars(
            select(OrgUnit).where(subtree_condition(unit)).order_by(tree_order())
        )
    ]
