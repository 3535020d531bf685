"""`lms catalogue update`: bring the courses an installation already holds up to the
catalogue's files (a new edition), keeping every record officers made.

Each course is updated all or nothing, in its own savepoint: its details from course.json;
modules matched by position; items matched within the course by (kind, title), in the files'
order; the question bank matched by question name (by text for unnamed questions). Attempts,
progress, submissions, evidence, current levels, enrolments and certificates are never touched:
a changed question is archived and saved anew (attempts keep the snapshot they were graded
on), and an item the files dropped that officers used stays, optional. The caller commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from courses.authoring.services import authored_courses, publishing, quizzes, structure, tasks
from courses.authoring.services.catalogue_update_parts import (
    CourseChanges,
    counts_text,
    update_bank,
    update_rubric,
)
from courses.authoring.services.course_format import (
    MANIFEST,
    CourseFileErrors,
    CoursePlan,
    task_settings,
)
from courses.authoring.services.course_import import (
    _quiz_settings,
    course_code_of,
    course_folders,
    plan_import,
)
from courses.learning.models import (
    Attempt,
    Course,
    CourseEnrolment,
    CourseItem,
    ItemKind,
    ItemProgress,
    Module,
)
from courses.learning.services.principles import ensure_principles
from courses.marking.models import Submission
from lms.errors import DomainError
from lms.extensions import db

QUIZ_FIELDS = (
    "pass_mark",
    "attempts_allowed",
    "time_limit_minutes",
    "category",
    "draw_mode",
    "draw_per_level",
    "draw_count",
    "shuffle_questions",
    "shuffle_choices",
    "kind",
    "review_shows",
    "review_when",
    "closes_at",
)
TASK_FIELDS = ("instructions", "attachment", "blind_marking", "max_submissions")


@dataclass
class CatalogueUpdate:
    updated: list[CourseChanges]
    not_loaded: list[str]  # codes of catalogue folders no course of the database has
    refused: dict[str, list[str]]  # folder name -> its problems
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.refused)

    def report(self) -> str:
        if not self.updated and not self.refused:
            return (
                "Nothing to update: no course of the catalogue is loaded; use lms catalogue load."
            )
        lines = []
        total: dict[str, int] = defaultdict(int)
        for changes in self.updated:
            counts = changes.counts()
            for name, value in counts.items():
                total[name] += value
            state = "" if changes.changed else " (unchanged)"
            lines.append(f"{changes.code}{state}: {counts_text(counts)}.")
            if changes.details_changed:
                lines.append(f"  {changes.code}: title, summary or validity updated.")
            lines.extend(
                f"  {changes.code}: '{title}' is no longer in the files but officers used it: "
                "kept, made optional."
                for title in changes.kept_optional
            )
            lines.extend(
                f"  {changes.code}: task '{title}' keeps its rubric: officers have handed in "
                "answers to it."
                for title in changes.rubrics_kept
            )
        lines.extend(
            f"{code}: not in the database; use lms catalogue load." for code in self.not_loaded
        )
        for name, problems in self.refused.items():
            lines.append(f"{name}: refused, nothing changed:")
            lines.extend(f"  {problem}" for problem in problems)
        verb = "would be updated (dry run: nothing was written)" if self.dry_run else "updated"
        lines.append(f"Total, {len(self.updated)} course(s) {verb}: {counts_text(total)}.")
        return "\n".join(lines)


def update_catalogue(path: Path, *, dry_run: bool = False) -> CatalogueUpdate:
    """Update every course of the catalogue whose code the database holds, each all or
    nothing. A dry run rolls every course's savepoint back."""
    ensure_principles()
    result = CatalogueUpdate([], [], {}, dry_run)
    for folder in course_folders(path):
        try:
            code = course_code_of(folder)
        except CourseFileErrors as error:
            result.refused[folder.name] = error.problems
            continue
        course = authored_courses.get_course_by_code(code)
        if course is None:
            result.not_loaded.append(code)
            continue
        savepoint = db.session.begin_nested()
        try:
            changes = update_course(course, folder)
        except DomainError as error:
            savepoint.rollback()
            problems = getattr(error, "problems", None) or [f"{folder.name}: {error.message}"]
            result.refused[folder.name] = problems
            continue
        if dry_run:
            savepoint.rollback()
        else:
            savepoint.commit()
        result.updated.append(changes)
    return result


def update_course(course: Course, folder: Path) -> CourseChanges:
    """Bring one course to its folder (raises CourseFileErrors or a DomainError; the caller
    rolls back)."""
    plan = plan_import(folder)
    manifest = plan.manifest
    changes = CourseChanges(course.code)
    before = (course.title, course.summary, course.validity_months, course.recertify)
    authored_courses.update_course(
        course,
        authored_courses.CourseDetails(
            course.code,
            manifest["title"],
            manifest.get("summary", ""),
            manifest.get("validity_months"),
            manifest.get("recertify", False),
        ),
    )
    changes.details_changed = before != (
        course.title,
        course.summary,
        course.validity_months,
        course.recertify,
    )
    update_bank(course, plan.banks, changes)
    _update_structure(course, plan, changes)
    db.session.refresh(course)
    if course.is_published:
        problems = publishing.publication_problems(course)
        if problems:
            where = f"{folder.name}/{MANIFEST}"
            raise CourseFileErrors([f"{where}: {problem}" for problem in problems])
    return changes


def _park(course: Course) -> dict[tuple[str, str], list[CourseItem]]:
    """The course's items by (kind, title), moved out of the positions 1..n the files'
    items will take (positions are unique within a module)."""
    items = db.session.scalars(
        select(CourseItem).where(CourseItem.course_id == course.id).order_by(CourseItem.id)
    ).all()
    by_key: dict[tuple[str, str], list[CourseItem]] = defaultdict(list)
    for index, item in enumerate(items, start=1):
        item.position = 100_000 + index
        by_key[(item.kind, item.title)].append(item)
    db.session.flush()
    return by_key


def _update_structure(course: Course, plan: CoursePlan, changes: CourseChanges) -> None:
    modules = sorted(course.modules, key=lambda m: m.position)
    existing = _park(course)
    order: dict[int, list[CourseItem]] = defaultdict(list)
    for index, entry in enumerate(plan.manifest["modules"]):
        args = (entry["title"], entry.get("principles", []), entry.get("competencies", []))
        if index < len(modules):
            module = structure.update_module(modules[index], *args)
        else:
            module = structure.add_module(course, *args)
            changes.modules_added += 1
        for item_entry in entry.get("items", []):
            matches = existing.get((item_entry["type"], item_entry["title"].strip()))
            item = matches.pop(0) if matches else None
            if item is None:
                item = _add_item(module, item_entry, plan)
                changes.items_added += 1
            else:
                if item.module_id != module.id:
                    item.position = structure.next_position(module)
                    item.module = module
                    db.session.flush()
                _update_item(item, item_entry, plan, changes)
            order[module.id].append(item)
    for left in (item for items in existing.values() for item in items):
        if _used(left):
            left.required = False
            changes.kept_optional.append(left.title)
            order[left.module_id].append(left)
        else:
            left.module.items.remove(left)  # delete-orphan
            changes.items_removed += 1
    db.session.flush()
    _renumber(order)


def _renumber(order: dict[int, list[CourseItem]]) -> None:
    """Each module's items at positions 1..n in the files' order (kept items last)."""
    for items in order.values():
        for position, item in enumerate(items, start=1):
            item.position = -position
    db.session.flush()
    for items in order.values():
        for item in items:
            item.position = -item.position
    db.session.flush()


def _used(item: CourseItem) -> bool:
    """Whether any officer's record refers to the item (it is then kept)."""
    checks = (
        select(Attempt.id).where(Attempt.item_id == item.id),
        select(ItemProgress.item_id).where(ItemProgress.item_id == item.id),
        select(Submission.id).where(Submission.task_id == item.id),
        select(CourseEnrolment.user_id).where(CourseEnrolment.last_item_id == item.id),
    )
    return any(db.session.scalar(check.limit(1)) is not None for check in checks)


def _add_item(module: Module, entry: dict[str, Any], plan: CoursePlan) -> CourseItem:
    required = entry.get("required", True)
    if entry["type"] == ItemKind.LESSON:
        return structure.add_lesson(
            module, entry["title"], plan.lessons[entry["file"]], required=required
        )
    if entry["type"] == ItemKind.QUIZ:
        return quizzes.add_quiz(module, entry["title"], _quiz_settings(entry), required=required)
    item = tasks.add_task(
        module,
        entry["title"],
        plan.instructions[entry["file"]],
        task_settings(entry),
        required=required,
    )
    update_rubric(item, entry, CourseChanges(""))
    return item


def _update_item(
    item: CourseItem, entry: dict[str, Any], plan: CoursePlan, changes: CourseChanges
) -> None:
    required = entry.get("required", True)
    if item.kind == ItemKind.LESSON:
        revision = item.lesson.revision
        structure.update_lesson(item, item.title, plan.lessons[entry["file"]], required=required)
        changes.lessons_updated += item.lesson.revision != revision
        return
    body = item.quiz if item.kind == ItemKind.QUIZ else item.task
    fields = QUIZ_FIELDS if item.kind == ItemKind.QUIZ else TASK_FIELDS
    before = [getattr(body, name) for name in fields] + [item.required]
    if item.kind == ItemKind.QUIZ:
        quizzes.update_quiz(item, item.title, _quiz_settings(entry), required=required)
        replaced = False
    else:
        settings = task_settings(entry)
        instructions = plan.instructions[entry["file"]]
        tasks.update_task(item, item.title, instructions, settings, required=required)
        replaced = update_rubric(item, entry, changes)
    after = [getattr(body, name) for name in fields] + [item.required]
    changes.settings_updated += replaced or before != after
