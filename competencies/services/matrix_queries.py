"""The skill-gap matrix's queries (the types and arithmetic: competencies.services.matrix).

Reads only users, org_units, position_requirements and current_levels (never attempts or
evidence), in set form: each page runs a fixed number of queries whatever the number of
officers. The functions return plain rows or SELECTs for paging.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, FromClause, Select, and_, case, func, select, true
from sqlalchemy.orm import joinedload, lazyload

from competencies.models import (
    Competency,
    CurrentLevel,
    Framework,
    PositionRequirement,
    competency_principles,
)
from competencies.services.gaps import CompetencyInfo, load_competency_infos
from competencies.services.matrix import (
    MatrixFilter,
    OfficerRef,
    Post,
    PostStats,
    PostStatus,
    Requirement,
    UnitRef,
)
from lms.accounts.models import Role, User, UserRole
from lms.database import bytewise
from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.organisation.services import subtree_unit_ids, units_in_subtree

CURRENT_LEVELS = CurrentLevel.__table__


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


def _level(levels: FromClause = CURRENT_LEVELS) -> ColumnElement[int]:
    return func.coalesce(levels.c.level, 0)


def _posts(*columns, levels: FromClause = CURRENT_LEVELS) -> Select:
    """SELECT `columns` over every post of the officers (users × their position's
    requirements, with the level from `levels` when there is one)."""
    return (
        select(*columns)
        .select_from(User)
        .join(PositionRequirement, PositionRequirement.position_id == User.position_id)
        .join(Competency, Competency.id == PositionRequirement.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .outerjoin(
            levels,
            and_(
                levels.c.user_id == User.id,
                levels.c.competency_id == PositionRequirement.competency_id,
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


def requirement_stats(
    f: MatrixFilter, levels: FromClause = CURRENT_LEVELS
) -> dict[tuple[int, int], PostStats]:
    """PostStats per (unit, competency) over the filter's posts: one GROUP BY.

    `levels` is where the officers' levels are read: current_levels, or any SELECT with the
    same user_id, competency_id and level columns (benchmarks/matrix.py recomputes them from
    evidence to compare).
    """
    level = _level(levels)
    required = PositionRequirement.required_level
    rows = db.session.execute(
        _posts(
            User.unit_id,
            PositionRequirement.competency_id,
            func.count(),
            func.sum(case((level >= required, 1), else_=0)),
            func.sum(case((required > level, required - level), else_=0)),
            func.sum(case((level >= Framework.proficient_level, 1), else_=0)),
            levels=levels,
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
        for u in units_in_subtree(unit)
    ]
