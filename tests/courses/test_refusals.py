"""Submits the server refuses, and a posted score that it ignores."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from courses.learning.models import Attempt
from courses.learning.services.attempts import submit_grace
from lms.timeutil import utcnow
from tests.courses.conftest import answers_for, attempt_id_from, post_form


def start(client, built) -> int:
    url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    return attempt_id_from(post_form(client, f"{url}/attempts", url))


def submit(client, db, attempt_id: int, *, right: bool = True, extra: dict | None = None):
    form = answers_for(db.session.get(Attempt, attempt_id).snapshot, right=right)
    return post_form(
        client, f"/attempts/{attempt_id}/submit", "/my/learning", {**form, **(extra or {})}
    )


def test_a_second_submit_is_refused_and_the_score_stays(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1)
    login_as(officer)
    attempt_id = start(client, built)
    assert submit(client, db, attempt_id, right=True).status_code == 302
    assert db.session.get(Attempt, attempt_id).score == 100.0

    again = submit(client, db, attempt_id, right=False)
    assert again.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "already been submitted and graded" in page
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.score, attempt.passed, attempt.status) == (100.0, True, "graded")


def test_a_late_submit_is_refused_with_a_clear_message_and_closes_the_attempt(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1, time_limit_minutes=10)
    login_as(officer)
    attempt_id = start(client, built)
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() - submit_grace() - timedelta(seconds=5)
    db.session.commit()

    late = submit(client, db, attempt_id, right=True)
    assert late.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "arrived too late and were not accepted" in page
    assert "The time limit ran out before your answers were submitted" in page
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.score, attempt.passed) == ("expired", 0.0, False)
    assert attempt.answers == {}
    # The closed attempt counts: the quiz page offers the next one.
    landing = client.get(f"/courses/{built.course.id}/items/{built.quiz.id}")
    assert "Start attempt 2" in landing.get_data(as_text=True)


def test_an_overdue_attempt_page_closes_it_and_says_why(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1, time_limit_minutes=10)
    login_as(officer)
    attempt_id = start(client, built)
    db.session.get(Attempt, attempt_id).deadline_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    response = client.get(f"/attempts/{attempt_id}")
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "It is closed with no score." in page
    assert db.session.get(Attempt, attempt_id).status == "expired"


def test_another_officers_attempt_is_refused_and_left_as_it_was(
    app, client, db, login_as, officer, other_officer, create_course
):
    built = create_course(lessons=1)
    login_as(officer)
    attempt_id = start(client, built)
    intruder = login_as(other_officer, on=app.test_client())

    for url in (f"/attempts/{attempt_id}", f"/attempts/{attempt_id}/result"):
        response = intruder.get(url)
        assert response.status_code == 403
        assert "This attempt belongs to another officer." in response.get_data(as_text=True)
    refused = submit(intruder, db, attempt_id, right=True)
    assert refused.status_code == 403
    assert "This attempt belongs to another officer." in refused.get_data(as_text=True)

    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.score, attempt.answers) == ("in_progress", None, {})
    mine = intruder.get("/my/learning").get_data(as_text=True)
    assert built.course.title not in mine
    # The owner can still submit it.
    assert submit(client, db, attempt_id, right=True).status_code == 302
    assert db.session.get(Attempt, attempt_id).score == 100.0


def test_posted_score_and_status_fields_are_ignored(client, db, login_as, officer, create_course):
    built = create_course(lessons=1)
    login_as(officer)
    attempt_id = start(client, built)
    submit(
        client,
        db,
        attempt_id,
        right=False,
        extra={"score": "100", "passed": "true", "status": "graded", "pass_mark": "0"},
    )
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.score, attempt.passed, attempt.pass_mark) == (0.0, False, 70)
    page = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "not passed" in page


def test_a_quiz_with_no_attempts_left_says_so(client, db, login_as, officer, create_course):
    built = create_course(lessons=1, attempts_allowed=1)
    login_as(officer)
    attempt_id = start(client, built)
    submit(client, db, attempt_id, right=False)
    url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    refused = post_form(client, f"{url}/attempts", url)
    assert refused.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert page.count("You have used all the attempts this quiz allows.") == 2  # flash + page
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
