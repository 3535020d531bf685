"""Trainer-marked tasks in a course: adding them to a module, their settings (instructions,
the file rule, blind marking, how many submissions) and their rubric of criteria, each judging
one competency with a descriptor for every level a marker may give. Functions flush; callers
commit.

Once an officer has handed in an answer the rubric is fixed: a criterion added, changed, moved
or removed afterwards would change how the answers already handed in (and perhaps marked) read
against it. The title, the instructions and the other settings stay editable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from courses.authoring.services.structure import (
    COMPETENCY_CODE,
    next_position,
    swap_with_neighbour,
)
from courses.events import UnknownCompetencies
from courses.learning.models import CourseItem, ItemKind, Module
from courses.marking.models import AttachmentRule, RubricCriterion, Submission, Task
from lms.database import get_or_raise
from lms.errors import Conflict, NotFound, ValidationError
from lms.events import ask
from lms.extensions import db
from lms.markdown import render_markdown

LEVELS = ("1", "2", "3", "4")  # Aware, Trained, Advanced, Expert
MAX_CRITERIA = 8
MAX_CRITERION_TITLE = 200
MAX_DESCRIPTOR = 1000
MAX_INSTRUCTIONS = 50_000
SUBMISSIONS_RANGE = (1, 5)
RUBRIC_FIXED = (
    "Officers have handed in answers to this task, so its rubric is fixed: changing the "
    "criteria now would change how the answers already handed in are read. You can still "
    "edit the title, the instructions and the other settings."
)


@dataclass(frozen=True)
class TaskSettings:
    attachment: str = AttachmentRule.NONE.value
    blind_marking: bool = False
    max_submissions: int = 2


@dataclass(frozen=True)
class CriterionInput:
    """A rubric row as typed or read from a file: descriptors by level ("1".."4"); a level
    left out cannot be given."""

    title: str
    competency_code: str
    descriptors: Mapping[str, str] = field(default_factory=dict)


def settings_problems(settings: TaskSettings) -> list[str]:
    """What is wrong with a task's settings (empty when nothing is)."""
    problems = []
    if settings.attachment not in {rule.value for rule in AttachmentRule}:
        problems.append(
            "The file rule is one of " + ", ".join(rule.value for rule in AttachmentRule) + "."
        )
    low, high = SUBMISSIONS_RANGE
    if not (
        isinstance(settings.max_submissions, int)
        and not isinstance(settings.max_submissions, bool)
        and low <= settings.max_submissions <= high
    ):
        problems.append(f"Submissions allowed is a whole number from {low} to {high}.")
    if not isinstance(settings.blind_marking, bool):
        problems.append("Blind marking is on or off.")
    return problems


def criterion_problems(criterion: CriterionInput) -> list[str]:
    """What is wrong with a rubric row, without asking whether its competency exists (pure)."""
    problems = []
    title = criterion.title.strip() if isinstance(criterion.title, str) else ""
    if not title:
        problems.append("A criterion needs a title: what the marker judges.")
    elif len(title) > MAX_CRITERION_TITLE:
        problems.append(f"A criterion's title is at most {MAX_CRITERION_TITLE} characters.")
    code = criterion.competency_code
    if not (isinstance(code, str) and COMPETENCY_CODE.match(code)):
        problems.append(
            "A criterion names one competency code: capital letters, digits and hyphens, "
            "up to 32 characters (for example OPS-VAL)."
        )
    descriptors = criterion.descriptors
    if not isinstance(descriptors, Mapping):
        return [*problems, "The descriptors are given by level, 1 to 4."]
    unknown = sorted(str(level) for level in descriptors if level not in LEVELS)
    if unknown:
        problems.append(f"Descriptors are for levels 1 to 4, not {', '.join(unknown)}.")
    for level in LEVELS:
        text = descriptors.get(level)
        if text is None:
            continue
        if not isinstance(text, str):
            problems.append(f"The descriptor for level {level} must be a text.")
        elif not text.strip():
            problems.append(
                f"The descriptor for level {level} is empty: leave the level out when a marker "
                "cannot give it."
            )
        elif len(text.strip()) > MAX_DESCRIPTOR:
            problems.append(
                f"The descriptor for level {level} is {len(text.strip())} characters; "
                f"at most {MAX_DESCRIPTOR}."
            )
    if not any(isinstance(descriptors.get(level), str) for level in LEVELS):
        problems.append("Describe at least one level: what the work shows at that level.")
    return problems


def unknown_competencies(codes: Iterable[str]) -> frozenset[str]:
    """The codes no framework holds (competencies answer: courses do not import them)."""
    wanted = frozenset(code for code in codes if code)
    return ask(UnknownCompetencies(wanted)) if wanted else frozenset()


def unknown_code_message(codes: Iterable[str]) -> str:
    return (
        f"No framework holds the competency code(s) {', '.join(sorted(codes))}: a marking "
        "against it would be evidence of nothing. Use a code of a loaded framework."
    )


# --- the task item -------------------------------------------------------------------------


def _check(title: str, instructions: str, settings: TaskSettings) -> None:
    problems = [] if title.strip() else ["A task needs a title."]
    problems += settings_problems(settings)
    if len(instructions) > MAX_INSTRUCTIONS:
        problems.append(f"The instructions are at most {MAX_INSTRUCTIONS:,} characters.")
    if problems:
        raise ValidationError(" ".join(problems))


def _apply(task: Task, instructions: str, settings: TaskSettings) -> None:
    if instructions != task.instructions or not task.instructions_html:
        task.instructions = instructions
        task.instructions_html = render_markdown(instructions)
    task.attachment = settings.attachment
    task.blind_marking = settings.blind_marking
    task.max_submissions = settings.max_submissions


def add_task(
    module: Module,
    title: str,
    instructions: str,
    settings: TaskSettings,
    *,
    required: bool = True,
) -> CourseItem:
    """A task at the end of the module, with an empty rubric (publishing asks for one)."""
    _check(title, instructions, settings)
    item = CourseItem(
        module=module,
        course_id=module.course_id,
        kind=ItemKind.TASK.value,
        title=title.strip(),
        position=next_position(module),
        required=required,
    )
    item.task = Task(instructions="", instructions_html="")
    _apply(item.task, instructions, settings)
    db.session.add(item)
    db.session.flush()
    return item


def update_task(
    item: CourseItem,
    title: str,
    instructions: str,
    settings: TaskSettings,
    *,
    required: bool = True,
) -> None:
    """Save the title and settings; the instructions' HTML is rendered and sanitised here."""
    task = task_of(item)
    _check(title, instructions, settings)
    _apply(task, instructions, settings)
    item.title, item.required = title.strip(), required
    db.session.flush()


def task_of(item: CourseItem) -> Task:
    if item.kind != ItemKind.TASK or item.task is None:
        raise ValidationError("This item is not a task.")
    return item.task


def has_submissions(task: Task) -> bool:
    return (
        db.session.scalar(select(Submission.id).where(Submission.task_id == task.item_id).limit(1))
        is not None
    )


# --- the rubric ----------------------------------------------------------------------------


def get_criterion(criterion_id: int, task: Task) -> RubricCriterion:
    message = f"No criterion with id {criterion_id} in this task."
    criterion = get_or_raise(RubricCriterion, criterion_id, message)
    if criterion.task_id != task.item_id:
        raise NotFound(message)
    return criterion


def _ensure_rubric_editable(task: Task) -> None:
    if has_submissions(task):
        raise Conflict(RUBRIC_FIXED)


def _clean(criterion: CriterionInput) -> CriterionInput:
    """The row checked, trimmed, its competency asked about; ValidationError otherwise."""
    problems = criterion_problems(criterion)
    if problems:
        raise ValidationError(" ".join(problems))
    unknown = unknown_competencies([criterion.competency_code])
    if unknown:
        raise ValidationError(unknown_code_message(unknown))
    given = criterion.descriptors
    descriptors = {level: given[level].strip() for level in LEVELS if level in given}
    return CriterionInput(criterion.title.strip(), criterion.competency_code, descriptors)


def add_criterion(task: Task, criterion: CriterionInput) -> RubricCriterion:
    """A criterion at the end of the rubric (at most MAX_CRITERIA)."""
    _ensure_rubric_editable(task)
    if len(task.criteria) >= MAX_CRITERIA:
        raise ValidationError(
            f"A rubric has at most {MAX_CRITERIA} criteria: merge two, or split the task."
        )
    clean = _clean(criterion)
    row = RubricCriterion(
        title=clean.title,
        competency_code=clean.competency_code,
        descriptors=dict(clean.descriptors),
        position=max((c.position for c in task.criteria), default=0) + 1,
    )
    task.criteria.append(row)
    db.session.flush()
    return row


def update_criterion(criterion: RubricCriterion, data: CriterionInput) -> RubricCriterion:
    _ensure_rubric_editable(criterion.task)
    clean = _clean(data)
    criterion.title, criterion.competency_code = clean.title, clean.competency_code
    criterion.descriptors = dict(clean.descriptors)
    db.session.flush()
    return criterion


def move_criterion(criterion: RubricCriterion, direction: int) -> None:
    """Swap a criterion with its neighbour (direction -1 up, +1 down)."""
    _ensure_rubric_editable(criterion.task)
    swap_with_neighbour(criterion.task.criteria, criterion, direction)


def delete_criterion(criterion: RubricCriterion) -> None:
    task = criterion.task
    _ensure_rubric_editable(task)
    task.criteria.remove(criterion)  # delete-orphan
    db.session.flush()
    rows = sorted(task.criteria, key=lambda c: c.position)
    for position, row in enumerate(rows, start=1):
        row.position = -position
    db.session.flush()
    for row in rows:
        row.position = -row.position
    db.session.flush()


# --- publishing ----------------------------------------------------------------------------


def task_publication_problems(items: Iterable[CourseItem]) -> list[str]:
    """Why the course's tasks stop it being published: instructions, 1 to 8 criteria, each
    describing a level and naming a competency a framework holds (one lookup in all)."""
    tasks = [(item, item.task) for item in items if item.kind == ItemKind.TASK]
    unknown = unknown_competencies(
        c.competency_code for _, task in tasks if task is not None for c in task.criteria
    )
    problems = []
    for item, task in tasks:
        name = f"Task '{item.title}'"
        if task is None:
            problems.append(f"{name} has no settings: open it and save them.")
            continue
        if not task.instructions.strip():
            problems.append(
                f"{name} has no instructions: say what to hand in, how long, and how it is marked."
            )
        if not task.criteria:
            problems.append(f"{name} has no rubric: give it 1 to {MAX_CRITERIA} criteria.")
        elif len(task.criteria) > MAX_CRITERIA:
            problems.append(
                f"{name} has {len(task.criteria)} criteria; a rubric has at most {MAX_CRITERIA}."
            )
        for criterion in task.criteria:
            where = f"{name}, criterion '{criterion.title}'"
            if not criterion.levels:
                problems.append(f"{where} describes no level, so a marker could give none.")
            if criterion.competency_code in unknown:
                problems.append(
                    f"{where} names the competency {criterion.competency_code}, which no "
                    "framework holds."
                )
    return problems
