"""`flask catalogue check`: the banks' checks (courses/authoring/services/bank_checks.py) and,
for every position requirement of every framework, whether some published course can evidence
it. Reads the database only.

A requirement (competency C at level L) can be reached when one attempt at an evidencing quiz
(`bank_checks.can_evidence`) of a published course can hold, at level L or above, at least as
many questions of C as C's framework needs to evidence a level (its `min_questions_per_level`,
N). A quiz drawing every question holds all its pool has; one drawing per level no more than
its count of the level (an upper bound: the draw may fall elsewhere); one drawing per
competency and level exactly its count, or all of a smaller group. So a per-competency-level
assessment evidences C at L exactly when its count and its pool's questions of C at L both
reach N; where either falls short, the check names the competency level it rests on too few
questions for.

A published course's trainer-marked task is the second way: a rubric criterion for C with a
descriptor at level L lets a marker give L, so it reaches every requirement of C at L or below
(whatever N: a marking is judged, not counted; level 4 also needs a second marker to agree)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from competencies.models import Competency, Framework, PositionRequirement
from competencies.rules import DEFAULT_MIN_QUESTIONS
from courses.authoring.services.bank_checks import (
    AssessmentDraw,
    BankReport,
    catalogue_bank_reports,
    cut_offs,
    percent,
)
from courses.learning.models import Course, CourseItem, CourseStatus, ItemKind, Module
from courses.learning.models.questions import DrawMode
from courses.marking.models import RubricCriterion
from lms.extensions import db
from lms.organisation.models import JobPosition


@dataclass(frozen=True)
class Requirement:
    """One position requirement, as plain data."""

    framework_code: str
    position_code: str
    competency_code: str
    competency_name: str
    required_level: int
    level_name: str
    mandatory: bool
    min_questions: int = 1  # the framework's N: questions of a level an attempt needs


@dataclass(frozen=True)
class RequirementReach:
    requirement: Requirement
    courses: tuple[str, ...]  # published courses that can evidence the level, or above
    best_level: int  # the highest level any published course can evidence (0: none)
    best_courses: tuple[str, ...]  # where that level is evidenced
    tasks: tuple[str, ...] = ()  # published tasks whose rubric reaches the level, or above

    @property
    def reachable(self) -> bool:
        return bool(self.courses or self.tasks)

    @property
    def problem(self) -> str:
        r = self.requirement
        best = (
            f"the highest level any published course can evidence is {self.best_level}, in "
            + ", ".join(self.best_courses)
            if self.best_level
            else "no published course can evidence it at any level"
        )
        kind = "mandatory" if r.mandatory else "optional"
        return (
            f"{r.framework_code}: {r.position_code} requires {r.competency_code} "
            f"({r.competency_name}) at level {r.required_level} ({r.level_name}, {kind}), "
            f"which no published course can evidence with at least {r.min_questions} "
            f"question(s) of that level: {best}."
        )


Reach = dict[str, dict[int, tuple[tuple[str, int], ...]]]


def evidence_reach(reports: Sequence[BankReport]) -> Reach:
    """Per competency code and level, the published courses whose evidencing quizzes can draw
    questions of that competency at that level, with how many."""
    reach: dict[str, dict[int, list[tuple[str, int]]]] = {}
    for report in reports:
        if report.status != CourseStatus.PUBLISHED:
            continue
        for row in report.coverage:
            if row.competency_code and row.drawn:
                reach.setdefault(row.competency_code, {}).setdefault(row.level, []).append(
                    (report.course_code, row.drawn)
                )
    return {
        code: {level: tuple(courses) for level, courses in levels.items()}
        for code, levels in reach.items()
    }


@dataclass(frozen=True)
class TaskRubric:
    """A published task's rubric as the check reads it: per competency, the levels its
    criteria describe (a marker can give each of them)."""

    course_code: str
    task_title: str
    levels: dict[str, tuple[int, ...]]

    @property
    def source(self) -> str:
        return f"{self.course_code} (task: {self.task_title})"


TaskReach = dict[str, dict[int, tuple[str, ...]]]


def published_task_rubrics() -> list[TaskRubric]:
    """The rubrics of the tasks of published courses, in course and outline order (one
    query)."""
    rows = db.session.execute(
        select(
            CourseItem.id,
            Course.code,
            CourseItem.title,
            RubricCriterion.competency_code,
            RubricCriterion.descriptors,
        )
        .join(Course, Course.id == CourseItem.course_id)
        .join(Module, Module.id == CourseItem.module_id)
        .join(RubricCriterion, RubricCriterion.task_id == CourseItem.id)
        .where(Course.status == CourseStatus.PUBLISHED, CourseItem.kind == ItemKind.TASK)
        .order_by(Course.code, Module.position, CourseItem.position, RubricCriterion.position)
    ).all()
    rubrics: dict[int, tuple[str, str, dict[str, set[int]]]] = {}
    for item_id, course_code, title, code, descriptors in rows:
        levels = rubrics.setdefault(item_id, (course_code, title, {}))[2].setdefault(code, set())
        levels.update(int(level) for level, text in (descriptors or {}).items() if text.strip())
    return [
        TaskRubric(course, title, {c: tuple(sorted(ls)) for c, ls in levels.items() if ls})
        for course, title, levels in rubrics.values()
    ]


def task_reach(rubrics: Sequence[TaskRubric]) -> TaskReach:
    """Per competency code and level, the published tasks whose rubric describes that level."""
    reach: dict[str, dict[int, list[str]]] = {}
    for rubric in rubrics:
        for code, levels in rubric.levels.items():
            for level in levels:
                reach.setdefault(code, {}).setdefault(level, []).append(rubric.source)
    return {
        code: {level: tuple(sources) for level, sources in levels.items()}
        for code, levels in reach.items()
    }


def reach_requirement(
    requirement: Requirement, reach: Reach, tasks: TaskReach | None = None
) -> RequirementReach:
    """Which published courses can evidence the requirement: enough questions (N) at a level at
    or above the required one; and which published tasks, by a rubric describing such a level.
    The best level and where it is evidenced count both."""
    wanted = requirement.required_level
    enough = {
        level: sorted(course for course, drawn in courses if drawn >= requirement.min_questions)
        for level, courses in reach.get(requirement.competency_code, {}).items()
    }
    enough = {level: courses for level, courses in enough.items() if courses}
    courses = sorted({course for level, at in enough.items() if level >= wanted for course in at})
    by_task = (tasks or {}).get(requirement.competency_code, {})
    reaching = sorted({task for level, at in by_task.items() if level >= wanted for task in at})
    best = max([*enough, *by_task], default=0)
    best_sources = [*enough.get(best, ()), *sorted(by_task.get(best, ()))]
    return RequirementReach(requirement, tuple(courses), best, tuple(best_sources), tuple(reaching))


def position_requirements() -> list[Requirement]:
    """Every requirement of every position, by framework, position and competency (one query)."""
    rows = db.session.execute(
        select(PositionRequirement, JobPosition.code, Competency, Framework)
        .join(JobPosition, JobPosition.id == PositionRequirement.position_id)
        .join(Competency, Competency.id == PositionRequirement.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .order_by(Framework.position, Framework.id, JobPosition.code, Competency.code)
    ).all()
    return [
        Requirement(
            framework.code,
            position_code,
            competency.code,
            competency.name,
            requirement.required_level,
            framework.level_name(requirement.required_level),
            requirement.mandatory,
            framework.min_questions_per_level,
        )
        for requirement, position_code, competency, framework in rows
    ]


def evidence_rule_sizes() -> dict[str, int]:
    """Every competency code's N: the questions of a level an attempt needs (one query)."""
    rows = db.session.execute(
        select(Competency.code, Framework.min_questions_per_level).join(
            Framework, Framework.id == Competency.framework_id
        )
    )
    return {code: needed for code, needed in rows}


def thin_evidence(course_code: str, draw: AssessmentDraw, needed: Mapping[str, int]) -> list[str]:
    """What a per-competency-level assessment is meant to evidence but cannot: the competency
    levels of its pool with fewer questions than their N, and the competencies whose N its
    count falls short of (every level of them then). `needed` gives each code's N."""
    if draw.draw_mode != DrawMode.PER_COMPETENCY_LEVEL:
        return []

    def rule(code: str | None) -> int:
        return needed.get(code or "", DEFAULT_MIN_QUESTIONS)

    problems = []
    thin = sorted(
        (g for g in draw.groups if g.questions < rule(g.competency_code)),
        key=lambda g: (g.competency_code or "", g.level),
    )
    if thin:
        levels = (
            "1 competency level that rests"
            if len(thin) == 1
            else f"{len(thin)} competency levels that rest"
        )
        figures = ", ".join(
            f"{g.competency_code} L{g.level} {g.questions}/{rule(g.competency_code)}" for g in thin
        )
        problems.append(
            f"{course_code}: assessment '{draw.title}' is meant to evidence {levels} on fewer "
            f"questions than the evidence rule needs (in its pool/needed): {figures}; add "
            "questions."
        )
    count = draw.draw_count or 0
    short = sorted(
        {g.competency_code or "" for g in draw.groups if count < rule(g.competency_code)}
    )
    if short:
        problems.append(
            f"{course_code}: assessment '{draw.title}' draws {count} question(s) of each "
            "competency and level, fewer than the evidence rule needs for "
            + ", ".join(f"{code} ({rule(code)})" for code in short)
            + ": it can evidence none of their levels; draw at least that many."
        )
    return problems


@dataclass(frozen=True)
class CatalogueCheck:
    banks: tuple[BankReport, ...]
    requirements: tuple[RequirementReach, ...]
    # Per course code, what its per-competency-level assessments cannot evidence (`thin_evidence`).
    thin: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tasks: tuple[TaskRubric, ...] = ()

    @property
    def unreachable(self) -> list[RequirementReach]:
        return [reach for reach in self.requirements if not reach.reachable]

    @property
    def by_task_only(self) -> list[RequirementReach]:
        """Requirements only a task's rubric reaches (no bank has enough questions)."""
        return [reach for reach in self.requirements if reach.tasks and not reach.courses]

    @property
    def problems(self) -> list[str]:
        problems = [
            problem
            for bank in self.banks
            for problem in (*bank.problems, *self.thin.get(bank.course_code, ()))
        ]
        return problems + [reach.problem for reach in self.unreachable]

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "cut_offs": cut_offs(),
            "banks": [bank.as_json() for bank in self.banks],
            "tasks": [
                {
                    "course": rubric.course_code,
                    "task": rubric.task_title,
                    "can_evidence": {code: list(levels) for code, levels in rubric.levels.items()},
                }
                for rubric in self.tasks
            ],
            "requirements": {
                "total": len(self.requirements),
                "reachable": len(self.requirements) - len(self.unreachable),
                "by_task_only": len(self.by_task_only),
                "unreachable": [
                    {
                        "framework": r.requirement.framework_code,
                        "position": r.requirement.position_code,
                        "competency": r.requirement.competency_code,
                        "required_level": r.requirement.required_level,
                        "mandatory": r.requirement.mandatory,
                        "best_level": r.best_level,
                        "best_courses": list(r.best_courses),
                    }
                    for r in self.unreachable
                ],
            },
            "problems": self.problems,
        }

    def report(self) -> str:
        """The text report: the cut-offs, each bank, the requirements, then every problem."""
        limits = cut_offs()
        low, high = limits["true_share_band"]
        lines = [
            "Cut-offs: the key is the longest option in more than one third of a bank's "
            f"single-choice questions; True keys outside {low * 100:.0f}–{high * 100:.0f} % of "
            "its true/false questions; two questions whose normalised texts are equal or have a "
            f"difflib ratio above {limits['near_duplicate_ratio_above']}.",
            "",
            f"Banks ({len(self.banks)} courses not archived). “Can evidence” counts, per "
            "competency and level, the most questions of it one attempt at an evidencing quiz "
            "holds (“/n” when the bank holds more); “draws” gives each evidencing quiz's draw "
            "and its pool:",
        ]
        for bank in self.banks:
            flagged = len(bank.problems) + len(self.thin.get(bank.course_code, ()))
            lines.append(
                f"  {bank.course_code} ({bank.status}): {bank.questions} questions; "
                f"key longest {len(bank.longest_key)}/{bank.single_choice} single choice "
                f"({percent(bank.longest_key_share)}); True {bank.true_keys}/{bank.true_false} "
                f"true/false ({percent(bank.true_share)}); {len(bank.duplicates)} duplicate "
                f"pair(s){'; ' + str(flagged) + ' problem(s)' if flagged else ''}"
            )
            lines.append(
                "    can evidence: "
                + (
                    ", ".join(
                        f"{row.competency_code} L{row.level} {row.drawn}"
                        + (f"/{row.questions}" if row.drawn < row.questions else "")
                        for row in bank.coverage
                        if row.competency_code
                    )
                    or "nothing"
                )
            )
            if bank.assessments:
                lines.append("    draws: " + "; ".join(map(describe_draw, bank.assessments)))
        lines += self._task_lines()
        reached = len(self.requirements) - len(self.unreachable)
        by_task = len(self.by_task_only)
        lines += [
            "",
            f"Position requirements: {reached} of {len(self.requirements)} can be evidenced "
            "by a published course"
            + (f" ({by_task} of them only by a task's rubric)" if by_task else "")
            + ".",
        ]
        problems = self.problems
        lines += ["", f"{len(problems)} problem(s)" + (":" if problems else ".")]
        lines += [f"- {problem}" for problem in problems]
        return "\n".join(lines)

    def _task_lines(self) -> list[str]:
        """The published tasks and the levels their rubrics describe (none: no lines)."""
        if not self.tasks:
            return []
        lines = [
            "",
            f"Tasks ({len(self.tasks)} in published courses). “Can evidence” lists, per "
            "competency, the levels their rubrics describe: a marker can give each (level 4 "
            "once a second marker agrees):",
        ]
        for rubric in self.tasks:
            reach = ", ".join(
                f"{code} " + " ".join(f"L{level}" for level in levels)
                for code, levels in rubric.levels.items()
            )
            lines.append(
                f"  {rubric.course_code} task “{rubric.task_title}”: can evidence "
                + (reach or "nothing")
            )
        return lines


def describe_draw(draw: AssessmentDraw) -> str:
    """'Final' 12 of 30 (3 of each competency and level), for the text report."""
    how = {
        DrawMode.ALL: "every question",
        DrawMode.PER_LEVEL: "per level",
        DrawMode.PER_COMPETENCY_LEVEL: f"{draw.draw_count} of each competency and level",
    }.get(draw.draw_mode, draw.draw_mode)
    return f"'{draw.title}' {draw.drawn} of {draw.pool} ({how})"


def check_catalogue() -> CatalogueCheck:
    """Check every bank not archived, the published tasks' rubrics and every position
    requirement (six queries)."""
    banks = catalogue_bank_reports()
    reach = evidence_reach(banks)
    rubrics = published_task_rubrics()
    by_task = task_reach(rubrics)
    requirements = tuple(
        reach_requirement(requirement, reach, by_task) for requirement in position_requirements()
    )
    needed = evidence_rule_sizes()
    thin = {
        bank.course_code: tuple(
            problem
            for draw in bank.assessments
            for problem in thin_evidence(bank.course_code, draw, needed)
        )
        for bank in banks
    }
    return CatalogueCheck(tuple(banks), requirements, thin, tuple(rubrics))
