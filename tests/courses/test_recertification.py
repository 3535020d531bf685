"""Recertification runs to its end: an officer sent back to a course when their certificate
expires takes its quizzes again with the full allowance, and earns the next cycle's
certificate. Earlier attempts and the expired certificate stay."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from courses.authoring.services import authored_courses
from courses.certificates.models import Certificate
from courses.certificates.services.expiry import expire_certificates
from courses.learning.models import Attempt, CourseEnrolment
from courses.learning.models.questions import ReviewShows
from courses.learning.services import attempts
from courses.learning.services.progress import mark_item_done
from lms.extensions import db
from tests.courses.certificate_helpers import issue, request_of
from tests.courses.conftest import BuiltCourse, answers_for, attempt_id_from, post_form


def recertified_course(create_course, **quiz_settings) -> BuiltCourse:
    """A published course of one lesson and a quiz of three attempts, whose certificates are
    valid 24 months and renewed by recertification."""
    built = create_course(lessons=1, attempts_allowed=3, **quiz_settings)
    course = built.course
    authored_courses.update_course(
        course,
        authored_courses.CourseDetails(
            course.code, course.title, course.summary, 24, recertify=True
        ),
    )
    db.session.commit()
    return built


def take_quiz(officer_id: int, built: BuiltCourse, *, right: bool) -> Attempt:
    attempt = attempts.start_attempt(officer_id, built.quiz)
    attempts.submit_attempt(officer_id, attempt.id, answers_for(attempt.snapshot, right=right))
    db.session.commit()
    return attempt


def certificates_of(officer_id: int, built: BuiltCourse) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == officer_id, Certificate.course_id == built.course.id)
            .order_by(Certificate.cycle)
        )
    )


def test_a_second_cycle_gives_the_quiz_its_full_allowance_and_a_new_certificate(
    db, client, login_as, create_course, officer
):
    built = recertified_course(create_course)
    course, quiz = built.course, built.quiz
    quiz_url = f"/courses/{course.id}/items/{quiz.id}"

    # Cycle 1: the lesson read, the quiz failed twice and passed on the last attempt allowed.
    mark_item_done(officer.id, built.lessons[0])
    for right in (False, False, True):
        take_quiz(officer.id, built, right=right)
    assert issue(request_of(officer.id, course).id) == "issued"
    [first] = certificates_of(officer.id, built)
    login_as(officer)
    landing = client.get(quiz_url).get_data(as_text=True)
    assert "3 used of 3; 0 left" in landing
    assert "You have used all the attempts this quiz allows." in landing

    # The daily job, a day after the certificate's 24 months, sends the officer back.
    later = first.expires_at + timedelta(days=1)
    outcome = expire_certificates(due_days=60, now=later)
    db.session.commit()
    assert outcome.recertifications == {course.id: [officer.id]}
    enrolment = db.session.get(CourseEnrolment, (officer.id, course.id))
    assert (enrolment.cycle, enrolment.completed_at) == (2, None)

    # Cycle 2: the full allowance again, with the first cycle's attempts still listed.
    landing = client.get(quiz_url).get_data(as_text=True)
    assert "Attempts in this certification cycle" in landing
    assert "0 used of 3; 3 left" in landing
    assert "You have used all the attempts" not in landing
    assert "Start attempt 4" in landing
    assert re.search(r"Attempt 3</a>\s*</td>\s*<td class=\"num\">1</td>", landing)
    assert "no graded attempt yet" in landing  # the best score is this cycle's

    started = post_form(client, f"{quiz_url}/attempts", quiz_url)
    attempt = db.session.get(Attempt, attempt_id_from(started))
    assert (attempt.number, attempt.cycle) == (4, 2)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = answers_for(attempt.snapshot, right=True)
    client.post(f"/attempts/{attempt.id}/submit", data={**form, "csrf_token": token})
    # The quiz now sits beside an unread lesson: the cycle cleared the lesson's progress too.
    assert db.session.get(CourseEnrolment, (officer.id, course.id)).completed_at is None
    client.get(f"/courses/{course.id}/items/{built.lessons[0].id}")
    assert db.session.get(CourseEnrolment, (officer.id, course.id)).completed_at is not None

    landing = client.get(quiz_url).get_data(as_text=True)
    assert "1 used of 3; 2 left" in landing
    request = request_of(officer.id, course)
    assert (request.status, request.cycle) == ("pending", 2)
    assert issue(request.id) == "issued"
    first_again, second = certificates_of(officer.id, built)
    assert (first_again.cycle, first_again.expired_at) == (1, later)
    assert (second.cycle, second.expired_at, second.revoked_at) == (2, None, None)
    assert second.code != first.code
    # History is kept: all four attempts, the first three in cycle 1.
    rows = db.session.scalars(
        select(Attempt).where(Attempt.user_id == officer.id).order_by(Attempt.number)
    ).all()
    assert [(a.number, a.cycle, a.passed) for a in rows] == [
        (1, 1, False),
        (2, 1, False),
        (3, 1, True),
        (4, 2, True),
    ]


def test_an_attempt_left_open_when_the_cycle_ends_is_closed_and_earlier_answers_stay_visible(
    db, client, login_as, create_course, officer
):
    built = recertified_course(
        create_course, review_shows=ReviewShows.FEEDBACK.value, review_when="after_last_attempt"
    )
    mark_item_done(officer.id, built.lessons[0])
    failed = take_quiz(officer.id, built, right=False)
    take_quiz(officer.id, built, right=True)
    assert issue(request_of(officer.id, built.course).id) == "issued"
    left_open = attempts.start_attempt(officer.id, built.quiz)  # a third try, never submitted
    db.session.commit()
    [certificate] = certificates_of(officer.id, built)

    expire_certificates(due_days=60, now=certificate.expires_at + timedelta(days=1))
    db.session.commit()
    db.session.refresh(left_open)
    assert (left_open.status, left_open.score, left_open.passed) == ("expired", 0.0, False)
    current = attempts.allowance(officer.id, built.quiz)
    assert (current.cycle, current.used, current.left, current.in_progress) == (2, 0, 3, None)

    # Answers shown once a cycle closes stay shown in the next one, whose quiz is still open.
    login_as(officer)
    result = client.get(f"/attempts/{failed.id}/result").get_data(as_text=True)
    assert "belongs to certification cycle 1; you are now in cycle 2" in result
    assert "General-charlie" in result
