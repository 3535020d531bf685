"""What the catalogue folder holds, course by course: modules, lessons and their length, quizzes
and what they draw, tasks and their rubrics, question banks by type and level.

Read from the files with the readers `lms catalogue load` uses (course_import), against the
reform principles the platform ships, without the database: whether each competency code is
in a framework is left to the load and to `lms catalogue check`. `list_course` is the pure
core over a read folder; `read_catalogue` reads the folders. The report forms (text, Markdown,
JSON) are in catalogue_listing_report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from courses.authoring.gift import GiftQuestion
from courses.authoring.services.bank_checks import DrawRule
from courses.authoring.services.course_format import (
    CourseFileErrors,
    CoursePlan,
    quiz_review,
    rubric_criteria,
    task_settings,
)
from courses.authoring.services.course_import import course_folders, read_course_folder
from courses.authoring.services.default_catalogue import CATALOGUE
from courses.learning.draws import draw_groups, draw_size
from courses.learning.models import ItemKind
from courses.learning.models.questions import DrawMode, QuizKind
from courses.learning.questiontypes import QUESTION_TYPES
from courses.learning.services.principles import PRINCIPLES

LEVELS = (1, 2, 3, 4)
# Words as a reader counts them: runs of letters and digits, joined by an apostrophe or a
# hyphen; Markdown's marks (#, |, *, -) are not words.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(markdown: str) -> int:
    return len(_WORD.findall(markdown))


@dataclass(frozen=True)
class QuestionCounts:
    """Questions by (type, level)."""

    counts: Mapping[tuple[str, int], int] = field(default_factory=dict)

    @classmethod
    def of(cls, questions: Iterable[GiftQuestion]) -> QuestionCounts:
        return cls(dict(Counter((q.qtype, q.level) for q in questions)))

    def __add__(self, other: QuestionCounts) -> QuestionCounts:
        return QuestionCounts(dict(Counter(self.counts) + Counter(other.counts)))

    def types(self) -> list[str]:
        """The types with questions, in the question form's order (unknown names last)."""
        present = {qtype for qtype, _ in self.counts}
        known = [name for name in QUESTION_TYPES if name in present]
        return known + sorted(present - set(known))

    def count(self, qtype: str | None = None, level: int | None = None) -> int:
        return sum(
            n
            for (q_type, q_level), n in self.counts.items()
            if qtype in (None, q_type) and level in (None, q_level)
        )

    @property
    def total(self) -> int:
        return self.count()


@dataclass(frozen=True)
class LessonEntry:
    title: str
    file: str
    words: int
    required: bool = True


@dataclass(frozen=True)
class QuizEntry:
    """A quiz and its draw: `pool` questions it draws from, `drawn` of them per attempt."""

    title: str
    kind: str
    category: str
    draw_mode: str
    draw_per_level: Mapping[str, int]
    draw_count: int | None
    pool: int
    drawn: int
    required: bool = True


@dataclass(frozen=True)
class CriterionEntry:
    title: str
    competency: str
    levels: tuple[int, ...]  # the levels its descriptors describe: those a marker can give


@dataclass(frozen=True)
class TaskEntry:
    title: str
    file: str
    attachment: str
    blind_marking: bool
    max_submissions: int
    criteria: tuple[CriterionEntry, ...]
    required: bool = True


Item = LessonEntry | QuizEntry | TaskEntry


@dataclass(frozen=True)
class ModuleEntry:
    title: str
    principles: tuple[str, ...]
    competencies: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CourseListing:
    code: str
    title: str
    validity_months: int | None
    recertify: bool
    modules: tuple[ModuleEntry, ...]
    questions: QuestionCounts
    bank_files: tuple[str, ...]
    categories: Mapping[str, int]  # questions per category ("" for none)

    def entries(self, kind: type[Item]) -> list[Any]:
        return [item for module in self.modules for item in module.items if isinstance(item, kind)]


@dataclass(frozen=True)
class CatalogueListing:
    courses: tuple[CourseListing, ...]

    def entries(self, kind: type[Item]) -> list[Any]:
        return [item for course in self.courses for item in course.entries(kind)]

    @property
    def modules(self) -> int:
        return sum(len(course.modules) for course in self.courses)

    @property
    def questions(self) -> QuestionCounts:
        total = QuestionCounts()
        for course in self.courses:
            total += course.questions
        return total


def _quiz_entry(
    entry: dict[str, Any], module_competencies: Iterable[str], bank: list[GiftQuestion]
) -> QuizEntry:
    """A quiz item and what it draws. Its pool is the course's whole bank, or the quiz's
    category of it, and for a checkpoint only the questions tagged with a competency its module
    names, as attempts draw (courses.learning.services.attempts.quiz_pool)."""
    kind = quiz_review(entry)[0]
    category = entry.get("category", "")
    draw = entry.get("draw", {"mode": DrawMode.ALL.value})
    rule = DrawRule(
        category,
        draw.get("mode", DrawMode.ALL.value),
        {str(level): int(n) for level, n in draw.get("per_level", {}).items()},
        draw.get("count"),
        entry["title"],
    )
    wanted = set(module_competencies)
    pool = [
        q
        for q in bank
        if (not category or q.category == category)
        and (kind != QuizKind.CHECKPOINT or q.competency_code in wanted)
    ]
    return QuizEntry(
        title=entry["title"],
        kind=kind,
        category=category,
        draw_mode=rule.draw_mode,
        draw_per_level=rule.draw_per_level,
        draw_count=rule.draw_count,
        pool=len(pool),
        drawn=draw_size(draw_groups(rule, pool)),
        required=entry.get("required", True),
    )


def _task_entry(entry: dict[str, Any]) -> TaskEntry:
    settings = task_settings(entry)
    return TaskEntry(
        title=entry["title"],
        file=entry["file"],
        attachment=settings.attachment,
        blind_marking=settings.blind_marking,
        max_submissions=settings.max_submissions,
        criteria=tuple(
            CriterionEntry(c.title, c.competency_code, tuple(sorted(int(k) for k in c.descriptors)))
            for c in rubric_criteria(entry)
        ),
        required=entry.get("required", True),
    )


def list_course(plan: CoursePlan) -> CourseListing:
    """What a course folder read without problems holds, in the manifest's order."""
    manifest = plan.manifest
    bank = [question for questions in plan.banks.values() for question in questions]
    modules = []
    for module in manifest["modules"]:
        items: list[Item] = []
        for entry in module.get("items", []):
            if entry["type"] == ItemKind.LESSON:
                words = count_words(plan.lessons[entry["file"]])
                required = entry.get("required", True)
                items.append(LessonEntry(entry["title"], entry["file"], words, required))
            elif entry["type"] == ItemKind.QUIZ:
                items.append(_quiz_entry(entry, module.get("competencies", []), bank))
            else:
                items.append(_task_entry(entry))
        modules.append(
            ModuleEntry(
                module["title"],
                tuple(module.get("principles", [])),
                tuple(module.get("competencies", [])),
                tuple(items),
            )
        )
    return CourseListing(
        code=manifest["code"],
        title=manifest["title"],
        validity_months=manifest.get("validity_months"),
        recertify=manifest.get("recertify", False),
        modules=tuple(modules),
        questions=QuestionCounts.of(bank),
        bank_files=tuple(plan.banks),
        categories=dict(sorted(Counter(q.category for q in bank).items())),
    )


def read_catalogue(path: Path = CATALOGUE) -> CatalogueListing:
    """Every course folder under `path` (or `path` itself), by folder name.

    Raises CourseFileErrors listing every problem of every folder, as the load would, less
    the competency codes no framework holds (the files cannot tell)."""
    folders = course_folders(path) if path.is_dir() else []
    if not folders:
        raise CourseFileErrors([f"{path}: no course folder (a folder with course.json)."])
    principles = {fact.code for fact in PRINCIPLES}
    problems: list[str] = []
    courses = []
    for folder in folders:
        found: list[str] = []
        try:
            plan = read_course_folder(folder, principles, found)
        except CourseFileErrors as error:
            found = error.problems
        if found:
            problems.extend(found)
        else:
            courses.append(list_course(plan))
    if problems:
        raise CourseFileErrors(problems)
    return CatalogueListing(tuple(courses))
