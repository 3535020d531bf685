"""`lms catalogue update`: an installation that loaded the first edition of a catalogue course
receives the next edition's lessons, questions, items and settings, while every record its
officers made (attempts, progress, evidence, levels, certificates) stays as it was."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competencies.models import CurrentLevel, Evidence
from courses.authoring.services.course_import import import_course
from courses.authoring.services.default_catalogue import CATALOGUE
from courses.certificates.models import Certificate
from courses.learning.models import Attempt, Course, CourseItem, ItemProgress, Question
from courses.learning.questiontypes import question_type
from courses.learning.services import attempts as attempt_service
from courses.learning.services.progress import mark_item_done
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.certificate_helpers import issue, request_of

CODE = "P-ACC-101"
CHECKPOINT = "Checkpoint: accountable decisions"
NEW_PARAGRAPH = (
    "\n\nA second-edition note: when the law leaves the officer a choice, the written "
    "reasons say which facts decided it, so that a supervisor can check the choice later.\n"
)
NEW_TASK = {
    "type": "task",
    "title": "Task: reasons for a refused relief",
    "file": "04-task-refused-relief.md",
    "rubric": [
        {
            "title": "Gives reasons the trader can answer",
            "competency": "P-ACC",
            "descriptors": {
                "2": "States the refusal and the provision, without the facts it rests on.",
                "3": "Gives the provision, the facts and how to appeal under Chapter 10.",
            },
        }
    ],
}
TASK_TEXT = (
    "## The case\n\nA trader's application for inward processing is refused because the "
    "guarantee offered is too small.\n\n## What to hand in\n\nThe refusal letter, in at most "
    "400 words, with its reasons and the appeal route.\n\n## References\n\n"
    "- RKC General Annex, Chapter 10\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The catalogue course's folder, copied: the tests turn it into a next edition."""
    target = tmp_path / "catalogue" / CODE
    shutil.copytree(CATALOGUE / CODE, target)
    return target


@pytest.fixture
def course(db, author_unit, principles, folder) -> Course:
    loaded = import_course(folder, training_unit_id=author_unit.id, publish=True)
    db.session.commit()
    return loaded


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "course.json").read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "course.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def item_named(db, title: str) -> CourseItem:
    return db.session.scalar(select(CourseItem).where(CourseItem.title == title))


def take_quiz(officer_id: int, item: CourseItem) -> Attempt:
    """An attempt answered all right, whatever the draw and the shuffle."""
    rng = random.Random(7)
    attempt = attempt_service.start_attempt(officer_id, item)
    form = {
        f"answer-{entry['key']}": question_type(entry["qtype"]).sample_answer(
            entry["frozen"], True, rng
        )
        for entry in attempt.snapshot
    }
    return attempt_service.submit_attempt(officer_id, attempt.id, form)


def change_question(folder: Path, name: str, new_text: str) -> None:
    """Rewrite a question's text in whichever bank of the folder holds it."""
    for bank in folder.glob("*.gift"):
        source = bank.read_text(encoding="utf-8")
        pattern = re.compile(rf"(::{re.escape(name)}::)[^\n{{]*")
        if pattern.search(source):
            bank.write_text(pattern.sub(lambda m: f"{m.group(1)} {new_text}", source, 1))
            return
    raise AssertionError(f"no question named {name}")


def records(db, user_id: int) -> tuple:
    """Everything the officer's work left, as it reads."""
    attempts = db.session.execute(
        select(Attempt.id, Attempt.item_id, Attempt.score, Attempt.passed, Attempt.snapshot)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.id)
    ).all()
    progress = db.session.execute(
        select(ItemProgress.item_id, ItemProgress.completed_at).where(
            ItemProgress.user_id == user_id
        )
    ).all()
    evidence = db.session.execute(
        select(Evidence.id, Evidence.competency_id, Evidence.level).where(
            Evidence.user_id == user_id
        )
    ).all()
    levels = db.session.execute(
        select(CurrentLevel.competency_id, CurrentLevel.level).where(
            CurrentLevel.user_id == user_id
        )
    ).all()
    certificates = db.session.execute(
        select(Certificate.id, Certificate.code).where(Certificate.user_id == user_id)
    ).all()
    return attempts, sorted(progress), sorted(evidence), sorted(levels), certificates


def update(runner, folder: Path, *extra: str):
    return runner.invoke(args=["catalogue", "update", "--folder", str(folder.parent), *extra])


def second_edition(folder: Path, question_name: str) -> None:
    """A new lesson text, a changed question and a new task ending the second module."""
    lesson = folder / "01-accountability-in-practice.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + NEW_PARAGRAPH, encoding="utf-8")
    change_question(folder, question_name, "Second edition: who answers for customs as a whole?")
    manifest = manifest_of(folder)
    manifest["modules"][1]["items"].append(NEW_TASK)
    write_manifest(folder, manifest)
    (folder / NEW_TASK["file"]).write_text(TASK_TEXT, encoding="utf-8")


def test_the_next_edition_arrives_and_the_officers_records_stay(
    db, runner, client, login_as, course, folder, author_officer
):
    officer_id = author_officer.id
    for item in db.session.scalars(select(CourseItem).where(CourseItem.course_id == course.id)):
        if item.kind == "lesson":
            mark_item_done(officer_id, item)
        else:
            take_quiz(officer_id, item)
    db.session.commit()
    assert issue(request_of(officer_id, course).id) == "issued"
    checkpoint = db.session.scalar(
        select(Attempt).where(Attempt.item_id == item_named(db, CHECKPOINT).id)
    )
    asked = checkpoint.snapshot[0]
    old_html = asked["text_html"]
    before = records(db, officer_id)
    assert all(before), "the officer has attempts, progress, evidence, levels and a certificate"
    second_edition(folder, asked["name"])

    result = update(runner, folder)

    assert result.exit_code == 0, result.output
    assert f"{CODE}: 2 lesson(s) updated" not in result.output
    assert f"{CODE}: 1 lesson(s) updated" in result.output
    assert "1 item(s) added" in result.output and "1 new version(s)" in result.output
    db.session.expire_all()
    assert records(db, officer_id) == before
    lesson = item_named(db, "What accountability means for a customs officer").lesson
    assert lesson.revision == 2 and "second-edition note" in lesson.html
    task = item_named(db, NEW_TASK["title"])
    assert task.module.title == "Appeals under Chapter 10" and task.module.items[-1] == task
    assert [c.title for c in task.task.criteria] == ["Gives reasons the trader can answer"]
    versions = db.session.scalars(
        select(Question).where(Question.name == asked["name"]).order_by(Question.id)
    ).all()
    assert [(q.archived, q.text.startswith("Second edition")) for q in versions] == [
        (True, False),
        (False, True),
    ]
    page = login_as(author_officer).get(f"/attempts/{checkpoint.id}/result")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert old_html.split("</p>")[0].removeprefix("<p>")[:40] in text
    assert "Second edition: who answers" not in text

    again = update(runner, folder)

    assert again.exit_code == 0, again.output
    assert f"{CODE} (unchanged)" in again.output


def test_a_fresh_load_is_already_up_to_date(db, runner, course, folder):
    result = update(runner, folder)

    assert result.exit_code == 0, result.output
    assert f"{CODE} (unchanged): 0 lesson(s) updated" in result.output
    questions = db.session.scalar(select(func.count(Question.id)))
    assert f"{questions} unchanged, 0 new version(s), 0 added, 0 archived" in result.output


def test_an_attempted_item_that_left_the_files_stays_optional(
    db, runner, course, folder, author_officer
):
    take_quiz(author_officer.id, item_named(db, CHECKPOINT))
    db.session.commit()
    manifest = manifest_of(folder)
    # The next edition renames the checkpoint (a new item) and drops the unread third lesson.
    manifest["modules"][0]["items"][-1]["title"] = "Checkpoint: decisions you can explain"
    manifest["modules"][1]["items"] = [
        i for i in manifest["modules"][1]["items"] if i["type"] != "lesson"
    ]
    manifest["recertify"], manifest["validity_months"] = False, None
    write_manifest(folder, manifest)

    result = update(runner, folder)

    assert result.exit_code == 0, result.output
    assert f"'{CHECKPOINT}' is no longer in the files but officers used it" in result.output
    db.session.expire_all()
    kept = item_named(db, CHECKPOINT)
    assert kept.required is False and kept.module.items[-1] == kept
    assert item_named(db, "The appeal route: Chapter 10 in practice") is None
    assert "1 item(s) added, 1 removed, 1 kept optional" in result.output
    renamed = item_named(db, "Checkpoint: decisions you can explain")
    assert renamed.required and renamed.module == kept.module
    assert kept.module.items[-2] == renamed
    assert db.session.get(Course, course.id).validity_months is None


def test_a_dry_run_writes_nothing(db, runner, course, folder):
    second_edition(folder, "ACC-C01 Who looks at customs as a whole")
    questions = db.session.scalar(select(func.count(Question.id)))
    items = db.session.scalar(select(func.count(CourseItem.id)))

    result = update(runner, folder, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "1 lesson(s) updated" in result.output
    assert "would be updated (dry run: nothing was written)" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Question.id))) == questions
    assert db.session.scalar(select(func.count(CourseItem.id))) == items
    lesson = item_named(db, "What accountability means for a customs officer").lesson
    assert lesson.revision == 1 and "second-edition note" not in lesson.markdown


def test_a_broken_folder_changes_nothing_and_is_named(db, runner, course, folder):
    second_edition(folder, "ACC-C01 Who looks at customs as a whole")
    (folder / "03-appeals-chapter-10.md").unlink()

    result = update(runner, folder)

    assert result.exit_code == 1
    assert f"{CODE}: refused, nothing changed" in result.output
    assert "03-appeals-chapter-10.md: file not found." in result.output
    assert f"Not updated: {CODE}" in result.output
    db.session.expire_all()
    lesson = item_named(db, "What accountability means for a customs officer").lesson
    assert lesson.revision == 1
    assert item_named(db, NEW_TASK["title"]) is None


def test_a_course_the_publishing_rules_refuse_is_not_updated(db, runner, course, folder):
    manifest = manifest_of(folder)
    manifest["modules"][1]["items"][-1]["draw"] = {"mode": "per_competency_level", "count": 20}
    write_manifest(folder, manifest)

    result = update(runner, folder)

    assert result.exit_code == 1, result.output
    assert f"{CODE}: refused, nothing changed" in result.output
    db.session.expire_all()
    assert item_named(db, "Accountability assessment").quiz.draw_count == 3


def test_without_a_loaded_catalogue_the_update_says_to_load_it(db, runner, principles, folder):
    result = update(runner, folder)

    assert result.exit_code == 0, result.output
    assert "Nothing to update" in result.output and "use lms catalogue load" in result.output
