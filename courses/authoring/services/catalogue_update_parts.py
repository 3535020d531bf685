"""The parts of `lms catalogue update` that compare a course with its folder's files: the
question bank (a changed question becomes a new version) and a task's rubric (replaced only
while nobody has handed in an answer). Functions flush; callers commit."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from courses.authoring.gift import GiftQuestion
from courses.authoring.services import tasks
from courses.authoring.services.course_format import question_input, rubric_criteria
from courses.authoring.services.questions import (
    QuestionInput,
    bank_of,
    save_question,
    set_archived,
)
from courses.learning.models import Course, CourseItem, Question
from lms.extensions import db


@dataclass
class CourseChanges:
    """What the update changed in one course (or would change, in a dry run)."""

    code: str
    details_changed: bool = False
    modules_added: int = 0
    lessons_updated: int = 0
    settings_updated: int = 0  # quizzes and tasks whose settings or instructions changed
    items_added: int = 0
    items_removed: int = 0
    kept_optional: list[str] = field(default_factory=list)
    rubrics_kept: list[str] = field(default_factory=list)
    questions_unchanged: int = 0
    question_versions: int = 0
    questions_added: int = 0
    questions_archived: int = 0

    COUNTS = (
        "modules_added",
        "lessons_updated",
        "settings_updated",
        "items_added",
        "items_removed",
        "questions_unchanged",
        "question_versions",
        "questions_added",
        "questions_archived",
    )

    def counts(self) -> dict[str, int]:
        counts = {name: getattr(self, name) for name in self.COUNTS}
        counts["kept_optional"] = len(self.kept_optional)
        return counts

    @property
    def changed(self) -> bool:
        counts = self.counts()
        counts.pop("questions_unchanged")
        return self.details_changed or any(counts.values()) or bool(self.rubrics_kept)


def counts_text(counts: dict[str, int]) -> str:
    return (
        f"{counts['lessons_updated']} lesson(s) updated, "
        f"{counts['settings_updated']} quiz/task setting(s) updated, "
        f"{counts['modules_added']} module(s) added, {counts['items_added']} item(s) added, "
        f"{counts['items_removed']} removed, {counts['kept_optional']} kept optional; "
        f"questions: {counts['questions_unchanged']} unchanged, "
        f"{counts['question_versions']} new version(s), {counts['questions_added']} added, "
        f"{counts['questions_archived']} archived"
    )


# --- the question bank ---------------------------------------------------------------------


def _key(name: str, text: str) -> tuple[str, str]:
    """Questions are matched by name; a question without one, by its text."""
    return ("name", name.strip()) if name.strip() else ("text", text.strip())


def _normal(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _content(question: Question) -> tuple[Any, ...]:
    return (
        question.qtype,
        question.text,
        _normal(question.data),
        question.level,
        question.competency_code or None,
        question.category,
        question.general_feedback,
    )


def _content_of(entry: QuestionInput) -> tuple[Any, ...]:
    """An entry as save_question would store it."""
    return (
        entry.qtype,
        entry.text.strip(),
        _normal(entry.data),
        entry.level,
        entry.competency_code or None,
        entry.category.strip(),
        entry.general_feedback.strip(),
    )


def update_bank(
    course: Course, banks: dict[str, list[GiftQuestion]], changes: CourseChanges
) -> None:
    """Bring the course's bank to the files' questions. An unchanged question is left alone; a
    changed one is archived (past attempts keep their snapshot of it) and saved anew; one the
    files no longer hold is archived; a new one is added."""
    current: dict[tuple[str, str], list[Question]] = defaultdict(list)
    for question in bank_of(course):
        current[_key(question.name, question.text)].append(question)
    for bank in banks.values():
        for gift in bank:
            entry = question_input(gift)
            matches = current.get(_key(entry.name, entry.text))
            old = matches.pop(0) if matches else None
            if old is not None and _content(old) == _content_of(entry):
                changes.questions_unchanged += 1
                continue
            if old is not None:
                set_archived(old, True)
                changes.question_versions += 1
            else:
                changes.questions_added += 1
            save_question(course, None, entry)
    for left in current.values():
        for question in left:
            set_archived(question, True)
            changes.questions_archived += 1


# --- a task's rubric -----------------------------------------------------------------------


def _rows(criteria: list[tasks.CriterionInput]) -> list[tuple[Any, ...]]:
    return [
        (
            c.title.strip(),
            c.competency_code,
            {level: text.strip() for level, text in dict(c.descriptors).items()},
        )
        for c in criteria
    ]


def update_rubric(item: CourseItem, entry: dict[str, Any], changes: CourseChanges) -> bool:
    """Replace the task's rubric when the files give another one and nobody has handed in an
    answer; else keep it (reported). True when the rubric was replaced."""
    task = tasks.task_of(item)
    wanted = rubric_criteria(entry)
    have = [
        tasks.CriterionInput(c.title, c.competency_code, dict(c.descriptors))
        for c in sorted(task.criteria, key=lambda c: c.position)
    ]
    if _rows(have) == _rows(wanted):
        return False
    if tasks.has_submissions(task):
        changes.rubrics_kept.append(item.title)
        return False
    task.criteria.clear()  # delete-orphan
    db.session.flush()
    for criterion in wanted:
        tasks.add_criterion(task, criterion)
    return True
