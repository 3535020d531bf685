"""`flask catalogue check`: a deliberately bad bank fails, naming each problem (as text and as
JSON); the default catalogue with the standard positions' requirements is checked too."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, func, select

from competencies.default_positions import POSITION_REQUIREMENTS
from competencies.models import Competency, Framework, PositionRequirement
from courses.authoring.services import authored_courses, quizzes, structure
from courses.authoring.services.default_catalogue import CATALOGUE
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import CourseStatus, Question
from courses.learning.services.principles import ensure_principles

COURSES = len(list(CATALOGUE.glob("*/course.json")))


def choice(text: str, fraction: float) -> dict:
    return {"id": text[:8], "text": text, "fraction": fraction}


@pytest.fixture
def bad_bank(db, runner, create_unit, root_unit, create_position):
    """A published course BAD-1 whose bank gives its keys away (the longest option, every
    true/false False), asks one question twice, and whose level-3 question no quiz draws; a
    position CHK requiring P-ACC at 1 (reachable), P-INT at 3 (not: that question is in a
    category no quiz draws) and MGT-PPL at 2 (only a draft course has it)."""
    runner.invoke(args=["frameworks", "load-defaults"])
    # One question of a level evidences it here; the rule's N is checked on its own below.
    for framework in db.session.scalars(select(Framework)):
        framework.min_questions_per_level = 1
    ensure_principles()
    unit = create_unit("NCTC", parent=root_unit, kind="training_centre")
    course = authored_courses.create_course(
        authored_courses.CourseDetails("BAD-1", "A bad bank", "Keys that give themselves away."),
        training_unit_id=unit.id,
    )
    module = structure.add_module(course, "Module", ["P-INT"], ["P-INT"])
    quizzes.add_quiz(module, "Assessment", quizzes.QuizSettings(category="core"))
    entries = [
        ("SC-1", "single_choice", "Who may accept a gift?", 1, "core", {"choices": [
            choice("Nobody, whatever its value, and it must be reported", 1.0),
            choice("Anyone", 0), choice("A chief", 0)]}),
        ("SC-2", "single_choice", "When is a conflict of interest declared?", 2, "core", {
            "choices": [choice("Before taking part in the decision it touches", 1.0),
                        choice("Never", 0), choice("Later", 0)]}),
        ("SC-3", "single_choice", "Which factor comes first in the Arusha Declaration?", 1,
         "core", {"choices": [choice("Leadership", 1.0), choice("Regulatory framework", 0)]}),
        ("TF-1", "true_false", "A small gift may be kept without telling anyone.", 1, "core",
         {"answer": False}),
        ("TF-2", "true_false", "Rotation alone removes every integrity risk.", 1, "core",
         {"answer": False}),
        ("TF-3", "true_false", "Rotation alone removes every integrity risk!", 1, "core",
         {"answer": False}),
        ("ADV", "true_false", "Leaders may leave integrity to the inspectors.", 3, "extra",
         {"answer": False}),
    ]  # fmt: skip
    for name, qtype, text, level, category, data in entries:
        code = "P-ACC" if name == "SC-3" else "P-INT"
        save_question(
            course,
            None,
            QuestionInput(qtype, text, level, data, code, name=name, category=category),
        )
    course.status = CourseStatus.PUBLISHED.value
    draft = authored_courses.create_course(
        authored_courses.CourseDetails("DRAFT-1", "A draft", "Not published yet."),
        training_unit_id=unit.id,
    )
    quizzes.add_quiz(structure.add_module(draft, "M", ["P-INT"], []), "Q", quizzes.QuizSettings())
    save_question(
        draft,
        None,
        QuestionInput(
            "single_choice",
            "Who goes first?",
            2,
            {"choices": [choice("Leaders", 1.0), choice("The inspectors", 0)]},
            "MGT-PPL",
        ),
    )
    position = create_position("CHK", "Checker")
    codes = {c.code: c.id for c in db.session.scalars(select(Competency))}
    for code, level in (("P-ACC", 1), ("P-INT", 3), ("MGT-PPL", 2)):
        db.session.add(
            PositionRequirement(
                position_id=position.id, competency_id=codes[code], required_level=level
            )
        )
    db.session.commit()
    return course


def test_a_bad_bank_fails_the_check_naming_each_problem(bad_bank, runner):
    result = runner.invoke(args=["catalogue", "check"])

    assert result.exit_code == 1, result.output
    problems = [line[2:] for line in result.output.splitlines() if line.startswith("- ")]
    assert problems == [
        "BAD-1: the key is the longest option in 2 of 3 single-choice questions (67 %, above "
        "one third): SC-1, SC-2.",
        "BAD-1: 0 of 4 true/false keys are True (0 %, outside 35–65 %).",
        "BAD-1: duplicate questions TF-2 and TF-3.",
        "BAD-1: assessment 'Assessment' draws 6 of the 6 questions of its pool; a pool holds at "
        "least twice the draw (12) so that attempts differ: add questions or draw fewer.",
        "DRAFT-1: assessment 'Q' draws 1 of the 1 questions of its pool; a pool holds at least "
        "twice the draw (2) so that attempts differ: add questions or draw fewer.",
        "RKC-PRINCIPLES: CHK requires P-INT (Integrity) at level 3 (Advanced, mandatory), which "
        "no published course can evidence with at least 1 question(s) of that level: the highest "
        "level any published course can evidence is 2, in BAD-1.",
        "PICARD-MGT: CHK requires MGT-PPL (People management) at level 2 (Trained, "
        "mandatory), which no published course can evidence with at least 1 question(s) of that "
        "level: no published course can evidence it at any level.",
    ]
    assert "7 problem(s):" in result.output
    assert "BAD-1 (published): 7 questions" in result.output
    # Not ADV, at level 3: the quiz draws the category "core" only.
    assert "can evidence: P-ACC L1 1, P-INT L1 4, P-INT L2 1, P-INT L3 0/1\n" in result.output
    assert "    draws: 'Assessment' 6 of 6 (every question)\n" in result.output
    assert "Position requirements: 1 of 3 can be evidenced" in result.output


def test_a_level_needs_as_many_drawable_questions_as_the_framework_rule(bad_bank, db, runner):
    """With the frameworks' N back at 3, one P-ACC question of level 1 evidences nothing, and
    P-INT's best level is the one with four questions (level 1), not level 2 (one question)."""
    for framework in db.session.scalars(select(Framework)):
        framework.min_questions_per_level = 3
    db.session.commit()

    result = runner.invoke(args=["catalogue", "check"])

    assert result.exit_code == 1, result.output
    assert (
        "RKC-PRINCIPLES: CHK requires P-INT (Integrity) at level 3 (Advanced, mandatory), which "
        "no published course can evidence with at least 3 question(s) of that level: the highest "
        "level any published course can evidence is 1, in BAD-1." in result.output
    )
    unreachable = [line for line in result.output.splitlines() if "CHK requires P-ACC" in line]
    assert len(unreachable) == 1
    assert "at level 1" in unreachable[0] and "at any level" in unreachable[0]
    assert "Position requirements: 0 of 3 can be evidenced" in result.output


def test_the_json_report_names_the_same_problems(bad_bank, runner):
    result = runner.invoke(args=["catalogue", "check", "--json"])

    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["cut_offs"] == {
        "longest_key_share_above": 0.3333,
        "true_share_band": [0.35, 0.65],
        "near_duplicate_ratio_above": 0.9,
    }
    bank = next(b for b in report["banks"] if b["course"] == "BAD-1")
    assert bank["single_choice"] == {
        "questions": 3,
        "key_is_longest": 2,
        "share": 0.6667,
        "flagged": True,
        "which": ["SC-1", "SC-2"],
    }
    assert bank["true_false"] == {
        "questions": 4,
        "true_keys": 0,
        "share_true": 0.0,
        "flagged": True,
    }
    assert bank["duplicates"] == [{"first": "TF-2", "second": "TF-3", "ratio": 1.0}]
    assert {"competency": "P-INT", "level": 3, "questions": 1, "can_evidence": 0} in bank[
        "coverage"
    ]
    assert bank["assessments"] == [
        {"title": "Assessment", "draw": "all", "count": None, "pool": 6, "drawn": 6, "groups": []}
    ]
    assert report["requirements"]["total"] == 3
    assert [
        (r["position"], r["competency"], r["required_level"], r["best_level"], r["best_courses"])
        for r in report["requirements"]["unreachable"]
    ] == [("CHK", "P-INT", 3, 2, ["BAD-1"]), ("CHK", "MGT-PPL", 2, 0, [])]
    assert len(report["problems"]) == 7


def test_a_clean_catalogue_passes(bad_bank, db, runner):
    """Once the bank is mended and the requirements reachable, the check exits 0."""
    for question in db.session.scalars(select(Question)):
        db.session.delete(question)
    db.session.execute(delete(PositionRequirement))
    save_question(
        bad_bank,
        None,
        QuestionInput("true_false", "Integrity starts with leaders.", 1, {"answer": True}, "P-INT"),
    )
    save_question(
        bad_bank,
        None,
        QuestionInput("true_false", "Rotation ends all risk.", 1, {"answer": False}, "P-INT"),
    )
    db.session.commit()

    result = runner.invoke(args=["catalogue", "check"])

    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("0 problem(s).")


def test_the_default_catalogue_is_clean_for_the_standard_positions(
    db, runner, create_unit, root_unit, create_position
):
    """What README shows: every bank within the cut-offs, every assessment's pool at least twice
    its draw and every level it evidences on N questions, and every requirement of the standard
    positions reachable by a published course (a quiz or a task's rubric)."""
    create_unit("NCTC", parent=root_unit, kind="training_centre")
    for code in POSITION_REQUIREMENTS:
        create_position(code)
    runner.invoke(args=["frameworks", "load-defaults"])
    loaded = runner.invoke(args=["catalogue", "load", "--unit", "NCTC", "--publish"])
    assert loaded.exit_code == 0, loaded.output

    result = runner.invoke(args=["catalogue", "check"])

    assert result.exit_code == 0, result.output
    assert f"Banks ({COURSES} courses not archived)" in result.output
    assert result.output.count("(published): ") == COURSES
    total = db.session.scalar(select(func.count()).select_from(PositionRequirement))
    assert f"{total} of {total} can be evidenced by a published course" in result.output
    assert result.output.rstrip().endswith("0 problem(s).")
    as_json = json.loads(runner.invoke(args=["catalogue", "check", "--json"]).output)
    assert as_json["ok"] and as_json["problems"] == []
