"""The course folder format: its file names, the plan read from a folder, and the checks of
what course.json and the question banks may hold.

The format is described in courses/catalogue/README.md. Each check appends every problem it
finds, as 'file:line: message' or 'file: message', so that one import reports them all.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from courses.authoring.gift import GiftQuestion
from courses.authoring.services.authored_courses import VALIDITY_MONTHS_MAX
from courses.authoring.services.questions import QuestionInput, check_question
from courses.authoring.services.quizzes import DRAW_COUNT_RANGE
from courses.authoring.services.tasks import (
    MAX_CRITERIA,
    CriterionInput,
    TaskSettings,
    criterion_problems,
    settings_problems,
)
from courses.learning.models.questions import (
    DEFAULT_REVIEW,
    DrawMode,
    QuizKind,
    ReviewShows,
    ReviewWhen,
    reveals_keys_while_open,
)
from lms.errors import ValidationError

MANIFEST = "course.json"
BANK_FILE = "questions.gift"


class CourseFileErrors(ValidationError):
    """Every problem found in a course folder, each as 'file:line: message'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported.")
        self.problems = problems


@dataclass
class CoursePlan:
    """A course folder read and checked: its manifest, lessons by file, banks by file and
    tasks' instructions by file."""

    manifest: dict[str, Any]
    lessons: dict[str, str] = field(default_factory=dict)
    banks: dict[str, list[GiftQuestion]] = field(default_factory=dict)
    instructions: dict[str, str] = field(default_factory=dict)  # tasks' Markdown, by file


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_manifest(manifest: dict[str, Any], where: str, problems: list[str]) -> None:
    """The course's own keys in course.json: code, title, summary, validity, recertification,
    modules. Validity and recertification are checked as the course form checks them."""
    for key in ("code", "title", "modules"):
        if key not in manifest:
            problems.append(f"{where}: missing '{key}'.")
    for key in ("code", "title"):
        if key in manifest and not (isinstance(manifest[key], str) and manifest[key].strip()):
            problems.append(f"{where}: '{key}' must be a non-empty text.")
    if not isinstance(manifest.get("summary", ""), str):
        problems.append(f"{where}: 'summary' must be a text.")
    validity = manifest.get("validity_months")
    if validity is not None and not (_is_whole(validity) and 1 <= validity <= VALIDITY_MONTHS_MAX):
        problems.append(
            f"{where}: 'validity_months' must be a whole number from 1 to "
            f"{VALIDITY_MONTHS_MAX}, or null."
        )
    recertify = manifest.get("recertify", False)
    if not isinstance(recertify, bool):
        problems.append(f"{where}: 'recertify' must be true or false.")
    elif recertify and validity is None:
        problems.append(
            f"{where}: 'recertify' needs 'validity_months': certificates that never expire "
            "are never taken again."
        )
    if "modules" in manifest and not isinstance(manifest["modules"], list):
        problems.append(f"{where}: 'modules' must be a list.")


def check_module(
    module: Any, where: str, known_principles: Container[str], problems: list[str]
) -> bool:
    """One entry of 'modules'. False when it is too malformed for its items to be read."""
    if not isinstance(module, dict) or not isinstance(module.get("title"), str):
        problems.append(f"{where}: needs a title.")
        return False
    if not module["title"].strip():
        problems.append(f"{where}: needs a title.")
    if not _is_text_list(module.get("principles", [])) or not _is_text_list(
        module.get("competencies", [])
    ):
        problems.append(f"{where}: 'principles' and 'competencies' must be lists of codes.")
        return False
    if not isinstance(module.get("items", []), list):
        problems.append(f"{where}: 'items' must be a list.")
        return False
    unknown = [c for c in module.get("principles", []) if c not in known_principles]
    if not module.get("principles"):
        problems.append(f"{where}: names no reform principle.")
    if unknown:
        problems.append(f"{where}: unknown principle(s) {', '.join(unknown)}.")
    return True


def check_item_title(item: Any, where: str, problems: list[str]) -> None:
    if isinstance(item, dict) and not (
        isinstance(item.get("title"), str) and item["title"].strip()
    ):
        problems.append(f"{where}: needs a title.")


# A course file written before quizzes had kinds gave one review mode (the migration
# d4e5f6a7b8c9 maps stored quizzes the same way).
OLD_REVIEW = {
    (QuizKind.CHECKPOINT, "score_only"): (ReviewShows.SCORE, ReviewWhen.IMMEDIATELY),
    (QuizKind.CHECKPOINT, "after_submit"): (ReviewShows.FEEDBACK, ReviewWhen.IMMEDIATELY),
    (QuizKind.CHECKPOINT, "after_close"): (ReviewShows.FEEDBACK, ReviewWhen.AFTER_LAST_ATTEMPT),
    (QuizKind.ASSESSMENT, "score_only"): (ReviewShows.SCORE, ReviewWhen.IMMEDIATELY),
    (QuizKind.ASSESSMENT, "after_submit"): (ReviewShows.MARKS, ReviewWhen.IMMEDIATELY),
    (QuizKind.ASSESSMENT, "after_close"): (ReviewShows.KEYS, ReviewWhen.AFTER_LAST_ATTEMPT),
}


def quiz_review(entry: dict[str, Any]) -> tuple[str, str, str]:
    """A quiz entry's kind, what its review shows and when: `"review": {"shows", "when"}`,
    each defaulting to the kind's, or an older file's single mode (OLD_REVIEW)."""
    kind = entry.get("kind", QuizKind.ASSESSMENT.value)
    default = DEFAULT_REVIEW.get(kind, DEFAULT_REVIEW[QuizKind.ASSESSMENT])
    review = entry.get("review", {})
    if isinstance(review, str):
        shows, when = OLD_REVIEW.get((kind, review), (review, default[1]))
        return kind, shows, when
    if not isinstance(review, dict):
        return kind, "", ""
    return kind, review.get("shows", default[0].value), review.get("when", default[1].value)


def check_quiz(entry: dict[str, Any], where: str, problems: list[str]) -> None:
    """A quiz item's settings: kind, draw, review, marks and attempts, time limit, switches."""
    check_draw(entry.get("draw", {"mode": "all"}), where, problems)
    kind, shows, when = quiz_review(entry)
    if kind not in {k.value for k in QuizKind}:
        problems.append(f"{where}: 'kind' must be one of {', '.join(k.value for k in QuizKind)}.")
    if shows not in {s.value for s in ReviewShows} or when not in {w.value for w in ReviewWhen}:
        problems.append(
            f"{where}: 'review' must be {{\"shows\": {' | '.join(s.value for s in ReviewShows)}, "
            f'"when": {" | ".join(w.value for w in ReviewWhen)}}}.'
        )
    elif reveals_keys_while_open(kind, shows, when):
        problems.append(
            f"{where}: quiz '{entry.get('title', '')}' is an assessment that would show its "
            "answer keys while the officer can still attempt it; show them after the last "
            "attempt or a pass, after the quiz closes, or never."
        )
    closes_at = entry.get("closes_at")
    if closes_at is not None and not _is_datetime(closes_at):
        problems.append(f"{where}: 'closes_at' must be a date and time, 2026-06-30T17:00 (UTC).")
    for key in ("pass_mark", "attempts_allowed"):
        if key in entry and not _is_whole(entry[key]):
            problems.append(f"{where}: '{key}' must be a whole number.")
    if entry.get("time_limit_minutes") is not None and not _is_whole(entry["time_limit_minutes"]):
        problems.append(f"{where}: 'time_limit_minutes' must be a whole number or null.")
    for key in ("shuffle_questions", "shuffle_choices", "required"):
        if key in entry and not isinstance(entry[key], bool):
            problems.append(f"{where}: '{key}' must be true or false.")
    if not isinstance(entry.get("category", ""), str):
        problems.append(f"{where}: 'category' must be a text.")


DRAW_FORMS = (
    '{"mode": "all"}, {"mode": "per_level", "per_level": {"1": 3, "2": 4}} or '
    '{"mode": "per_competency_level", "count": 3}'
)


def check_draw(draw: Any, where: str, problems: list[str]) -> None:
    """A quiz entry's 'draw': its mode, and the per_level counts or the count it needs."""
    if not isinstance(draw, dict) or draw.get("mode") not in {m.value for m in DrawMode}:
        problems.append(f"{where}: 'draw' must be {DRAW_FORMS}.")
        return
    per_level = draw.get("per_level", {})
    if not isinstance(per_level, dict) or not all(_is_whole(n) for n in per_level.values()):
        problems.append(f"{where}: 'draw' per_level must map levels to whole numbers.")
    if draw["mode"] == DrawMode.PER_COMPETENCY_LEVEL:
        low, high = DRAW_COUNT_RANGE
        count = draw.get("count")
        if not (_is_whole(count) and low <= count <= high):
            problems.append(
                f"{where}: 'draw' per_competency_level needs 'count', the questions drawn of "
                f"each competency at each level: a whole number from {low} to {high}."
            )


def _is_datetime(value: Any) -> bool:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def check_bank(questions: list[GiftQuestion], where: str, problems: list[str]) -> None:
    """What the question bank would refuse on saving, found now with its line."""
    for question in questions:
        problems.extend(
            f"{where}:{question.line}: {problem}"
            for problem in check_question(question_input(question))
        )


def question_input(question: GiftQuestion) -> QuestionInput:
    """A question read from a GIFT bank, as the question bank saves it."""
    return QuestionInput(
        qtype=question.qtype,
        text=question.text,
        level=question.level,
        data=question.data,
        competency_code=question.competency_code,
        name=question.name,
        category=question.category,
        general_feedback=question.general_feedback,
    )


# Trainer-marked tasks ------------------------------------------------------------------------


def task_settings(entry: dict[str, Any]) -> TaskSettings:
    """A task item's settings, each defaulting as the format says."""
    defaults = TaskSettings()
    return TaskSettings(
        attachment=entry.get("attachment", defaults.attachment),
        blind_marking=entry.get("blind_marking", defaults.blind_marking),
        max_submissions=entry.get("max_submissions", defaults.max_submissions),
    )


def rubric_criteria(entry: dict[str, Any]) -> list[CriterionInput]:
    """A task item's rubric as the services take it (call after check_task found it sound)."""
    return [
        CriterionInput(row["title"], row["competency"], dict(row["descriptors"]))
        for row in entry.get("rubric", [])
    ]


def check_task(entry: dict[str, Any], where: str, problems: list[str]) -> None:
    """A task item's settings and rubric: the checks the task pages make, by criterion. Whether
    each competency exists is asked once for the whole course (course_import)."""
    problems.extend(f"{where}: {problem}" for problem in settings_problems(task_settings(entry)))
    if "required" in entry and not isinstance(entry["required"], bool):
        problems.append(f"{where}: 'required' must be true or false.")
    rubric = entry.get("rubric")
    if not isinstance(rubric, list) or not 1 <= len(rubric) <= MAX_CRITERIA:
        problems.append(
            f"{where}: 'rubric' must be a list of 1 to {MAX_CRITERIA} criteria, each "
            '{"title", "competency", "descriptors": {"1".."4": text}}.'
        )
        return
    for index, row in enumerate(rubric, start=1):
        if not isinstance(row, dict):
            problems.append(f"{where}, criterion {index}: must be an object.")
            continue
        criterion = CriterionInput(
            row.get("title", ""), row.get("competency", ""), row.get("descriptors", {})
        )
        problems.extend(
            f"{where}, criterion {index}: {problem}" for problem in criterion_problems(criterion)
        )
