"""What the profile and the matrix share: competencies as plain read-only facts, grouped by
reform principle, and how a gap is classed for display.

A competency may serve several principles. Pages that list each competency once put it under
its first principle (in the principles' table order), or under the principle being filtered
on; competencies with no principle are grouped by framework.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, select

from competencies.models import Competency, Framework, competency_principles
from competencies.rules import DEFAULT_MIN_QUESTIONS
from courses.learning.models import Principle
from lms.extensions import db

T = TypeVar("T")

# Gaps of this many levels or more share the strongest colour.
GAP_CLASSES = 3


@dataclass(frozen=True)
class PrincipleRef:
    id: int
    code: str
    name: str
    position: int


@dataclass(frozen=True)
class CompetencyInfo:
    id: int
    code: str
    name: str
    framework_id: int
    framework_name: str
    framework_position: int
    scale: tuple[str, ...]
    proficient_level: int
    principles: tuple[PrincipleRef, ...] = ()
    min_questions_per_level: int = DEFAULT_MIN_QUESTIONS  # the framework's evidence rule
    descriptors: tuple[str, ...] = ()  # what an officer at level 1, 2, … can do ("": none)

    def descriptor(self, level: int | None) -> str:
        """What an officer at `level` can do in this competency ("" when not written)."""
        if not level or not 1 <= level <= len(self.descriptors):
            return ""
        return self.descriptors[level - 1]

    def level_name(self, level: int | None) -> str:
        """The scale's name for a level ("—" for 0: nothing demonstrated yet)."""
        if not level or level < 1:
            return "—"
        return self.scale[level - 1] if level <= len(self.scale) else str(level)

    def home_principle(self, focus_principle_id: int | None = None) -> PrincipleRef | None:
        """The principle this competency is listed under."""
        if focus_principle_id is not None:
            for principle in self.principles:
                if principle.id == focus_principle_id:
                    return principle
        return self.principles[0] if self.principles else None


@dataclass(frozen=True)
class Group(Generic[T]):
    """A heading (a principle, or a framework for competencies without one) and its items."""

    code: str
    name: str
    is_principle: bool
    items: tuple[T, ...]


def gap_class(gap: int | None) -> str:
    """The CSS class of a gap: gap-none (not required), gap-0 … gap-3 (three or more)."""
    if gap is None:
        return "gap-none"
    return f"gap-{min(max(gap, 0), GAP_CLASSES)}"


def mean_gap_class(mean: float | None) -> str:
    """The CSS class of a mean gap: 0 only when everyone meets it, then the nearest level."""
    if mean is None:
        return "gap-none"
    if mean <= 0:
        return "gap-0"
    return gap_class(max(1, round(mean)))


def group_by_principle(
    items: Iterable[T],
    info_of: Callable[[T], CompetencyInfo],
    focus_principle_id: int | None = None,
) -> list[Group[T]]:
    """Items grouped under their competency's home principle, principles in table order, then
    the competencies without one by framework. Items keep their order within a group."""
    buckets: dict[tuple, list[T]] = {}
    heads: dict[tuple, tuple[str, str, bool]] = {}
    for item in items:
        info = info_of(item)
        principle = info.home_principle(focus_principle_id)
        if principle is not None:
            key: tuple = (0, principle.position, principle.id)
            heads[key] = (principle.code, principle.name, True)
        else:
            key = (1, info.framework_position, info.framework_id)
            heads[key] = (str(info.framework_id), info.framework_name, False)
        buckets.setdefault(key, []).append(item)
    return [Group(*heads[key], tuple(buckets[key])) for key in sorted(buckets)]


def tree_sort_key(path: str, places: dict[int, tuple[int, str]]) -> tuple:
    """Sorts competencies in tree order (parents first, siblings by position then code) from
    their materialised path and every competency's (position, code)."""
    return tuple(places.get(int(part), (0, "")) for part in path.strip("/").split("/") if part)


def competency_places() -> dict[int, tuple[int, str]]:
    """Every competency's (position, code) among its siblings, for tree_sort_key (one query)."""
    return {
        competency_id: (position, code)
        for competency_id, position, code in db.session.execute(
            select(Competency.id, Competency.position, Competency.code)
        ).all()
    }


def load_competency_infos(condition: ColumnElement[bool]) -> list[CompetencyInfo]:
    """The competencies in use (not retired) matching `condition` with their framework and
    principles, in framework then tree order (three queries, whatever their number)."""
    rows = db.session.execute(
        select(Competency, Framework)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(condition, Competency.retired_at.is_(None))
    ).all()
    if not rows:
        return []
    places = competency_places()
    rows.sort(key=lambda row: (row[1].position, row[1].id, tree_sort_key(row[0].path, places)))
    principles: dict[int, list[PrincipleRef]] = {}
    for competency_id, principle in db.session.execute(
        select(competency_principles.c.competency_id, Principle)
        .join(Principle, Principle.id == competency_principles.c.principle_id)
        .where(competency_principles.c.competency_id.in_([c.id for c, _ in rows]))
        .order_by(Principle.position, Principle.id)
    ).all():
        principles.setdefault(competency_id, []).append(
            PrincipleRef(principle.id, principle.code, principle.name, principle.position)
        )
    return [
        CompetencyInfo(
            id=competency.id,
            code=competency.code,
            name=competency.name,
            framework_id=framework.id,
            framework_name=framework.name,
            framework_position=framework.position,
            scale=tuple(framework.scale or ()),
            proficient_level=framework.proficient_level,
            principles=tuple(principles.get(competency.id, ())),
            min_questions_per_level=framework.min_questions_per_level,
            descriptors=tuple(
                competency.descriptor(level) for level in range(1, len(framework.scale or ()) + 1)
            ),
        )
        for competency, framework in rows
    ]
