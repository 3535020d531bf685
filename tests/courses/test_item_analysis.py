"""Item analysis from real graded attempts: what is stored, in how many queries, when the beat
job asks for it again, and the trainer's page and CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from courses.authoring.services.item_analysis_report import CSV_HEADERS
from courses.learning.item_statistics import TOO_FEW_ATTEMPTS
from courses.learning.models import CourseItem, ItemAnalysis
from courses.learning.services import attempts as attempt_service
from courses.learning.services import item_analysis
from lms.timeutil import utcnow
from tests.courses.conftest import NUMERIC, SINGLE, TRUE_FALSE, answers_for

BANK = (SINGLE, TRUE_FALSE, NUMERIC)


@pytest.fixture
def quiz_course(create_course, trainer_of):
    return create_course(bank=BANK, unit=trainer_of.unit)


@pytest.fixture
def trainer_of(create_user, create_unit, root_unit):
    centre = create_unit(
        "ITC", name="Item Training Centre", parent=root_unit, kind="training_centre"
    )
    return create_user("items@customs.example", roles=("trainer",), unit=centre)


@pytest.fixture
def grade(db, create_user):
    """grade(quiz, right=True): a new officer's graded attempt, all right or all wrong."""
    counter = iter(range(1, 10_000))

    def run(quiz, *, right: bool = True):
        officer = create_user(f"analysed{next(counter)}@customs.example", roles=("officer",))
        attempt = attempt_service.start_attempt(officer.id, quiz)
        attempt_service.submit_attempt(
            officer.id, attempt.id, answers_for(attempt.snapshot, right=right)
        )
        db.session.commit()
        return attempt

    return run


def by_type(analysis: ItemAnalysis) -> dict[str, object]:
    return {question.qtype: question for question in analysis.questions}


def test_the_graded_attempts_give_the_stored_figures(db, quiz_course, grade, create_user):
    quiz = quiz_course.quiz
    grade(quiz)
    grade(quiz)
    grade(quiz, right=False)
    unfinished = create_user("unfinished@customs.example", roles=("officer",))
    attempt_service.start_attempt(unfinished.id, quiz)  # not graded: not counted
    db.session.commit()

    analysis = item_analysis.compute_item_analysis(quiz.id)
    db.session.commit()

    assert analysis.attempts == 3
    assert analysis.mean_score == pytest.approx(200 / 3, abs=0.01)
    questions = by_type(analysis)
    assert set(questions) == {"single_choice", "true_false", "numeric"}
    for question in analysis.questions:
        assert question.attempts == 3
        assert question.facility == pytest.approx(2 / 3)
        assert question.discrimination == pytest.approx(1.0)  # right on one, right on all
        assert question.flags == [TOO_FEW_ATTEMPTS]
    single = questions["single_choice"]
    assert single.text == "Which body adopted the Revised Kyoto Convention?"
    assert single.competency_code == "P-STD"
    picks = {choice["key"]: choice["picked"] for choice in single.choices}
    shown = {choice["key"]: choice["shown"] for choice in single.choices}
    assert shown == {"c1": 3, "c2": 3, "c3": 3}  # the bank's ids, whatever the shuffle
    assert picks["c1"] == 2 and picks["c2"] + picks["c3"] == 1
    true_false = questions["true_false"]
    assert {c["key"]: (c["picked"], c["fraction"]) for c in true_false.choices} == {
        "true": (2, 1.0),
        "false": (1, 0.0),
    }
    assert questions["numeric"].choices is None


def test_computing_again_replaces_the_figures(db, quiz_course, grade):
    quiz = quiz_course.quiz
    grade(quiz)
    item_analysis.compute_item_analysis(quiz.id)
    db.session.commit()
    grade(quiz, right=False)

    analysis = item_analysis.compute_item_analysis(quiz.id)
    db.session.commit()

    assert analysis.attempts == 2
    assert len(analysis.questions) == 3
    assert {question.facility for question in analysis.questions} == {0.5}


def test_the_reading_costs_the_same_queries_for_2_attempts_as_for_8(
    db, quiz_course, grade, count_queries
):
    quiz, item_id = quiz_course.quiz, quiz_course.quiz.id
    grade(quiz)
    item_analysis.compute_item_analysis(item_id)  # the first stores the quiz's row
    db.session.commit()
    grade(quiz)
    db.session.expire_all()
    with count_queries() as few:
        item_analysis.compute_item_analysis(item_id)
    db.session.commit()
    for right in (True, False, True, False, True, False):
        grade(db.session.get(CourseItem, item_id), right=right)
    db.session.expire_all()
    with count_queries() as many:
        analysis = item_analysis.compute_item_analysis(item_id)
    db.session.commit()
    assert analysis.attempts == 8
    assert many.count == few.count


def test_the_beat_asks_once_per_quiz_until_new_attempts_are_graded(db, quiz_course, grade):
    """Many gradings, one computation: a quiz is asked for while its graded attempts differ
    from its figures', and not again while that computation is pending."""
    quiz = quiz_course.quiz
    for _ in range(3):
        grade(quiz)
    now = utcnow()
    wanted = item_analysis.quizzes_to_analyse(now)
    assert wanted == [(quiz.id, quiz.course_id)]

    item_analysis.mark_queued(wanted, now)
    db.session.commit()
    assert item_analysis.quizzes_to_analyse(now) == []  # pending
    grade(quiz)
    assert item_analysis.quizzes_to_analyse(utcnow()) == []  # still pending: one computation

    item_analysis.compute_item_analysis(quiz.id)
    db.session.commit()
    assert item_analysis.quizzes_to_analyse(utcnow()) == []  # up to date (4 attempts)
    grade(quiz)
    assert item_analysis.quizzes_to_analyse(utcnow()) == [(quiz.id, quiz.course_id)]


def test_a_computation_lost_on_the_way_is_asked_for_again(db, quiz_course, grade):
    quiz = quiz_course.quiz
    grade(quiz)
    asked = utcnow() - item_analysis.REQUEUE_AFTER - timedelta(seconds=1)
    item_analysis.mark_queued([(quiz.id, quiz.course_id)], asked)
    db.session.commit()
    assert item_analysis.quizzes_to_analyse(utcnow()) == [(quiz.id, quiz.course_id)]


def test_the_trainer_reads_the_figures_and_their_csv(
    db, client, login_as, quiz_course, grade, trainer_of
):
    quiz = quiz_course.quiz
    grade(quiz)
    grade(quiz, right=False)
    item_analysis.compute_item_analysis(quiz.id)
    db.session.commit()
    grade(quiz)
    login_as(trainer_of)
    base = f"/author/courses/{quiz.course_id}/quizzes/{quiz.id}/analysis"

    outline = client.get(f"/author/courses/{quiz.course_id}").get_data(as_text=True)
    assert base in outline
    page = client.get(base)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "from 2 graded attempts" in text
    assert "There are 3 graded attempts now" in text
    assert "Which body adopted the Revised Kyoto Convention?" in text
    assert "50.0 %" in text  # facility
    assert "too few attempts to judge" in text
    assert "Below 20 attempts" in text  # the cut-offs are stated
    assert "The World Customs Organization" in text

    exported = client.get(f"{base}.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    single = [row for row in rows if row["Type"] == "single_choice"]
    assert [row["Choice"] for row in single] == [
        "The World Customs Organization",
        "The World Trade Organization",
        "The Universal Postal Union",
    ]
    assert {row["Attempts"] for row in rows} == {"2"}
    assert {row["Facility (%)"] for row in rows} == {"50.0"}
    assert len([row for row in rows if row["Type"] == "numeric"]) == 1


def test_before_any_grading_the_page_says_so(client, login_as, quiz_course, trainer_of):
    login_as(trainer_of)
    quiz = quiz_course.quiz
    page = client.get(f"/author/courses/{quiz.course_id}/quizzes/{quiz.id}/analysis")
    assert "No graded attempts yet" in page.get_data(as_text=True)
    exported = client.get(f"/author/courses/{quiz.course_id}/quizzes/{quiz.id}/analysis.csv")
    header = exported.get_data().decode("utf-8-sig").splitlines()
    assert header == [",".join(CSV_HEADERS)]
    assert header[0].startswith("Quiz,Position,Question id,Question,Type,")


def test_a_lesson_has_no_item_analysis(client, login_as, quiz_course, trainer_of):
    login_as(trainer_of)
    lesson = quiz_course.lessons[0]
    page = client.get(f"/author/courses/{lesson.course_id}/quizzes/{lesson.id}/analysis")
    assert page.status_code == 404
