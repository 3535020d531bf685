"""The officer's learning loop, end to end through the pages (issue 3, done-when 1)."""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.learning.models import Attempt, CourseEnrolment, ItemProgress
from tests.courses.conftest import answers_for, attempt_id_from, post_form


def test_officer_finds_reads_passes_and_completes_a_course(
    client, db, login_as, officer, create_course
):
    built = create_course(
        lessons=1,
        title="Integrity at the border",
        review_shows="keys",
        review_when="after_last_attempt",
    )
    create_course(lessons=1, title="Draft course nobody sees", published=False)
    course, lesson, quiz = built.course, built.lessons[0], built.quiz
    login_as(officer)

    home = client.get("/")
    assert home.headers["Location"].endswith("/my/learning")

    catalogue = client.get("/courses?principle=P-INT").get_data(as_text=True)
    assert "Integrity at the border" in catalogue
    assert "Draft course nobody sees" not in catalogue
    assert "0% done (0 of 2 required items)" in catalogue

    outline = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Lesson 1" in outline and "Check your understanding" in outline
    assert "Start the course" in outline

    page = client.get(f"/courses/{course.id}/items/{lesson.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>first</strong>" in html
    assert "This lesson is marked as read." in html
    assert db.session.get(ItemProgress, (officer.id, lesson.id)) is not None

    quiz_url = f"/courses/{course.id}/items/{quiz.id}"
    landing = client.get(quiz_url).get_data(as_text=True)
    assert "Pass mark" in landing and "70%" in landing
    assert "20 minutes" in landing
    assert "0 used of 3; 3 left" in landing

    started = post_form(client, f"{quiz_url}/attempts", quiz_url)
    assert started.status_code == 302
    attempt_id = attempt_id_from(started)
    quiz_page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Submit by" in quiz_page and "UTC" in quiz_page

    attempt = db.session.get(Attempt, attempt_id)
    form = answers_for(attempt.snapshot, right=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', quiz_page).group(1)
    submitted = client.post(f"/attempts/{attempt_id}/submit", data={**form, "csrf_token": token})
    assert submitted.status_code == 302
    assert submitted.headers["Location"].endswith(f"/attempts/{attempt_id}/result")

    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "100%" in result and "passed" in result
    assert "Single choice" in result and "Numeric" in result  # the grading rules used
    assert "Feedback-alpha" in result  # the keys, once passed

    outline = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "100% done (2 of 2 required items)" in outline
    assert '<progress max="100" value="100"' in outline
    assert "You completed this course on" in outline

    mine = client.get("/my/learning").get_data(as_text=True)
    completed = mine.split("Completed courses", 1)[1].split("Recent quiz results", 1)[0]
    assert "Integrity at the border" in completed
    enrolment = db.session.get(CourseEnrolment, (officer.id, course.id))
    assert enrolment.completed_at.strftime("%Y-%m-%d") in completed
    assert "Check your understanding" in mine.split("Recent quiz results", 1)[1]
    assert db.session.scalar(select(Attempt.score).where(Attempt.id == attempt_id)) == 100.0
