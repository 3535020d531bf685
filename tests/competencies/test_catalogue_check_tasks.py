"""`flask catalogue check` and trainer-marked tasks: a published task's rubric criterion with a
descriptor at level L for competency C makes every requirement of C at L or below reachable,
listed as coming from the task; drafts and undescribed levels reach nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from competencies.models import Competency, PositionRequirement
from competencies.services.catalogue_check import (
    Requirement,
    TaskRubric,
    reach_requirement,
    task_reach,
)
from courses.authoring.services import authored_courses, publishing, structure, tasks
from courses.learning.services.principles import ensure_principles

SOURCE = "TASK-1 (task: Task: lead a gifts briefing)"


def requirement(code: str, level: int, min_questions: int = 3) -> Requirement:
    return Requirement("F", "CHK", code, code, level, f"L{level}", True, min_questions)


def test_a_described_level_reaches_requirements_at_or_below_it_whatever_the_rule():
    by_task = task_reach([TaskRubric("TASK-1", "Task: lead a gifts briefing", {"MGT-PPL": (2, 3)})])

    for level in (1, 2, 3):
        reach = reach_requirement(requirement("MGT-PPL", level), {}, by_task)
        assert reach.reachable and reach.tasks == (SOURCE,) and reach.courses == ()
    above = reach_requirement(requirement("MGT-PPL", 4), {}, by_task)
    assert not above.reachable
    assert (above.best_level, above.best_courses) == (3, (SOURCE,))
    assert not reach_requirement(requirement("P-INT", 1), {}, by_task).reachable


def test_questions_and_tasks_each_count_and_the_best_level_takes_both():
    questions = {"MGT-PPL": {2: (("BANK-1", 3),), 4: (("BANK-1", 1),)}}
    by_task = task_reach([TaskRubric("TASK-1", "Task: lead a gifts briefing", {"MGT-PPL": (3,)})])

    reach = reach_requirement(requirement("MGT-PPL", 2), questions, by_task)
    assert (reach.courses, reach.tasks) == (("BANK-1",), (SOURCE,))
    # One level-4 question is fewer than the rule's three: level 3, from the task, is the best.
    expert = reach_requirement(requirement("MGT-PPL", 4), questions, by_task)
    assert not expert.reachable and (expert.best_level, expert.best_courses) == (3, (SOURCE,))


@pytest.fixture
def task_catalogue(db, runner, create_unit, root_unit, create_position):
    """A published course TASK-1 whose only item is a task judging MGT-PPL at levels 2 and 3
    and P-INT at Expert; a draft DRAFT-T whose task judges P-ACC; a position CHK requiring
    MGT-PPL at 3 (reachable by the task), P-INT at 4 (reachable: Expert is described) and
    P-ACC at 1 (only the draft's task judges it); a position LEAD requiring MGT-PPL at 4
    (not reachable)."""
    runner.invoke(args=["frameworks", "load-defaults"])
    ensure_principles()
    unit = create_unit("NCTC", parent=root_unit, kind="training_centre")
    course = authored_courses.create_course(
        authored_courses.CourseDetails("TASK-1", "Leading on integrity", "A briefing to give."),
        training_unit_id=unit.id,
    )
    module = structure.add_module(course, "Leading by example", ["P-INT"], ["MGT-PPL"])
    item = tasks.add_task(
        module,
        "Task: lead a gifts briefing",
        "## The brief\n\nPrepare a ten-minute briefing for your team on the gifts rule.",
        tasks.TaskSettings(),
    )
    tasks.add_criterion(
        item.task,
        tasks.CriterionInput(
            "Sets the example",
            "MGT-PPL",
            {
                "2": "States the rule and says it applies to the team leader too.",
                "3": "Shows, with a case from the office, how leaders report their own gifts.",
            },
        ),
    )
    tasks.add_criterion(
        item.task,
        tasks.CriterionInput(
            "Handles the hard case",
            "P-INT",
            {"4": "Resolves a gift from a long-standing trader and explains the reasoning."},
        ),
    )
    db.session.refresh(course)
    publishing.set_status(course, "published")
    draft = authored_courses.create_course(
        authored_courses.CourseDetails("DRAFT-T", "A draft", "Not published yet."),
        training_unit_id=unit.id,
    )
    draft_task = tasks.add_task(
        structure.add_module(draft, "M", ["P-INT"], []),
        "Draft task",
        "Write.",
        tasks.TaskSettings(),
    )
    tasks.add_criterion(
        draft_task.task, tasks.CriterionInput("Knows the code", "P-ACC", {"1": "Names it."})
    )
    checker, lead = create_position("CHK", "Checker"), create_position("LEAD", "Team lead")
    codes = {c.code: c.id for c in db.session.scalars(select(Competency))}
    for position, code, level in (
        (checker, "MGT-PPL", 3),
        (checker, "P-INT", 4),
        (checker, "P-ACC", 1),
        (lead, "MGT-PPL", 4),
    ):
        db.session.add(
            PositionRequirement(
                position_id=position.id, competency_id=codes[code], required_level=level
            )
        )
    db.session.commit()


def test_the_report_lists_published_tasks_and_the_requirements_they_reach(task_catalogue, runner):
    result = runner.invoke(args=["catalogue", "check"])

    assert result.exit_code == 1, result.output
    assert "Tasks (1 in published courses)." in result.output
    assert (
        "  TASK-1 task “Task: lead a gifts briefing”: can evidence MGT-PPL L2 L3, P-INT L4\n"
        in result.output
    )
    assert "Draft task" not in result.output
    assert (
        "Position requirements: 2 of 4 can be evidenced by a published course (2 of them only "
        "by a task's rubric)." in result.output
    )
    problems = [line[2:] for line in result.output.splitlines() if line.startswith("- ")]
    unreachable = [p for p in problems if " requires " in p]
    assert len(unreachable) == 2
    assert unreachable[0].startswith("RKC-PRINCIPLES: CHK requires P-ACC")
    assert "no published course can evidence it at any level" in unreachable[0]
    assert unreachable[1].startswith(
        "PICARD-MGT: LEAD requires MGT-PPL (People management) at level 4"
    )
    assert unreachable[1].endswith(
        f"the highest level any published course can evidence is 3, in {SOURCE}."
    )


def test_the_json_report_carries_the_tasks(task_catalogue, runner):
    report = json.loads(runner.invoke(args=["catalogue", "check", "--json"]).output)

    assert report["tasks"] == [
        {
            "course": "TASK-1",
            "task": "Task: lead a gifts briefing",
            "can_evidence": {"MGT-PPL": [2, 3], "P-INT": [4]},
        }
    ]
    assert report["requirements"]["reachable"] == 2
    assert report["requirements"]["by_task_only"] == 2
    assert [
        (r["competency"], r["required_level"]) for r in report["requirements"]["unreachable"]
    ] == [
        ("P-ACC", 1),
        ("MGT-PPL", 4),
    ]
