"""The reference-data commands a production install runs (`flask frameworks load-defaults`,
`flask catalogue load`), the import's refusal of unknown competency codes, and
`flask competencies backfill-evidence` for attempts graded before their frameworks existed."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competencies.default_positions import POSITION_REQUIREMENTS
from competencies.defaults import DEFAULT_FRAMEWORKS
from competencies.models import Competency, CurrentLevel, Evidence, Framework, PositionRequirement
from competencies.rules import demonstrated_levels
from competencies.services.reference_data import default_requirements
from courses.authoring.services import course_import
from courses.authoring.services.default_catalogue import CATALOGUE
from courses.learning.models import Attempt, Course, CourseItem
from courses.learning.questiontypes import question_type
from courses.learning.results import results_from_json
from courses.learning.services import attempts as attempt_service
from lms.organisation.models import OrgUnit

COURSES = len(list(CATALOGUE.glob("*/course.json")))


@pytest.fixture
def production(app):
    """What production refuses: the demo data. The reference commands run all the same."""
    app.config["DEMO_DATA_ALLOWED"] = False
    return app


@pytest.fixture
def training_centre(create_unit, root_unit) -> OrgUnit:
    return create_unit("NCTC", parent=root_unit, kind="training_centre")


def counts(db) -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Framework, Competency, PositionRequirement, Course)
    )


# --- flask frameworks load-defaults --------------------------------------------------------


def test_load_defaults_loads_frameworks_and_the_existing_positions_requirements_once(
    production, db, runner, create_position
):
    clearance = create_position("OFF-CLR")
    create_position("TRAINER")
    create_position("CUSTOM-1")  # a position of this administration's own: no default profile

    first = runner.invoke(args=["frameworks", "load-defaults"])

    assert first.exit_code == 0, first.output
    assert "4 added" in first.output
    assert "Position OFF-CLR:" in first.output and "Position TRAINER:" in first.output
    missing = sorted(set(POSITION_REQUIREMENTS) - {"OFF-CLR", "TRAINER"})
    assert "No position with code " + ", ".join(
        code for code in POSITION_REQUIREMENTS if code in missing
    ) in " ".join(first.output.split())
    assert sorted(db.session.scalars(select(Framework.code))) == sorted(
        f.code for f in DEFAULT_FRAMEWORKS
    )
    required = {
        r.competency.code: (r.required_level, r.mandatory)
        for r in db.session.scalars(
            select(PositionRequirement).where(PositionRequirement.position_id == clearance.id)
        )
    }
    assert {code: level for code, (level, _) in required.items()} == default_requirements("OFF-CLR")
    assert required["P-INT"][1] and not required["P-FAC"][1]
    before = counts(db)

    again = runner.invoke(args=["frameworks", "load-defaults"])

    assert again.exit_code == 0, again.output
    assert again.output.startswith("Nothing to load")
    assert "left as they are: OFF-CLR, TRAINER" in again.output
    assert counts(db) == before


def test_load_defaults_leaves_requirements_hr_has_set(db, runner, create_position):
    runner.invoke(args=["frameworks", "load-defaults"])
    position = create_position("OFF-CLR")
    integrity = db.session.scalar(select(Competency).where(Competency.code == "P-INT"))
    db.session.add(
        PositionRequirement(position_id=position.id, competency_id=integrity.id, required_level=4)
    )
    db.session.commit()

    result = runner.invoke(args=["frameworks", "load-defaults"])

    assert "left as they are: OFF-CLR" in result.output
    assert [r.required_level for r in db.session.scalars(select(PositionRequirement))] == [4]


def test_the_empty_frameworks_page_names_the_command(client, login_as, create_user):
    page = login_as(create_user(roles=("admin",))).get("/frameworks/")

    text = page.get_data(as_text=True)
    assert "flask frameworks load-defaults" in text
    assert "demo data" not in text


# --- course imports refuse unknown competency codes -----------------------------------------


def course_naming_unknown_codes(tmp_path: Path) -> Path:
    """P-INT-101, with a module naming ZZ-ONE (and P-INT twice) and a question tagged ZZ-TWO."""
    folder = shutil.copytree(CATALOGUE / "P-INT-101", tmp_path / "P-INT-101")
    manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
    manifest["modules"][0]["competencies"] += ["ZZ-ONE"]
    manifest["modules"][1]["competencies"] += ["ZZ-ONE"]
    (folder / "course.json").write_text(json.dumps(manifest), encoding="utf-8")
    with (folder / "assessment.gift").open("a", encoding="utf-8") as bank:
        bank.write("\n\n// [tag:level-1] [tag:competency-ZZ-TWO]\nA made-up question? {TRUE}\n")
    return folder


def test_an_import_naming_unknown_codes_is_refused_with_every_code_once(
    db, runner, training_centre, tmp_path
):
    runner.invoke(args=["frameworks", "load-defaults"])
    folder = course_naming_unknown_codes(tmp_path)

    result = runner.invoke(args=["courses", "import", str(folder), "--unit", "NCTC"])

    assert result.exit_code == 1
    assert "1 problem(s); nothing was imported" in result.output
    problem = next(line for line in result.output.splitlines() if "ZZ-" in line)
    # Every unknown code once, the known ones (P-INT, INT-COC...) not at all.
    assert problem.startswith(
        "P-INT-101/course.json: no framework holds the competency code(s) ZZ-ONE, ZZ-TWO;"
    )
    assert "flask frameworks load-defaults" in problem
    assert counts(db)[3] == 0


def test_without_frameworks_every_catalogue_course_is_refused(db, runner, training_centre):
    result = runner.invoke(args=["catalogue", "load", "--unit", "NCTC", "--publish"])

    assert result.exit_code == 1
    assert f"{COURSES} problem(s); nothing was imported" in result.output
    assert "P-INT-101/course.json: no framework holds the competency code(s) " in result.output
    assert db.session.scalar(select(func.count(Course.id))) == 0


# --- flask catalogue load -------------------------------------------------------------------


def test_catalogue_load_imports_the_catalogue_once(production, db, runner, training_centre):
    runner.invoke(args=["frameworks", "load-defaults"])

    first = runner.invoke(args=["catalogue", "load", "--unit", "nctc", "--publish"])

    assert first.exit_code == 0, first.output
    assert first.output.count("(published)") == COURSES
    courses = db.session.scalars(select(Course)).all()
    assert len(courses) == COURSES
    assert {c.status for c in courses} == {"published"}
    assert {c.training_unit_id for c in courses} == {training_centre.id}

    again = runner.invoke(args=["catalogue", "load", "--unit", "NCTC", "--publish"])

    assert again.exit_code == 0, again.output
    assert f"Skipped {COURSES} course(s) whose code exists: C-AEO-101" in again.output
    assert "Nothing to import" in again.output
    assert db.session.scalar(select(func.count(Course.id))) == COURSES


def test_catalogue_load_skips_a_course_imported_before_and_adds_the_rest(
    db, runner, training_centre
):
    runner.invoke(args=["frameworks", "load-defaults"])
    runner.invoke(args=["courses", "import", str(CATALOGUE / "P-INT-101"), "--unit", "NCTC"])

    result = runner.invoke(args=["catalogue", "load", "--unit", "NCTC"])

    assert result.exit_code == 0, result.output
    assert "Skipped 1 course(s) whose code exists: P-INT-101" in result.output
    assert result.output.count("(draft)") == COURSES - 1


def test_catalogue_load_needs_a_known_unit(db, runner):
    result = runner.invoke(args=["catalogue", "load", "--unit", "NOWHERE"])

    assert result.exit_code == 1
    assert "No unit with code NOWHERE." in result.output


# --- flask competencies backfill-evidence ---------------------------------------------------


def take_quiz(officer_id: int, item: CourseItem, right: bool) -> Attempt:
    """An attempt answered all right or all wrong, whatever the draw and the shuffle."""
    rng = random.Random(7)
    attempt = attempt_service.start_attempt(officer_id, item)
    form = {
        f"answer-{entry['key']}": question_type(entry["qtype"]).sample_answer(
            entry["frozen"], right, rng
        )
        for entry in attempt.snapshot
    }
    return attempt_service.submit_attempt(officer_id, attempt.id, form)


def evidence_of(db, user_id: int) -> list[tuple]:
    """Each evidence row as (attempt number, competency, level, source), in order."""
    return sorted(
        db.session.execute(
            select(Attempt.number, Competency.code, Evidence.level, Evidence.source)
            .join(Attempt, Attempt.id == Evidence.attempt_id)
            .join(Competency, Competency.id == Evidence.competency_id)
            .where(Evidence.user_id == user_id)
        ).all()
    )


def levels_of(db, user_id: int) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Competency.code, CurrentLevel.level)
            .join(Competency, Competency.id == CurrentLevel.competency_id)
            .where(CurrentLevel.user_id == user_id)
        ).all()
    )


def test_backfill_gives_attempts_graded_before_their_frameworks_the_live_paths_evidence(
    db, runner, training_centre, create_user, monkeypatch
):
    # A database from before imports checked the codes: the course came in without frameworks.
    with monkeypatch.context() as before_the_check:
        before_the_check.setattr(course_import, "ask", lambda lookup: frozenset())
        imported = runner.invoke(
            args=["courses", "import", str(CATALOGUE / "P-INT-101"), "--unit", "NCTC", "--publish"]
        )
    assert imported.exit_code == 0, imported.output
    quiz = db.session.scalar(select(CourseItem).where(CourseItem.title == "Integrity assessment"))
    early, late = create_user("early@customs.example"), create_user("late@customs.example")
    take_quiz(early.id, quiz, right=False)
    first = take_quiz(early.id, quiz, right=True)
    db.session.commit()
    assert db.session.scalar(select(func.count(Evidence.id))) == 0
    assert levels_of(db, early.id) == {}

    runner.invoke(args=["frameworks", "load-defaults"])
    assert db.session.scalar(select(func.count(Evidence.id))) == 0  # loading alone fills nothing
    take_quiz(late.id, quiz, right=False)
    take_quiz(late.id, quiz, right=True)
    db.session.commit()
    live = evidence_of(db, late.id)

    result = runner.invoke(args=["competencies", "backfill-evidence"])

    assert result.exit_code == 0, result.output
    assert f"Added {len(live)} evidence rows for 2 graded attempts" in result.output
    assert evidence_of(db, early.id) == live
    assert evidence_of(db, late.id) == live  # the live path's rows are not duplicated
    levels = levels_of(db, early.id)
    assert levels == levels_of(db, late.id)
    expected = demonstrated_levels(results_from_json(first.results))
    assert levels == expected and max(levels.values()) > 0
    dated = db.session.scalars(
        select(Evidence.created_at).where(Evidence.attempt_id == first.id)
    ).all()
    assert set(dated) == {first.submitted_at}  # dated when the attempt was graded

    again = runner.invoke(args=["competencies", "backfill-evidence"])

    assert again.exit_code == 0, again.output
    assert again.output.startswith("Nothing to backfill")
    assert evidence_of(db, early.id) == live
