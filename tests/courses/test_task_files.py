"""Trainer-marked tasks in course folders: course.json's `{"type": "task", ...}` items are
read and checked (every problem as 'file: message'), imported with their instructions from
their Markdown file, exported back to the same files, and loaded by the catalogue loader and
the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from courses.authoring.services.course_export import export_course
from courses.authoring.services.course_format import CourseFileErrors
from courses.authoring.services.course_import import import_course
from courses.authoring.services.default_catalogue import CATALOGUE, load_catalogue
from courses.learning.models import Course, CourseItem
from courses.marking.models import RubricCriterion, Task
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)

INSTRUCTIONS = """## The case

A machinery importer declares a consignment of used excavators at the invoice price. The seller
is the importer's parent company. Last month an unrelated importer declared a similar excavator
at a third more.

## What to hand in

Your decision on the customs value, written to the importer, in at most 600 words: the method,
the facts it rests on, and how the importer can contest it.

## References

- WTO Valuation Agreement, Articles 1.2 and 16
- RKC General Annex, Chapter 10
"""
TASK = {
    "type": "task",
    "title": "Task: a reasoned valuation decision",
    "file": "04-task-valuation-decision.md",
    "attachment": "optional",
    "blind_marking": True,
    "max_submissions": 2,
    "rubric": [
        {
            "title": "Chooses and applies the right valuation method",
            "competency": "OPS-VAL",
            "descriptors": {
                "2": "Names the method but applies it with gaps the reader must fill.",
                "3": "Examines whether the relationship influenced the price and reaches the "
                "value step by step.",
                "4": "Also weighs the test values and explains to the importer why the "
                "alternatives fail, citing the Agreement.",
            },
        },
        {
            "title": "Writes a decision the importer can appeal",
            "competency": "P-ACC",
            "descriptors": {
                "2": "States the decision without its reasons.",
                "3": "Gives the reasons, and how, where and by when to appeal.",
            },
        },
    ],
}


def course_with_task(tmp_path: Path, task: dict[str, Any] | None = None, name: str = "P-ACC-101"):
    """The catalogue's accountability course, copied, with a task ending its second module."""
    folder = tmp_path / name
    shutil.copytree(CATALOGUE / "P-ACC-101", folder)
    manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
    manifest["modules"][1]["items"].append(task or TASK)
    (folder / "course.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (folder / TASK["file"]).write_text(INSTRUCTIONS, encoding="utf-8")
    return folder


def refused(folder: Path, unit_id: int) -> list[str]:
    with pytest.raises(CourseFileErrors) as error:
        import_course(folder, training_unit_id=unit_id)
    return error.value.problems


def test_a_task_item_is_imported_with_its_settings_instructions_and_rubric(
    db, author_unit, principles, tmp_path
):
    course = import_course(
        course_with_task(tmp_path), training_unit_id=author_unit.id, publish=True
    )
    db.session.commit()

    assert course.status == "published"
    item = course.modules[1].items[-1]
    assert (item.kind, item.title, item.required) == ("task", TASK["title"], True)
    task = item.task
    assert (task.attachment, task.blind_marking, task.max_submissions) == ("optional", True, 2)
    assert task.instructions == INSTRUCTIONS
    assert "<h2>References</h2>" in task.instructions_html
    assert [(c.title, c.competency_code, c.levels) for c in task.criteria] == [
        ("Chooses and applies the right valuation method", "OPS-VAL", [2, 3, 4]),
        ("Writes a decision the importer can appeal", "P-ACC", [2, 3]),
    ]


def test_left_out_settings_take_the_formats_defaults(db, author_unit, principles, tmp_path):
    task = {
        k: v for k, v in TASK.items() if k not in ("attachment", "blind_marking", "max_submissions")
    }
    course = import_course(course_with_task(tmp_path, task), training_unit_id=author_unit.id)
    settings = course.modules[1].items[-1].task
    assert (settings.attachment, settings.blind_marking, settings.max_submissions) == (
        "none",
        False,
        2,
    )


def test_every_problem_of_a_task_is_reported_with_its_file_and_nothing_is_imported(
    db, author_unit, principles, tmp_path
):
    bad = TASK | {
        "file": "missing.md",
        "attachment": "video",
        "blind_marking": "yes",
        "max_submissions": 6,
        "required": "no",
        "rubric": [
            {"title": "", "competency": "ops-val", "descriptors": {"5": "Beyond expert."}},
            {"title": "Writes the decision", "competency": "P-ACC", "descriptors": {"2": " "}},
            "not a criterion",
        ],
    }
    problems = refused(course_with_task(tmp_path, bad), author_unit.id)

    where = "P-ACC-101/course.json: module 2, item 3"
    assert problems == [
        f"{where}: The file rule is one of none, optional, required.",
        f"{where}: Submissions allowed is a whole number from 1 to 5.",
        f"{where}: Blind marking is on or off.",
        f"{where}: 'required' must be true or false.",
        f"{where}, criterion 1: A criterion needs a title: what the marker judges.",
        f"{where}, criterion 1: A criterion names one competency code: capital letters, digits "
        "and hyphens, up to 32 characters (for example OPS-VAL).",
        f"{where}, criterion 1: Descriptors are for levels 1 to 4, not 5.",
        f"{where}, criterion 1: Describe at least one level: what the work shows at that level.",
        f"{where}, criterion 2: The descriptor for level 2 is empty: leave the level out when a "
        "marker cannot give it.",
        f"{where}, criterion 3: must be an object.",
        "P-ACC-101/missing.md: file not found.",
    ]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Course.id))) == 0


@pytest.mark.parametrize(
    ("rubric", "count"),
    [(None, "missing"), ([], 0), ([TASK["rubric"][1]] * 9, 9)],
)
def test_a_rubric_needs_one_to_eight_criteria(rubric, count, db, author_unit, principles, tmp_path):
    task = {k: v for k, v in TASK.items() if k != "rubric"}
    if rubric is not None:
        task["rubric"] = rubric
    problems = refused(course_with_task(tmp_path, task), author_unit.id)
    assert problems == [
        "P-ACC-101/course.json: module 2, item 3: 'rubric' must be a list of 1 to 8 criteria, "
        'each {"title", "competency", "descriptors": {"1".."4": text}}.'
    ], count


def test_a_task_without_a_file_is_refused(db, author_unit, principles, tmp_path):
    task = {k: v for k, v in TASK.items() if k != "file"}
    assert refused(course_with_task(tmp_path, task), author_unit.id) == [
        "P-ACC-101/course.json: module 2, item 3: a task needs a 'file' in the course folder: "
        "its instructions."
    ]


def test_a_rubric_naming_a_competency_no_framework_holds_is_refused_like_a_question_tag(
    db, author_unit, principles, tmp_path
):
    rubric = [
        *TASK["rubric"],
        {"title": "Keeps records", "competency": "OPS-XYZ", "descriptors": {"2": "x"}},
    ]
    problems = refused(course_with_task(tmp_path, TASK | {"rubric": rubric}), author_unit.id)
    assert problems == [
        "P-ACC-101/course.json: no framework holds the competency code(s) OPS-XYZ; load the "
        "frameworks first (flask frameworks load-defaults, or import the framework that defines "
        "them)."
    ]
    db.session.rollback()
    assert db.session.scalar(select(func.count(RubricCriterion.id))) == 0


def test_import_export_import_gives_the_same_task_and_the_same_files(
    db, author_unit, principles, tmp_path
):
    first = import_course(course_with_task(tmp_path / "in"), training_unit_id=author_unit.id)
    exported = export_course(first, tmp_path / "first" / "P-ACC-101")
    manifest = json.loads((exported / "course.json").read_text(encoding="utf-8"))
    entry = manifest["modules"][1]["items"][-1]
    assert entry == TASK | {"file": "02-03-task-a-reasoned-valuation-decision.md"}
    assert (exported / entry["file"]).read_text(encoding="utf-8") == INSTRUCTIONS

    renamed = shutil.copytree(exported, tmp_path / "renamed" / "P-ACC-102")
    manifest["code"] = "P-ACC-102"
    (renamed / "course.json").write_text(json.dumps(manifest), encoding="utf-8")
    second = import_course(renamed, training_unit_id=author_unit.id)
    again = export_course(second, tmp_path / "second" / "P-ACC-102")
    for path in sorted(again.iterdir()):
        text = path.read_text(encoding="utf-8")
        original = (tmp_path / "first" / "P-ACC-101" / path.name).read_text(encoding="utf-8")
        if path.name == "course.json":
            text = text.replace('"code": "P-ACC-102"', '"code": "P-ACC-101"')
        assert text == original, path.name
    tasks = db.session.scalars(select(Task).order_by(Task.item_id)).all()
    assert len(tasks) == 2
    assert [(t.instructions, t.attachment, t.blind_marking, t.max_submissions) for t in tasks] == [
        (INSTRUCTIONS, "optional", True, 2)
    ] * 2
    first_rubric, second_rubric = (
        [(c.title, c.competency_code, c.descriptors) for c in t.criteria] for t in tasks
    )
    assert first_rubric == second_rubric and len(first_rubric) == 2


def test_the_catalogue_loader_and_the_command_line_take_a_task(
    app, db, runner, author_unit, principles, tmp_path
):
    catalogue = tmp_path / "catalogue"
    course_with_task(catalogue)
    loaded = load_catalogue(author_unit.id, publish=True, path=catalogue)
    db.session.commit()
    assert [c.code for c in loaded.imported] == ["P-ACC-101"]
    assert (
        db.session.scalar(select(func.count(CourseItem.id)).where(CourseItem.kind == "task")) == 1
    )

    course_with_task(tmp_path / "cli", name="P-ACC-201")
    manifest_path = tmp_path / "cli" / "P-ACC-201" / "course.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps(manifest | {"code": "P-ACC-201"}), encoding="utf-8")
    result = runner.invoke(args=["courses", "import", str(tmp_path / "cli"), "--unit", "ATC"])
    assert result.exit_code == 0, result.output
    assert "Imported P-ACC-201" in result.output
    result = runner.invoke(args=["courses", "export", "P-ACC-201", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    exported = json.loads((tmp_path / "out" / "P-ACC-201" / "course.json").read_text("utf-8"))
    assert exported["modules"][1]["items"][-1]["rubric"] == TASK["rubric"]
