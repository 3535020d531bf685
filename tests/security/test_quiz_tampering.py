"""Quizzes keep their keys, and grading takes nothing from the officer but answers.

Also proving these points: tests/courses/test_quiz_secrecy.py (the attempt page carries no key,
choices are named by their shown position), tests/courses/test_refusals.py (a second submit,
a late submit and another officer's attempt are refused; a posted score is ignored) and
tests/courses/test_learning_pages.py (each review option). Here: every page an officer can
reach, before and after submitting; the fields, replays, late submits and choices an attacker
would try; and multiple-response questions that ticking every box would pass.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from competencies.models import Evidence
from courses.authoring.services.questions import QuestionInput, bank_of
from courses.learning.models import Attempt
from courses.learning.services.attempts import submit_grace
from lms.extensions import db
from lms.timeutil import utcnow
from tests.courses.authoring_fixtures import question_form
from tests.courses.conftest import DEFAULT_BANK, answers_for, attempt_id_from
from tests.security.conftest import Cast
from tests.security.helpers import browser_as, get_routes, token_of


def key_texts(bank: tuple[QuestionInput, ...]) -> list[str]:
    """Everything of a bank that only a review may show: feedback, accepted answers, values."""
    found: list[str] = []
    for question in bank:
        found.append(question.general_feedback)
        data: dict[str, Any] = question.data
        for key in ("feedback_right", "feedback_wrong"):
            found.append(data.get(key, ""))
        for choice in data.get("choices", []):
            found.append(choice.get("feedback", ""))
        for answer in data.get("answers", []):
            found += [answer.get("feedback", ""), str(answer.get("text", ""))]
            if "value" in answer:
                found.append(f"{answer['value']:g}")
    return [text for text in found if text]


def start(browser, course_id: int, item_id: int) -> int:
    url = f"/courses/{course_id}/items/{item_id}"
    response = browser.post(f"{url}/attempts", data={"csrf_token": token_of(browser, url)})
    return attempt_id_from(response)


def submit(browser, attempt_id: int, form: dict[str, Any]):
    token = token_of(browser, "/my/learning")
    return browser.post(f"/attempts/{attempt_id}/submit", data={**form, "csrf_token": token})


def officer_pages(cast: Cast, built, attempt_id: int) -> list[str]:
    """Every page an officer can open: the walk's, and this course's."""
    pages = [cast.world.url(url) for _, url, statuses in get_routes() if statuses["officer"] == 200]
    course = built.course.id
    pages += [f"/courses/{course}", f"/courses/{course}/items/{built.quiz.id}"]
    pages += [f"/attempts/{attempt_id}", f"/attempts/{attempt_id}/result"]
    return pages


@pytest.mark.parametrize(
    ("shows", "when"),
    [
        ("score", "immediately"),
        ("marks", "immediately"),  # the assessment default: right or wrong, no feedback
        ("keys", "after_last_attempt"),
        ("keys", "after_close"),  # the quiz closes next week
        ("keys", "never"),
    ],
)
def test_no_key_reaches_an_officer_before_the_review_allows(
    shows, when, app, cast: Cast, login_as, create_course
):
    """An assessment showing the score, the marks, or the keys later or never, with attempts
    left: on no page the officer can reach, before or after submitting, is there a feedback, an
    accepted answer or a numeric key. (The walk's pages include the catalogue, the outline,
    the profile.)"""
    built = create_course(
        lessons=1,
        review_shows=shows,
        review_when=when,
        closes_at=utcnow() + timedelta(days=7),
        attempts_allowed=3,
    )
    secrets = key_texts(DEFAULT_BANK)
    browser = browser_as(app, login_as, cast.officer_a)
    attempt_id = start(browser, built.course.id, built.quiz.id)
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    for stage in ("before submitting", "after submitting"):
        if stage == "after submitting":
            response = submit(browser, attempt_id, answers_for(snapshot, right=False))
            assert response.status_code == 302
        for url in officer_pages(cast, built, attempt_id):
            response = browser.get(url, follow_redirects=True)
            page = response.data.decode("utf-8", "replace")
            response.close()
            leaked = [secret for secret in secrets if secret in page]
            assert leaked == [], (stage, url)
    assert db.session.get(Attempt, attempt_id).status == "graded"


def test_fields_beyond_the_answers_are_ignored(app, cast: Cast, login_as, create_course):
    """Score, result, status, timing and ownership fields, and another officer's attempt id
    in the body: the attempt in the URL is graded on its answers alone; the other attempt is
    untouched."""
    built = create_course(lessons=1, review_shows="score")
    victim = browser_as(app, login_as, cast.officer_b)
    victim_attempt = start(victim, built.course.id, built.quiz.id)
    browser = browser_as(app, login_as, cast.officer_a)
    attempt_id = start(browser, built.course.id, built.quiz.id)
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    forged = {
        "score": "100",
        "passed": "true",
        "status": "graded",
        "pass_mark": "0",
        "results": '[{"key": "q1", "fraction": 1}]',
        "answers": "{}",
        "submitted_at": "2000-01-01T00:00:00",
        "deadline_at": "2999-01-01T00:00:00",
        "number": "1",
        "user_id": str(cast.officer_b.id),
        "attempt_id": str(victim_attempt),
        "attempt": str(victim_attempt),
        "item_id": str(built.quiz.id),
        "answer-q99": "anything",
    }
    response = submit(browser, attempt_id, {**answers_for(snapshot, right=False), **forged})
    assert response.headers["Location"] == f"/attempts/{attempt_id}/result"
    db.session.expire_all()
    mine = db.session.get(Attempt, attempt_id)
    assert (mine.status, mine.score, mine.passed, mine.pass_mark) == ("graded", 0.0, False, 70)
    assert set(mine.answers) == {entry["key"] for entry in snapshot}
    theirs = db.session.get(Attempt, victim_attempt)
    assert (theirs.status, theirs.score, theirs.answers) == ("in_progress", None, {})


def test_a_replayed_submit_grades_once_and_adds_evidence_once(
    app, cast: Cast, login_as, create_course
):
    """The same POST, token and all, sent three times (a double click, a proxy retry, an
    attacker replaying a captured request); and the start sent twice."""
    built = create_course(lessons=1, review_shows="score", attempts_allowed=0)
    browser = browser_as(app, login_as, cast.officer_a)
    attempt_id = start(browser, built.course.id, built.quiz.id)
    assert start(browser, built.course.id, built.quiz.id) == attempt_id  # still the open one
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    data = {**answers_for(snapshot, right=True), "csrf_token": token_of(browser, "/my/learning")}
    outcomes = [browser.post(f"/attempts/{attempt_id}/submit", data=data) for _ in range(3)]
    assert [r.status_code for r in outcomes] == [302, 302, 302]
    result = browser.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "already been submitted and graded" in result
    evidence = db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.attempt_id == attempt_id)
    )
    tagged = {entry["competency_code"] for entry in snapshot if entry["competency_code"]}
    assert evidence == len(tagged)
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.score, attempt.number) == (100.0, 1)
    assert (
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.item_id == built.quiz.id))
        == 1
    )


def test_answers_naming_hidden_choices_earn_nothing(app, cast: Cast, login_as, create_course):
    """The bank's own choice ids (c1: the author's right answer) and every option at once
    for a single-choice question: neither is a right answer."""
    single = DEFAULT_BANK[0]
    built = create_course(lessons=1, bank=(single,), review_shows="score")
    browser = browser_as(app, login_as, cast.officer_a)
    for values in (["c1"], ["o1", "o2", "o3"][::-1], ["c1", "c2", "c3"]):
        attempt_id = start(browser, built.course.id, built.quiz.id)
        snapshot = db.session.get(Attempt, attempt_id).snapshot
        right = next(c["id"] for c in snapshot[0]["frozen"]["choices"] if c["fraction"] == 1)
        if values[0] == right:  # every option, the right one first, is a legitimate answer
            values = values[1:] + values[:1]
        submit(browser, attempt_id, {f"answer-{snapshot[0]['key']}": values})
        db.session.expire_all()
        assert db.session.get(Attempt, attempt_id).score == 0.0, values


def test_ticking_every_box_of_a_multiple_response_question_earns_nothing(
    app, cast: Cast, login_as, create_course
):
    """A multiple-response question must cost marks for its wrong choices: otherwise ticking
    every box earns full marks. The bank refuses such a question (see
    test_a_question_where_ticking_every_box_scores_is_refused), and the default bank's
    question scores 0 for every box ticked."""
    multiple = DEFAULT_BANK[1]
    built = create_course(lessons=1, bank=(multiple,), review_shows="score")
    browser = browser_as(app, login_as, cast.officer_a)
    attempt_id = start(browser, built.course.id, built.quiz.id)
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    every = [c["id"] for c in snapshot[0]["frozen"]["choices"]]
    submit(browser, attempt_id, {f"answer-{snapshot[0]['key']}": every})
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).score == 0.0


def test_a_question_where_ticking_every_box_scores_is_refused(
    app, cast: Cast, login_as, create_course
):
    """Wrong choices weighted 0 (or penalties too small) would let an officer tick every box
    for marks: the bank refuses the question, naming what ticking everything would score."""
    built = create_course(lessons=1, published=False)
    browser = browser_as(app, login_as, cast.trainer_a)
    url = f"/author/courses/{built.course.id}/questions/new"
    questions_before = len(built.questions)
    for weights, score in ((("50", "50", "0"), "100%"), (("50", "50", "-40"), "60%")):
        form = question_form(
            "multiple_response",
            "Which are reform principles?",
            choices=list(
                zip(("Transparency", "Predictability", "Secrecy"), weights, "   ", strict=True)
            ),
        )
        response = browser.post(url, data={**form, "csrf_token": token_of(browser, url)})
        assert response.status_code == 400
        assert f"Ticking every box would score {score}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(bank_of(built.course)) == questions_before


def test_a_late_submit_is_refused_whatever_the_form_claims(
    app, cast: Cast, login_as, create_course
):
    """After the deadline and its grace, right answers with a forged later deadline and start
    are refused; the attempt closes with no score (tests/courses/test_refusals.py shows the
    officer's message)."""
    built = create_course(lessons=1, time_limit_minutes=5, review_shows="score")
    browser = browser_as(app, login_as, cast.officer_a)
    attempt_id = start(browser, built.course.id, built.quiz.id)
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() - submit_grace() - timedelta(seconds=1)
    db.session.commit()
    forged = {"deadline_at": "2999-01-01 00:00:00", "started_at": utcnow().isoformat()}
    submit(browser, attempt_id, {**answers_for(attempt.snapshot, right=True), **forged})
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.score, attempt.passed, attempt.answers) == (
        "expired",
        0.0,
        False,
        {},
    )
