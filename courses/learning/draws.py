"""How a quiz draws an attempt's questions from its pool, as pure functions over plain data.

A draw splits the pool into groups and takes a number of questions from each, at random:
`all` takes the whole pool as one group; `per_level` takes k of each level it names;
`per_competency_level` takes `draw_count` of every (competency, level) group of the pool
(questions without a competency make one group per level), all of a group smaller than that.
Attempts draw with these groups; publishing, the bank checks and the catalogue check read the
same groups for the draw's size, its overlap and what an attempt can evidence. Sampling from a
group never runs the database, so every caller passes its own question rows.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from courses.learning.models.questions import DrawMode


class Drawable(Protocol):
    """What a draw reads of a question."""

    @property
    def level(self) -> int: ...

    @property
    def competency_code(self) -> str | None: ...


class DrawSettings(Protocol):
    """What a draw reads of a quiz (a `Quiz` row, or the bank checks' `DrawRule`)."""

    @property
    def draw_mode(self) -> str: ...

    @property
    def draw_per_level(self) -> Mapping[str, int]: ...

    @property
    def draw_count(self) -> int | None: ...


Q = TypeVar("Q", bound=Drawable)


@dataclass(frozen=True)
class DrawGroup(Generic[Q]):
    """Questions of the pool drawn from together, and how many of them one attempt takes.

    `level` is None for an `all` draw; `competency_code` is set only in a per-competency-level
    draw (None there: the untagged questions of the level)."""

    level: int | None
    competency_code: str | None
    questions: tuple[Q, ...]
    take: int

    @property
    def overlap(self) -> float:
        """The questions two independent draws share on average: each of the n is in both with
        probability (k/n)², so k²/n."""
        return self.take * self.take / len(self.questions) if self.questions else 0.0


def draw_groups(settings: DrawSettings, pool: Sequence[Q]) -> list[DrawGroup[Q]]:
    """The groups a quiz with these settings draws from, in the order attempts sample them
    (a per-level draw names its levels; an empty level is a group taking nothing)."""
    if settings.draw_mode == DrawMode.PER_LEVEL:
        groups = []
        for level, wanted in sorted(settings.draw_per_level.items()):
            questions = tuple(q for q in pool if q.level == int(level))
            groups.append(DrawGroup(int(level), None, questions, min(wanted, len(questions))))
        return groups
    if settings.draw_mode == DrawMode.PER_COMPETENCY_LEVEL:
        by_place: dict[tuple[int, str], list[Q]] = {}
        for question in pool:
            by_place.setdefault((question.level, question.competency_code or ""), []).append(
                question
            )
        count = settings.draw_count or 0
        return [
            DrawGroup(level, code or None, tuple(questions), min(count, len(questions)))
            for (level, code), questions in sorted(by_place.items())
        ]
    return [DrawGroup(None, None, tuple(pool), len(pool))]


def draw_size(groups: Sequence[DrawGroup[Q]]) -> int:
    """How many questions one attempt holds."""
    return sum(group.take for group in groups)


def draw_from(settings: DrawSettings, pool: Sequence[Q], rng: random.Random) -> list[Q]:
    """One attempt's questions, before any shuffle: the whole pool in its order; a per-level
    draw level by level; a per-competency-level draw in the pool's order (a quiz that does not
    shuffle keeps the bank's order)."""
    if settings.draw_mode not in (DrawMode.PER_LEVEL, DrawMode.PER_COMPETENCY_LEVEL):
        return list(pool)
    drawn: list[Q] = []
    for group in draw_groups(settings, pool):
        drawn.extend(rng.sample(group.questions, group.take))
    if settings.draw_mode == DrawMode.PER_COMPETENCY_LEVEL:
        order = {id(question): index for index, question in enumerate(pool)}
        drawn.sort(key=lambda question: order[id(question)])
    return drawn
