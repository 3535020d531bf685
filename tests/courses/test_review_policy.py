"""The review policy protects evidence: no published quiz of the default catalogue or the demo
shows its keys while an officer can still attempt it; a leaky assessment is refused wherever
it would be published (the quiz form, a course zip or folder, the catalogue load); checkpoints
are practice, drawn from their own module and never evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competencies.models import Evidence
from competencies.services.frameworks import ensure_default_frameworks
from courses.authoring.services import publishing, quizzes, structure
from courses.authoring.services.course_format import CourseFileErrors
from courses.authoring.services.default_catalogue import CATALOGUE, load_catalogue
from courses.authoring.services.publishing import PublicationProblems, expected_overlap
from courses.learning.models import (
    Attempt,
    Course,
    CourseItem,
    CourseStatus,
    ItemKind,
    Quiz,
    QuizKind,
    ReviewShows,
)
from courses.learning.services import attempts, reviews
from lms.accounts.models import User, UserRole
from lms.demo import load_demo
from lms.extensions import db as database
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import submit, text_of, upload
from tests.courses.conftest import DEFAULT_BANK

LEAK = "is an assessment that would show its answer keys while the officer can still attempt it"
KEY_FIELDS = {"answer_html", "marked_answers", "feedback", "frozen", "answer"}


def published_quiz_items() -> list[CourseItem]:
    return list(
        database.session.scalars(
            select(CourseItem)
            .join(Course, Course.id == CourseItem.course_id)
            .where(Course.status == CourseStatus.PUBLISHED, CourseItem.kind == ItemKind.QUIZ)
            .order_by(CourseItem.id)
        )
    )


def checkpoint_course(create_course, **settings):
    """A course whose one module names P-STD, of the default bank's question tagged P-STD (the
    bank's other questions are tagged P-TRA or not at all), with a checkpoint, published."""
    built = create_course(lessons=1, published=False, kind="checkpoint", **settings)
    module = built.quiz.module
    structure.update_module(module, module.title, ["P-INT"], ["P-STD"])
    database.session.refresh(built.course)
    publishing.set_status(built.course, "published")
    database.session.commit()
    return built


def catalogue_quizzes() -> list[dict]:
    """The quiz entries of every course.json of the default catalogue."""
    return [
        item
        for manifest in CATALOGUE.glob("*/course.json")
        for module in json.loads(manifest.read_text(encoding="utf-8"))["modules"]
        for item in module["items"]
        if item["type"] == "quiz"
    ]


def test_no_published_quiz_of_the_catalogue_or_the_demo_shows_keys_while_an_attempt_remains(
    app, db
):
    load_demo(fast_hashing=True)  # as `flask demo load`: the core, then each feature's demo
    db.session.commit()
    for load_feature_demo in app.extensions["demo_loaders"]:
        load_feature_demo()  # courses: the default catalogue, published, and demo results
        db.session.commit()
    items = published_quiz_items()
    kinds = {item.quiz.kind for item in items}
    assert len(items) == len(catalogue_quizzes()) and kinds == {"checkpoint", "assessment"}
    courses = {item.course_id for item in items}
    for course_id in courses:
        assert publishing.publication_problems(db.session.get(Course, course_id)) == []

    officer = db.session.scalar(  # an officer the demo gave no attempt
        select(User)
        .join(UserRole)
        .where(UserRole.role == "officer", ~User.id.in_(select(Attempt.user_id)))
        .order_by(User.id)
        .limit(1)
    )
    for item in items:
        assessments = [i for i in items if i.course_id == item.course_id]
        assert sum(i.quiz.kind == QuizKind.ASSESSMENT for i in assessments) == 1, item.title
        # A blank attempt, as the officer made: what may the review show now?
        attempt = attempts.start_attempt(officer.id, item)
        attempts.submit_attempt(officer.id, attempt.id, {})
        allowance = attempts.allowance(officer.id, item)
        assert allowance.can_start, item.title  # an attempt remains
        shows = reviews.review_shown(attempt, item.quiz, allowance)
        assert shows != ReviewShows.KEYS, item.title
        for entry in reviews.review_of(attempt, shows) or []:
            assert not KEY_FIELDS & set(entry), (item.title, entry)
    db.session.rollback()


def test_the_catalogue_states_each_quiz_kind_and_a_review_that_keeps_the_keys():
    for manifest in sorted(CATALOGUE.glob("*/course.json")):
        quizzes = [
            item
            for module in json.loads(manifest.read_text())["modules"]
            for item in module["items"]
            if item["type"] == "quiz"
        ]
        assert [q["kind"] for q in quizzes][-1] == "assessment", manifest
        assert {q["kind"] for q in quizzes[:-1]} == {"checkpoint"}, manifest
        assert all(q["review"]["shows"] != "keys" for q in quizzes), manifest


def test_a_blank_attempt_at_an_assessment_shows_which_answers_were_wrong_but_no_key(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1)  # an assessment with the defaults: marks, immediately
    assert (built.quiz.quiz.review_shows, built.quiz.quiz.review_when) == ("marks", "immediately")
    login_as(officer)
    attempt = attempts.start_attempt(officer.id, built.quiz)
    attempts.submit_attempt(officer.id, attempt.id, {})
    db.session.commit()
    page = text_of(client.get(f"/attempts/{attempt.id}/result"))
    assert "wrong" in page and "it does not show the right answers" in page
    for secret in ("Feedback-", "General-charlie", "Answers that earn marks", "73129"):
        assert secret not in page


def test_a_checkpoint_shows_feedback_and_the_lesson_to_revisit_and_records_no_evidence(
    client, db, login_as, officer, create_course
):
    ensure_default_frameworks()
    built = checkpoint_course(create_course)
    assert built.quiz.quiz.review_shows == "feedback"
    login_as(officer)
    attempt = attempts.start_attempt(officer.id, built.quiz)
    attempts.submit_attempt(officer.id, attempt.id, {})
    db.session.commit()
    assert attempt.kind == "checkpoint"
    assert db.session.scalar(select(func.count(Evidence.id))) == 0
    page = text_of(client.get(f"/attempts/{attempt.id}/result"))
    assert "Lesson to revisit" in page and built.lessons[0].title in page
    assert "General-charlie" in page  # the general feedback
    assert "Answers that earn marks" not in page and "Feedback-" not in page  # not the keys


def test_a_checkpoint_draws_only_the_questions_of_its_own_module_competencies(db, create_course):
    built = checkpoint_course(create_course)
    module_codes = set(built.quiz.module.competency_codes)
    pool = attempts.quiz_pool(built.quiz.quiz, built.course.id)
    assert pool and {q.competency_code for q in pool} <= module_codes
    outside = [q for q in built.questions if q.competency_code not in module_codes]
    assert outside, "the default bank has questions of other competencies"
    assert not {q.id for q in outside} & {q.id for q in pool}


def test_publishing_a_leaky_assessment_is_refused_naming_the_quiz(db, create_course):
    built = create_course(lessons=1, published=False)
    quiz = db.session.get(Quiz, built.quiz.id)
    quiz.review_shows, quiz.review_when = "keys", "immediately"  # as a row written before
    with pytest.raises(PublicationProblems) as refused:
        publishing.set_status(built.course, "published")
    assert f"Quiz '{built.quiz.title}' {LEAK}" in " ".join(refused.value.problems)


def test_the_quiz_form_refuses_a_leaky_assessment_with_its_message(
    db, trainer_client, build_course
):
    built = build_course()
    url = f"/author/courses/{built.course.id}/quizzes/{built.quiz.id}"
    fields = {
        "title": "Final assessment",
        "kind": "assessment",
        "pass_mark": "70",
        "attempts_allowed": "3",
        "draw_mode": "all",
        "review_shows": "keys",
        "review_when": "immediately",
    }
    refused = submit(trainer_client, url, fields)
    assert refused.status_code in {200, 400}
    assert f"Quiz &#39;Final assessment&#39; {LEAK}" in text_of(refused)
    assert db.session.get(Quiz, built.quiz.id).review_shows != "keys"
    fields["review_when"] = "after_last_attempt"
    assert submit(trainer_client, url, fields).status_code == 302


def leaky_catalogue(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue" / "P-INT-101"
    shutil.copytree(CATALOGUE / "P-INT-101", folder)
    manifest = json.loads((folder / "course.json").read_text())
    final = manifest["modules"][-1]["items"][-1]
    final["review"] = {"shows": "keys", "when": "immediately"}
    (folder / "course.json").write_text(json.dumps(manifest))
    return folder.parent


def test_the_catalogue_load_and_a_course_file_refuse_a_leaky_assessment(db, author_unit, tmp_path):
    ensure_default_frameworks()
    with pytest.raises(CourseFileErrors) as refused:
        load_catalogue(author_unit.id, publish=True, path=leaky_catalogue(tmp_path))
    [problem] = refused.value.problems
    assert "quiz 'Integrity assessment' is an assessment that would show its answer keys" in (
        problem
    )
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_a_course_zip_with_a_leaky_assessment_is_refused(db, trainer_client, tmp_path):
    ensure_default_frameworks()
    folder = leaky_catalogue(tmp_path) / "P-INT-101"
    archive = shutil.make_archive(str(tmp_path / "course"), "zip", folder)

    response = upload(trainer_client, "/author/import", "course.zip", Path(archive).read_bytes())
    page = text_of(response)
    assert "Integrity assessment" in page and "answer keys" in page
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_a_checkpoint_showing_keys_an_assessment_also_draws_is_refused(db, create_course):
    built = checkpoint_course(create_course)
    built.quiz.quiz.review_shows = "keys"
    db.session.refresh(built.course)
    assert publishing.publication_problems(built.course) == []  # no assessment draws them
    quizzes.add_quiz(built.quiz.module, "Final assessment", quizzes.QuizSettings())
    db.session.refresh(built.course)
    problems = publishing.publication_problems(built.course)
    assert any(
        p.startswith(f"Checkpoint '{built.quiz.title}' would show the answer keys")
        for p in problems
    )


@pytest.mark.parametrize(
    ("draw", "levels", "expected"),
    [
        ({"1": 4}, [1] * 4, (4.0, 4)),  # the whole level each time
        ({"1": 4}, [1] * 8, (2.0, 4)),  # 4²/8
        ({"1": 3, "2": 3, "3": 1}, [1] * 4 + [2] * 5 + [3] * 2, (9 / 4 + 9 / 5 + 1 / 2, 7)),
    ],
)
def test_the_expected_overlap_of_two_draws_is_k_squared_over_n_per_level(draw, levels, expected):
    quiz = Quiz(draw_mode="per_level", draw_per_level=draw)
    pool = [publishing._BankRow(i, "", level, None) for i, level in enumerate(levels)]
    shared, drawn = expected_overlap(quiz, pool)
    assert (round(shared, 6), drawn) == (round(expected[0], 6), expected[1])


def test_publishing_warns_when_consecutive_draws_overlap_heavily(db, create_course):
    built = create_course(lessons=1, attempts_allowed=3)  # every question, every attempt
    [warning] = publishing.publication_warnings(built.course)
    n = len(DEFAULT_BANK)
    assert warning == (
        f"Assessment '{built.quiz.title}': two consecutive attempts share on average "
        f"{n:.1f} of their {n} questions (100 %): the bank is too small for the draw; "
        "add questions or draw fewer."
    )
