"""The default catalogue as files: it imports whole, exports back to the same content, and a
GIFT bank with errors reports each by line and imports nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competencies.services.frameworks import ensure_default_frameworks
from courses.authoring.gift import GiftQuestion, parse_gift, write_gift
from courses.authoring.services.course_export import export_course
from courses.authoring.services.course_format import CourseFileErrors
from courses.authoring.services.course_import import course_folders, import_course
from courses.authoring.services.default_catalogue import CATALOGUE
from courses.learning.models import Course, CourseItem, ItemKind, Question
from courses.learning.services.principles import PRINCIPLES
from lms.organisation.models import OrgUnit
from tests.courses.gift_helpers import named_banks


@pytest.fixture
def training_unit(db, root_unit) -> OrgUnit:
    ensure_default_frameworks()  # the competencies the catalogue names (and the principles)
    unit = OrgUnit(
        code="NCTC",
        name="National Customs Training Centre",
        kind="training_centre",
        parent=root_unit,
    )
    db.session.add(unit)
    db.session.flush()
    unit.path, unit.depth = f"{root_unit.path}{unit.id}/", 1
    db.session.commit()
    return unit


def content_of(course: Course) -> dict:
    """What an officer and an author see of a course, without database ids."""
    return {
        "code": course.code,
        "title": course.title,
        "summary": course.summary,
        "validity": course.validity_months,
        "recertify": course.recertify,
        "modules": [
            {
                "title": module.title,
                "principles": [p.code for p in module.principles],
                "competencies": module.competency_codes,
                "items": [
                    (
                        item.kind,
                        item.title,
                        item.required,
                        item.lesson.markdown if item.lesson else None,
                        (
                            item.quiz.pass_mark,
                            item.quiz.draw_mode,
                            item.quiz.draw_per_level,
                            item.quiz.kind,
                            item.quiz.review_shows,
                            item.quiz.review_when,
                        )
                        if item.quiz
                        else None,
                    )
                    for item in module.items
                ],
            }
            for module in course.modules
        ],
        "bank": sorted(
            (q.qtype, q.text, q.level, q.competency_code or "", json.dumps(q.data, sort_keys=True))
            for q in course_questions(course)
        ),
    }


def course_questions(course: Course) -> list[Question]:
    from lms.extensions import db

    return list(db.session.scalars(select(Question).where(Question.course_id == course.id)))


def test_the_catalogue_has_a_course_per_principle_and_the_new_courses_have_a_task(
    db, training_unit
):
    """One course per reform principle (P-…-101), each with lessons and quizzes; the courses
    beyond them hold at least 3 lessons, 20 questions and a trainer-marked task."""
    folders = course_folders(CATALOGUE)
    courses = [import_course(f, training_unit_id=training_unit.id, publish=True) for f in folders]
    db.session.commit()
    principle_courses = sorted(c.code for c in courses if c.code.startswith("P-"))
    assert principle_courses == sorted(f"{fact.code}-101" for fact in PRINCIPLES)
    for course in courses:
        kinds = [item.kind for module in course.modules for item in module.items]
        assert kinds.count(ItemKind.LESSON) >= 2, course.code
        assert ItemKind.QUIZ in kinds, course.code
        levels = {q.level for q in course_questions(course)}
        assert len(course_questions(course)) >= 10 and {1, 2, 3} <= levels, course.code
        if not course.code.startswith("P-"):
            assert kinds.count(ItemKind.LESSON) >= 3, course.code
            assert len(course_questions(course)) >= 20, course.code
            assert ItemKind.TASK in kinds, course.code


def test_import_then_export_gives_the_same_content(db, training_unit, tmp_path):
    originals = {}
    for folder in course_folders(CATALOGUE):
        course = import_course(folder, training_unit_id=training_unit.id, publish=True)
        originals[course.code] = content_of(course)
        export_course(course, tmp_path / "first" / course.code)
    db.session.commit()
    # The exported folders, imported under new codes, hold the same content...
    for folder in course_folders(tmp_path / "first"):
        manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
        manifest["code"] = "X" + manifest["code"]
        (folder / "course.json").write_text(json.dumps(manifest), encoding="utf-8")
        again = import_course(folder, training_unit_id=training_unit.id)
        assert content_of(again) | {"code": manifest["code"][1:]} == originals[manifest["code"][1:]]
        # ...and export to the very same files.
        export_course(again, tmp_path / "second" / again.code)
        for exported in (tmp_path / "second" / again.code).iterdir():
            first = tmp_path / "first" / again.code[1:] / exported.name
            text = exported.read_text(encoding="utf-8")
            if exported.name == "course.json":
                text = text.replace(f'"code": "{again.code}"', f'"code": "{again.code[1:]}"')
                assert json.loads(text) | {"code": again.code[1:]} == json.loads(
                    first.read_text(encoding="utf-8")
                ) | {"code": again.code[1:]}
            else:
                assert text == first.read_text(encoding="utf-8"), exported.name


def test_validity_and_recertification_survive_import_and_export(db, training_unit, tmp_path):
    original = json.loads((CATALOGUE / "P-INT-101" / "course.json").read_text(encoding="utf-8"))
    course = import_course(CATALOGUE / "P-INT-101", training_unit_id=training_unit.id)
    # The integrity course promises a refresher every two years: its certificates expire and
    # its holders are sent back to it.
    assert (course.validity_months, course.recertify) == (24, True)
    exported = json.loads(
        (export_course(course, tmp_path / "out") / "course.json").read_text(encoding="utf-8")
    )
    for key in ("code", "title", "summary", "validity_months", "recertify"):
        assert exported[key] == original[key], key


def test_a_manifest_without_recertify_imports_a_course_that_is_not_renewed(
    db, training_unit, tmp_path
):
    folder = tmp_path / "P-INT-101"
    shutil.copytree(CATALOGUE / "P-INT-101", folder)
    manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
    del manifest["recertify"]
    (folder / "course.json").write_text(json.dumps(manifest), encoding="utf-8")
    course = import_course(folder, training_unit_id=training_unit.id)
    assert (course.validity_months, course.recertify) == (24, False)
    exported = export_course(course, tmp_path / "out") / "course.json"
    assert json.loads(exported.read_text(encoding="utf-8"))["recertify"] is False


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"recertify": "yes"},
            "P-INT-101/course.json: 'recertify' must be true or false.",
        ),
        (
            {"validity_months": None, "recertify": True},
            "P-INT-101/course.json: 'recertify' needs 'validity_months': certificates that "
            "never expire are never taken again.",
        ),
        (
            {"validity_months": 0},
            "P-INT-101/course.json: 'validity_months' must be a whole number from 1 to 240, "
            "or null.",
        ),
        (
            {"validity_months": "24"},
            "P-INT-101/course.json: 'validity_months' must be a whole number from 1 to 240, "
            "or null.",
        ),
    ],
)
def test_bad_validity_or_recertification_is_refused_naming_the_field(
    fields, problem, db, training_unit, tmp_path
):
    folder = tmp_path / "P-INT-101"
    shutil.copytree(CATALOGUE / "P-INT-101", folder)
    manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
    (folder / "course.json").write_text(json.dumps(manifest | fields), encoding="utf-8")
    with pytest.raises(CourseFileErrors) as refused:
        import_course(folder, training_unit_id=training_unit.id)
    assert refused.value.problems == [problem]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_gift_errors_are_reported_by_line_and_nothing_is_imported(db, training_unit, tmp_path):
    folder = tmp_path / "P-INT-101"
    shutil.copytree(CATALOGUE / "P-INT-101", folder)
    bank = folder / "assessment.gift"
    lines = bank.read_text(encoding="utf-8").splitlines()
    broken_at = len(lines) + 3
    lines += [
        "",
        "// [tag:level-2]",
        "A question whose answers never close {=yes ~no",
        "",
        "// [tag:level-9]",
        "A level that does not exist {T}",
        "",
        "No level tag at all {=Customs ~Police}",
    ]
    bank.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CourseFileErrors) as refused:
        import_course(folder, training_unit_id=training_unit.id)
    problems = refused.value.problems
    assert problems == [
        f"P-INT-101/assessment.gift:{broken_at}: The answer block opened with '{{' is not closed "
        "with '}'.",
        f"P-INT-101/assessment.gift:{broken_at + 3}: The level must be one of 1, 2, 3, 4 "
        "(found 9).",
        f"P-INT-101/assessment.gift:{broken_at + 5}: Missing level: put '// [tag:level-N]' "
        "(N from 1 to 4) on the line before the question.",
    ]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Course.id))) == 0
    assert db.session.scalar(select(func.count(CourseItem.id))) == 0


def kept(q: GiftQuestion) -> tuple:
    """What a GIFT round trip must keep of a question; the category keeps an assessment from
    drawing the checkpoints' questions."""
    return (q.qtype, q.text, q.level, q.data, q.competency_code, q.category, q.general_feedback)


def test_every_catalogue_bank_survives_a_gift_round_trip():
    for folder in course_folders(CATALOGUE):
        for bank in sorted(named_banks(folder)):
            questions, errors = parse_gift((folder / bank).read_text(encoding="utf-8"))
            assert errors == [] and questions, f"{folder.name}/{bank}"
            again, errors = parse_gift(write_gift(questions))
            assert errors == []
            assert [kept(q) for q in questions] == [kept(q) for q in again]


def test_catalogue_folder_is_where_the_catalogue_load_reads_it():
    assert Path(CATALOGUE).is_dir() and (Path(CATALOGUE) / "README.md").is_file()


def test_the_demo_publishes_the_principle_courses_with_lessons_and_quizzes(app, db, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    published = db.session.scalars(
        select(Course).where(Course.status == "published", Course.code.like("P-%-101"))
    ).all()
    assert sorted(c.code for c in published) == sorted(f"{f.code}-101" for f in PRINCIPLES)
    for course in published:
        kinds = {item.kind for module in course.modules for item in module.items}
        assert (
            {ItemKind.LESSON.value, ItemKind.QUIZ.value}
            <= kinds
            <= {
                ItemKind.LESSON.value,
                ItemKind.QUIZ.value,
                ItemKind.TASK.value,
            }
        ), course.code


def drawable(bank: list, module: dict, item: dict) -> set[str]:
    """The names of the questions a quiz entry of course.json can draw from the course's bank:
    those of its category and, for a checkpoint, tagged with a competency its module names."""
    practice = item.get("kind") == "checkpoint"
    return {
        q.name
        for q in bank
        if q.category == item["category"]
        and (not practice or q.competency_code in module["competencies"])
    }


def test_a_split_catalogue_course_never_draws_an_assessment_question_in_a_checkpoint():
    """A course whose quizzes each name a category keeps practice and evidence apart: no
    question a checkpoint can draw is one the course's assessment can draw, so practising
    never rehearses the assessment's keys."""
    split = []
    for folder in course_folders(CATALOGUE):
        manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
        quizzes = [
            (module, item)
            for module in manifest["modules"]
            for item in module["items"]
            if item["type"] == "quiz"
        ]
        if not all(item.get("category") for _, item in quizzes):
            continue
        split.append(folder.name)
        bank = [
            question
            for name in sorted(named_banks(folder))
            for question in parse_gift((folder / name).read_text(encoding="utf-8"))[0]
        ]
        kinds = [(item.get("kind", "assessment"), drawable(bank, m, item)) for m, item in quizzes]
        practised = [pool for kind, pool in kinds if kind == "checkpoint"]
        assessed = [pool for kind, pool in kinds if kind == "assessment"]
        assert all(practised) and all(assessed), folder.name
        assert not set().union(*practised) & set().union(*assessed), folder.name
    assert {"P-ACC-101", "P-CIM-101", "P-CLI-101", "P-COM-101", "P-COP-101"} <= set(split)


def test_every_question_and_rubric_criterion_evidences_a_competency_its_course_builds():
    """A question or a rubric criterion tagged with a competency that no module of its course
    names is a mis-tag (a valuation question evidencing a technology competency), and a course
    that evidences a competency without naming it is missing from the officer's "courses that
    build this competency" and from gap assignment."""
    stray = []
    for folder in course_folders(CATALOGUE):
        manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
        named = {code for module in manifest["modules"] for code in module["competencies"]}
        for bank in named_banks(folder):
            for question in parse_gift((folder / bank).read_text(encoding="utf-8"))[0]:
                if question.competency_code and question.competency_code not in named:
                    stray.append(f"{folder.name} {question.name}: {question.competency_code}")
        for module in manifest["modules"]:
            for item in module["items"]:
                for criterion in item.get("rubric", []):
                    if criterion["competency"] not in module["competencies"]:
                        stray.append(f"{folder.name} {item['title']}: {criterion['competency']}")
    assert stray == []
