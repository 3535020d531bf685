"""A published course with a trainer-marked task, the trainers who mark it, and the files an
officer hands in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from competencies.services.frameworks import ensure_default_frameworks
from courses.learning.models import CourseItem, ItemKind, Module
from courses.marking.models import RubricCriterion, Task
from lms.accounts.models import User
from lms.extensions import db
from lms.markdown import render_markdown

# The smallest files the content check takes: a PDF with its end marker, a PNG.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
INSTRUCTIONS = (
    "A trader imports 200 cartons of spare parts invoiced at 40 000; the buyer also pays a "
    "royalty of 5 % of resale. **Write the valuation decision** you would send the trader."
)
CRITERIA = (
    (
        "Applies the transaction value method to the case",
        "OPS-VAL",
        {
            "2": "Names the method and the adjustments, with gaps the reader must fill.",
            "3": "Adds the royalty as a condition of sale and reaches the right value.",
            "4": "Also explains why the other methods do not apply, citing Article 8.",
        },
    ),
    (
        "Writes a decision the trader can appeal",
        "P-ACC",
        {
            "1": "States the decision.",
            "2": "States the decision and its legal basis.",
            "3": "Also tells the trader how and by when to appeal.",
        },
    ),
)


@dataclass
class TaskWorld:
    task: Task
    item: CourseItem
    trainer: User
    second_trainer: User
    outsider_trainer: User


def add_task(
    module: Module,
    title: str = "Task: a reasoned valuation decision",
    criteria=CRITERIA,
    **settings,
) -> Task:
    """A task item at the end of the module, with its rubric (flushed)."""
    item = CourseItem(
        module_id=module.id,
        course_id=module.course_id,
        position=max((i.position for i in module.items), default=0) + 1,
        kind=ItemKind.TASK.value,
        title=title,
    )
    db.session.add(item)
    db.session.flush()
    task = Task(
        item_id=item.id,
        instructions=INSTRUCTIONS,
        instructions_html=render_markdown(INSTRUCTIONS),
        **({"attachment": "optional", "max_submissions": 2} | settings),
    )
    task.criteria = [
        RubricCriterion(position=n, title=t, competency_code=code, descriptors=d)
        for n, (t, code, d) in enumerate(criteria)
    ]
    db.session.add(task)
    db.session.flush()
    return task


@pytest.fixture
def task_world(db, create_course, create_user, create_unit, root_unit) -> Callable[..., TaskWorld]:
    """Builder: a published course of the NTC with a task (settings passed on), two trainers of
    the NTC and a trainer of another training unit."""

    counter = iter(range(1, 1000))

    def build(**settings) -> TaskWorld:
        ensure_default_frameworks()
        built = create_course(lessons=1)
        module = built.course.modules[-1]
        task = add_task(module, **settings)
        other = create_unit(
            f"RTC-{next(counter)}", name="Regional Training Centre", parent=root_unit
        )
        world = TaskWorld(
            task,
            task.item,
            create_user(roles=("trainer",), unit=built.unit, full_name="Tomas Trainer"),
            create_user(roles=("trainer",), unit=built.unit, full_name="Sara Second"),
            create_user(roles=("trainer",), unit=other, full_name="Omar Outsider"),
        )
        db.session.commit()
        return world

    return build
