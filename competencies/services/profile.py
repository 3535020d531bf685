"""An officer's competency profile: current levels against their position's requirements, the
evidence behind each level, and the published courses that would close each gap.

A fixed number of queries whatever the number of competencies, evidence rows or courses:
the requirements, the levels, the competencies (two), the evidence with what produced it,
and the courses. `assemble_profile` is the pure part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from competencies.models import Competency, CurrentLevel, Evidence, PositionRequirement
from competencies.rules import DEMONSTRATION_RULE, demonstration_rule, gap
from competencies.services.gaps import CompetencyInfo, Group, group_by_principle
from competencies.services.gaps import load_competency_infos as _load_infos
from courses.learning.models import (
    Attempt,
    Course,
    CourseItem,
    CourseStatus,
    Module,
    ModuleCompetency,
)
from lms.accounts.models import User
from lms.extensions import db


@dataclass(frozen=True)
class Requirement:
    level: int
    mandatory: bool


@dataclass(frozen=True)
class LevelFact:
    level: int
    achieved_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of evidence and what produced it: a quiz attempt, or a trainer's rating."""

    competency_id: int
    level: int
    source: str
    at: datetime
    quiz_title: str | None = None
    course_title: str | None = None
    rater_name: str | None = None
    note: str = ""
    basis: Mapping[str, Any] | None = None  # quiz evidence: the rule as applied, the questions

    @property
    def questions(self) -> list[Mapping[str, Any]]:
        """The questions that made the level (none for ratings and older quiz evidence)."""
        return list((self.basis or {}).get("questions", ()))

    @property
    def questions_at_level(self) -> int:
        return sum(1 for q in self.questions if q.get("level") == self.level)


@dataclass(frozen=True)
class CourseLink:
    id: int
    code: str
    title: str


@dataclass(frozen=True)
class ProfileLine:
    info: CompetencyInfo
    level: int
    required: int | None
    mandatory: bool
    achieved_at: datetime | None
    expires_at: datetime | None
    evidence: tuple[EvidenceLine, ...]
    courses: tuple[CourseLink, ...]
    why: EvidenceLine | None = None  # the evidence that made the current level

    @property
    def gap(self) -> int | None:
        return None if self.required is None else gap(self.required, self.level)

    @property
    def proficient(self) -> bool:
        return self.level >= self.info.proficient_level

    @property
    def meets_requirement(self) -> bool:
        return self.gap == 0


@dataclass(frozen=True)
class RuleStatement:
    """The demonstration rule in words, and the frameworks of the profile that apply it."""

    text: str
    frameworks: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompetencyProfile:
    groups: tuple[Group[ProfileLine], ...]
    rules: tuple[RuleStatement, ...] = (RuleStatement(DEMONSTRATION_RULE),)

    @property
    def lines(self) -> list[ProfileLine]:
        return [line for group in self.groups for line in group.items]

    @property
    def required_count(self) -> int:
        return sum(1 for line in self.lines if line.required is not None)

    @property
    def met_count(self) -> int:
        return sum(1 for line in self.lines if line.meets_requirement)

    @property
    def mandatory_gaps(self) -> int:
        return sum(1 for line in self.lines if line.mandatory and (line.gap or 0) > 0)


def assemble_profile(
    infos: Iterable[CompetencyInfo],
    requirements: Mapping[int, Requirement],
    levels: Mapping[int, LevelFact],
    evidence: Iterable[EvidenceLine],
    courses: Mapping[str, Iterable[CourseLink]],
) -> CompetencyProfile:
    """The profile from plain facts (pure). Required competencies come first in each group;
    courses are offered only where there is a gap."""
    by_competency: dict[int, list[EvidenceLine]] = {}
    for line in evidence:
        by_competency.setdefault(line.competency_id, []).append(line)
    lines = []
    infos_seen = []
    for info in infos:
        infos_seen.append(info)
        requirement = requirements.get(info.id)
        fact = levels.get(info.id) or LevelFact(0)
        required = requirement.level if requirement else None
        short = required is not None and gap(required, fact.level) > 0
        lines.append(
            ProfileLine(
                info=info,
                level=fact.level,
                required=required,
                mandatory=bool(requirement and requirement.mandatory),
                achieved_at=fact.achieved_at,
                expires_at=fact.expires_at,
                evidence=tuple(by_competency.get(info.id, ())),
                courses=tuple(courses.get(info.code, ())) if short else (),
                why=evidence_behind(fact, by_competency.get(info.id, ())),
            )
        )
    lines.sort(key=lambda line: line.required is None)  # stable: keeps the tree order
    return CompetencyProfile(
        tuple(group_by_principle(lines, lambda line: line.info)), rule_statements(infos_seen)
    )


def evidence_behind(fact: LevelFact, evidence: Iterable[EvidenceLine]) -> EvidenceLine | None:
    """The evidence that made a current level (pure): the row at that level recorded when the
    level was achieved (the level's time is its evidence's), else the newest at that level."""
    if fact.level < 1:
        return None
    at_level = [line for line in evidence if line.level == fact.level]
    exact = [line for line in at_level if line.at == fact.achieved_at]
    return (exact or at_level or [None])[0]


def rule_statements(infos: Iterable[CompetencyInfo]) -> tuple[RuleStatement, ...]:
    """The rule once per N in use among the profile's frameworks, naming them when they
    differ (the default rule when the profile is empty)."""
    frameworks: dict[int, dict[str, None]] = {}
    for info in infos:
        frameworks.setdefault(info.min_questions_per_level, {})[info.framework_name] = None
    if not frameworks:
        return (RuleStatement(DEMONSTRATION_RULE),)
    if len(frameworks) == 1:
        return (RuleStatement(demonstration_rule(next(iter(frameworks)))),)
    return tuple(
        RuleStatement(demonstration_rule(n), tuple(names))
        for n, names in sorted(frameworks.items())
    )


def competency_profile(user: User) -> CompetencyProfile:
    """The profile of `user` against the requirements of their current position."""
    requirements: dict[int, Requirement] = {}
    if user.position_id is not None:
        requirements = {
            competency_id: Requirement(level, mandatory)
            for competency_id, level, mandatory in db.session.execute(
                select(
                    PositionRequirement.competency_id,
                    PositionRequirement.required_level,
                    PositionRequirement.mandatory,
                ).where(PositionRequirement.position_id == user.position_id)
            ).all()
        }
    levels = {
        row.competency_id: LevelFact(row.level, row.achieved_at, row.expires_at)
        for row in db.session.scalars(select(CurrentLevel).where(CurrentLevel.user_id == user.id))
    }
    wanted = set(requirements) | set(levels)
    infos = _load_infos(Competency.id.in_(wanted)) if wanted else []
    short = {
        info.code
        for info in infos
        if info.id in requirements
        and gap(requirements[info.id].level, levels.get(info.id, LevelFact(0)).level) > 0
    }
    return assemble_profile(
        infos, requirements, levels, evidence_lines(user.id), courses_building(short)
    )


def evidence_lines(user_id: int) -> list[EvidenceLine]:
    """An officer's evidence, newest first, with the quiz or the rater behind each (one query)."""
    rater = aliased(User)
    rows = db.session.execute(
        select(
            Evidence.competency_id,
            Evidence.level,
            Evidence.source,
            Evidence.created_at,
            CourseItem.title,
            Course.title,
            rater.full_name,
            Evidence.note,
            Evidence.basis,
        )
        .outerjoin(Attempt, Attempt.id == Evidence.attempt_id)
        .outerjoin(CourseItem, CourseItem.id == Attempt.item_id)
        .outerjoin(Course, Course.id == Attempt.course_id)
        .outerjoin(rater, rater.id == Evidence.rated_by_id)
        .where(Evidence.user_id == user_id)
        .order_by(Evidence.created_at.desc(), Evidence.id.desc())
    ).all()
    return [EvidenceLine(*row) for row in rows]


def courses_building(competency_codes: set[str]) -> dict[str, list[CourseLink]]:
    """Published courses with a module that builds each competency, by code (one query)."""
    if not competency_codes:
        return {}
    rows = db.session.execute(
        select(ModuleCompetency.competency_code, Course.id, Course.code, Course.title)
        .join(Module, Module.id == ModuleCompetency.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(
            Course.status == CourseStatus.PUBLISHED.value,
            ModuleCompetency.competency_code.in_(competency_codes),
        )
        .distinct()
        .order_by(Course.title, Course.id)
    ).all()
    found: dict[str, list[CourseLink]] = {}
    for code, course_id, course_code, title in rows:
        found.setdefault(code, []).append(CourseLink(course_id, course_code, title))
    return found
