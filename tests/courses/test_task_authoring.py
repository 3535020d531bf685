"""Trainer-marked tasks as authoring builds them: the settings and the rubric the services
accept and refuse, the rubric fixed once officers hand in answers, and what stops publishing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courses.authoring.services import publishing, structure, tasks
from courses.authoring.services.tasks import CriterionInput, TaskSettings
from courses.learning.models import Course, CourseItem
from courses.marking.models import RubricCriterion, Submission, Task
from lms.errors import Conflict, ValidationError
from lms.extensions import db as _db
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    APPEAL_CRITERION,
    TASK_INSTRUCTIONS,
    VALUATION_CRITERION,
)


def hand_in(task: Task, user_id: int, text: str = "The transaction value stands.") -> None:
    """An officer's submission as the marking room stores it (its pages are built apart)."""
    _db.session.add(
        Submission(task_id=task.item_id, user_id=user_id, label="K7P2QX", text=text, text_html="")
    )
    _db.session.commit()


def rubric_of(item: CourseItem) -> list[tuple[str, str, dict[str, str]]]:
    return [(c.title, c.competency_code, dict(c.descriptors)) for c in item.task.criteria]


# --- pure checks -----------------------------------------------------------------------------


def test_a_sound_criterion_has_no_problems():
    assert tasks.criterion_problems(VALUATION_CRITERION) == []


@pytest.mark.parametrize(
    ("criterion", "problem"),
    [
        (CriterionInput("  ", "OPS-VAL", {"3": "x"}), "A criterion needs a title"),
        (CriterionInput("t" * 201, "OPS-VAL", {"3": "x"}), "at most 200 characters"),
        (CriterionInput("Method", "ops val", {"3": "x"}), "names one competency code"),
        (CriterionInput("Method", "OPS-VAL", {}), "Describe at least one level"),
        (CriterionInput("Method", "OPS-VAL", {"5": "x"}), "levels 1 to 4, not 5"),
        (CriterionInput("Method", "OPS-VAL", {"2": "   "}), "descriptor for level 2 is empty"),
        (CriterionInput("Method", "OPS-VAL", {"2": 3}), "level 2 must be a text"),
        (CriterionInput("Method", "OPS-VAL", {"4": "y" * 1001}), "is 1001 characters; at most"),
    ],
)
def test_a_bad_criterion_is_named_for_what_is_wrong(criterion, problem):
    assert any(problem in found for found in tasks.criterion_problems(criterion))


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (TaskSettings(attachment="video"), "The file rule is one of none, optional, required."),
        (TaskSettings(max_submissions=0), "Submissions allowed is a whole number from 1 to 5."),
        (TaskSettings(max_submissions=6), "Submissions allowed is a whole number from 1 to 5."),
        (TaskSettings(max_submissions=True), "Submissions allowed is a whole number from 1 to 5."),
        (TaskSettings(blind_marking="yes"), "Blind marking is on or off."),  # type: ignore[arg-type]
    ],
)
def test_bad_settings_are_named(settings, problem):
    assert tasks.settings_problems(settings) == [problem]


# --- the task and its rubric -----------------------------------------------------------------


def test_a_task_is_added_at_the_end_of_its_module_with_its_instructions_rendered(db, build_course):
    built = build_course()
    module = built.module
    item = tasks.add_task(
        module,
        "  Task: a reasoned valuation decision ",
        TASK_INSTRUCTIONS + "\n<script>alert(1)</script>\n",
        TaskSettings(attachment="required", blind_marking=True, max_submissions=3),
        required=False,
    )
    db.session.commit()

    assert [i.kind for i in module.items] == ["lesson", "quiz", "task"]
    assert item.title == "Task: a reasoned valuation decision" and item.required is False
    task = db.session.get(Task, item.id)
    assert (task.attachment, task.blind_marking, task.max_submissions) == ("required", True, 3)
    assert "<h2>The case</h2>" in task.instructions_html
    assert "<script" not in task.instructions_html
    assert task.criteria == []


def test_updating_a_task_keeps_its_rubric_and_renders_new_instructions(db, build_course):
    built = build_course(task=True)
    item = built.task
    tasks.update_task(item, "Valuation decision", "## Brief\n\nNew *case*.", TaskSettings())
    db.session.commit()

    task = db.session.get(Task, item.id)
    assert task.item.title == "Valuation decision"
    assert task.instructions_html == "<h2>Brief</h2>\n<p>New <em>case</em>.</p>"
    assert (task.attachment, task.blind_marking, task.max_submissions) == ("none", False, 2)
    assert len(task.criteria) == 2


def test_refused_settings_change_nothing(db, build_course):
    built = build_course(task=True)
    with pytest.raises(ValidationError, match="from 1 to 5"):
        tasks.update_task(built.task, "Renamed", "Other", TaskSettings(max_submissions=9))
    with pytest.raises(ValidationError, match="A task needs a title"):
        tasks.add_task(built.module, " ", "Text", TaskSettings())
    db.session.rollback()
    task = db.session.get(Task, built.task.id)
    assert task.item.title == "Task: a reasoned valuation decision"
    assert task.instructions == TASK_INSTRUCTIONS
    assert db.session.scalars(select(CourseItem.kind)).all().count("task") == 1


def test_criteria_are_added_in_order_trimmed_with_blank_levels_left_out(db, build_course):
    built = build_course(task=True)
    added = tasks.add_criterion(
        built.task.task,
        CriterionInput("  Keeps to the facts ", "P-ACC", {"1": " Repeats the case. ", "3": "x"}),
    )
    db.session.commit()

    assert rubric_of(built.task)[-1] == (
        "Keeps to the facts",
        "P-ACC",
        {"1": "Repeats the case.", "3": "x"},
    )
    assert [c.position for c in built.task.task.criteria] == [1, 2, 3]
    assert added.levels == [1, 3]


def test_a_criterion_naming_a_competency_no_framework_holds_is_refused(db, build_course):
    built = build_course(task=True)
    with pytest.raises(
        ValidationError, match=r"No framework holds the competency code\(s\) OPS-XYZ"
    ):
        tasks.add_criterion(built.task.task, CriterionInput("Method", "OPS-XYZ", {"3": "Does it."}))
    criterion = built.task.task.criteria[0]
    with pytest.raises(ValidationError, match="OPS-XYZ"):
        tasks.update_criterion(criterion, CriterionInput("Method", "OPS-XYZ", {"3": "Does it."}))
    db.session.rollback()
    assert rubric_of(db.session.get(CourseItem, built.task.id))[0][1] == "OPS-VAL"


def test_a_rubric_holds_at_most_eight_criteria(db, build_course):
    built = build_course(task=True)
    for n in range(6):
        tasks.add_criterion(built.task.task, CriterionInput(f"Row {n}", "P-ACC", {"2": "Seen."}))
    with pytest.raises(ValidationError, match="at most 8 criteria"):
        tasks.add_criterion(built.task.task, CriterionInput("Ninth", "P-ACC", {"2": "Seen."}))


def test_criteria_move_and_delete_keeping_positions_in_order(db, build_course):
    built = build_course(task=True)
    task = built.task.task
    third = tasks.add_criterion(task, CriterionInput("Third", "P-ACC", {"2": "Seen."}))
    tasks.move_criterion(third, -1)
    tasks.move_criterion(third, -1)
    tasks.move_criterion(third, -1)  # already first: nothing moves
    db.session.commit()
    titles = [c.title for c in db.session.get(Task, task.item_id).criteria]
    assert titles == ["Third", VALUATION_CRITERION.title, APPEAL_CRITERION.title]

    tasks.delete_criterion(db.session.get(Task, task.item_id).criteria[1])
    db.session.commit()
    rows = db.session.get(Task, task.item_id).criteria
    assert [(c.position, c.title) for c in rows] == [(1, "Third"), (2, APPEAL_CRITERION.title)]
    assert db.session.scalar(select(db.func.count(RubricCriterion.id))) == 2


def test_once_an_answer_is_handed_in_the_rubric_is_fixed_but_the_settings_are_not(
    db, build_course, author_officer
):
    built = build_course(task=True)
    task = built.task.task
    hand_in(task, author_officer.id)
    before = rubric_of(built.task)

    criterion = task.criteria[0]
    for change in (
        lambda: tasks.add_criterion(task, CriterionInput("New", "P-ACC", {"2": "Seen."})),
        lambda: tasks.update_criterion(criterion, CriterionInput("New", "P-ACC", {"2": "x"})),
        lambda: tasks.move_criterion(criterion, 1),
        lambda: tasks.delete_criterion(criterion),
    ):
        with pytest.raises(Conflict, match="its rubric is fixed"):
            change()
        db.session.rollback()
    assert rubric_of(db.session.get(CourseItem, built.task.id)) == before

    tasks.update_task(
        built.task, "Renamed task", "New instructions.", TaskSettings(max_submissions=3)
    )
    db.session.commit()
    assert db.session.get(Task, task.item_id).max_submissions == 3


def test_a_task_with_submissions_cannot_be_deleted(db, build_course, author_officer):
    built = build_course(task=True)
    hand_in(built.task.task, author_officer.id)
    with pytest.raises(Conflict, match="handed in answers to this task"):
        structure.delete_item(built.task)
    db.session.rollback()
    assert db.session.get(CourseItem, built.task.id) is not None


def test_a_task_nobody_answered_is_deleted_with_its_rubric(db, build_course):
    built = build_course(task=True)
    structure.delete_item(built.task)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(RubricCriterion.id))) == 0
    assert db.session.scalar(select(db.func.count(Task.item_id))) == 0


# --- publishing ------------------------------------------------------------------------------


def test_a_complete_task_publishes(db, build_course):
    built = build_course(task=True, published=True)
    assert db.session.get(Course, built.course.id).status == "published"


def test_publishing_names_each_task_and_what_it_lacks(db, build_course):
    built = build_course()
    tasks.add_task(built.module, "Empty task", "  ", TaskSettings())
    odd = tasks.add_task(built.module, "Odd task", "Write.", TaskSettings())
    # Rows as an older import or a direct edit could leave them: no level, unknown codes.
    odd.task.criteria.append(
        RubricCriterion(
            title="Blank", competency_code="OPS-VAL", descriptors={"2": " "}, position=1
        )
    )
    odd.task.criteria.append(
        RubricCriterion(
            title="Ghost", competency_code="GHOST-1", descriptors={"2": "x"}, position=2
        )
    )
    db.session.commit()
    course = db.session.get(Course, built.course.id)

    with pytest.raises(publishing.PublicationProblems) as refused:
        publishing.set_status(course, "published")

    assert refused.value.problems == [
        "Task 'Empty task' has no instructions: say what to hand in, how long, and how it is "
        "marked.",
        "Task 'Empty task' has no rubric: give it 1 to 8 criteria.",
        "Task 'Odd task', criterion 'Blank' describes no level, so a marker could give none.",
        "Task 'Odd task', criterion 'Ghost' names the competency GHOST-1, which no framework "
        "holds.",
    ]
    db.session.rollback()
    assert db.session.get(Course, built.course.id).status == "draft"
