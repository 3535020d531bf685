"""The officer's pages: who reaches them, what an unpublished course looks like, filters,
review options and the dashboard."""

from __future__ import annotations

from sqlalchemy import func, select

from courses.authoring.services import publishing, structure
from courses.learning.models import Attempt, CourseEnrolment
from tests.courses.conftest import answers_for, attempt_id_from, post_form


def start(client, built) -> int:
    url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    return attempt_id_from(post_form(client, f"{url}/attempts", url))


def submit(client, db, attempt_id: int, *, right: bool) -> None:
    form = answers_for(db.session.get(Attempt, attempt_id).snapshot, right=right)
    post_form(client, f"/attempts/{attempt_id}/submit", "/my/learning", form)


def test_officers_land_on_my_learning_and_see_its_navigation(
    app, client, login_as, officer, create_user
):
    login_as(officer)
    assert client.get("/").headers["Location"].endswith("/my/learning")
    html = client.get("/my/learning").get_data(as_text=True)
    assert '<a href="/my/learning" aria-current="page">My learning</a>' in html
    assert '<a href="/courses">Catalogue</a>' in html
    assert "You have no course in progress." in html
    hr = login_as(create_user(roles=("hr",)), on=app.test_client())
    assert not hr.get("/").headers["Location"].endswith("/my/learning")
    page = hr.get("/me").get_data(as_text=True)
    assert "My learning" not in page and '<a href="/courses">' not in page


def test_learning_pages_are_for_officers_only(app, client, login_as, create_user, create_course):
    built = create_course(lessons=1)
    urls = ["/courses", f"/courses/{built.course.id}", "/my/learning"]
    for url in urls:
        assert client.get(url).headers["Location"].startswith("/login")
    for roles in (("trainer",), ("hr",), ("admin",)):
        browser = login_as(create_user(roles=roles), on=app.test_client())
        for url in urls:
            assert browser.get(url).status_code == 403, (roles, url)


def test_an_unpublished_course_is_not_found_for_officers(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1)
    other = create_course(lessons=1)
    login_as(officer)
    item_url = f"/courses/{built.course.id}/items/{built.lessons[0].id}"
    assert client.get(item_url).status_code == 200
    # An item named under the wrong course is not found either.
    assert client.get(f"/courses/{other.course.id}/items/{built.lessons[0].id}").status_code == 404

    publishing.set_status(db.session.merge(built.course), "draft")
    db.session.commit()
    quiz_url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    for url in (f"/courses/{built.course.id}", item_url, quiz_url):
        assert client.get(url).status_code == 404, url
    assert post_form(client, f"{quiz_url}/attempts", "/my/learning").status_code == 404
    assert db.session.scalar(select(func.count(Attempt.id))) == 0
    assert built.course.title not in client.get("/courses").get_data(as_text=True)
    # A course someone started and that went back to draft drops off "in progress".
    assert built.course.title not in client.get("/my/learning").get_data(as_text=True)


def test_the_catalogue_filters_by_principle_and_explains_a_bad_filter(
    client, login_as, officer, create_course
):
    create_course(lessons=1, title="On integrity", principles=("P-INT",))
    create_course(lessons=1, title="On transparency", principles=("P-TRA",))
    login_as(officer)
    html = client.get("/courses?principle=P-TRA").get_data(as_text=True)
    assert "On transparency" in html and "On integrity" not in html
    assert "Courses on Transparency" in html
    assert '<option value="P-TRA" selected>' in html

    bad = client.get("/courses?principle=P-NOPE")
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "There is no reform principle with the code “P-NOPE”" in html
    assert "On transparency" in html and "On integrity" in html
    assert client.get("/courses?principle=").status_code == 200
    assert "On integrity" in client.get("/courses?principle=p-int").get_data(as_text=True)


def test_the_outline_shows_alignment_marks_and_where_to_continue(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=3, per_module=2, principles=("P-INT", "P-TRA"))
    structure.update_lesson(
        db.session.merge(built.lessons[2]), "Further reading", "Optional.", required=False
    )
    db.session.commit()
    login_as(officer)
    course_url = f"/courses/{built.course.id}"
    html = client.get(course_url).get_data(as_text=True)
    assert "Start the course" in html
    assert '<abbr title="Transparency">P-TRA</abbr> Transparency' in html
    assert "Competencies:</span> P-INT" in html
    assert "optional" in html
    assert "0% done (0 of 3 required items)" in html  # 2 lessons + the quiz

    client.get(f"{course_url}/items/{built.lessons[1].id}")
    html = client.get(course_url).get_data(as_text=True)
    assert f'href="{course_url}/items/{built.lessons[1].id}">Continue where you left off' in html
    assert f'href="{course_url}/items/{built.lessons[0].id}">Next to do: Lesson 1' in html
    assert "33% done (1 of 3 required items)" in html
    assert html.count('class="item-done"') == 1


def test_lesson_pages_link_to_the_previous_and_next_items(client, login_as, officer, create_course):
    built = create_course(lessons=3, per_module=2)
    login_as(officer)
    base = f"/courses/{built.course.id}/items"
    html = client.get(f"{base}/{built.lessons[1].id}").get_data(as_text=True)
    assert f'rel="prev" href="{base}/{built.lessons[0].id}"' in html
    assert f'rel="next" href="{base}/{built.lessons[2].id}"' in html  # across modules
    assert "Item 2 of 4" in html


def test_score_only_review_shows_the_score_and_nothing_else(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1, review_shows="score")
    login_as(officer)
    attempt_id = start(client, built)
    submit(client, db, attempt_id, right=False)
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "0%" in html and "not passed" in html
    assert "This quiz shows your score only" in html
    for secret in ("Feedback-", "General-charlie", "Harmonized System", "73129"):
        assert secret not in html
    assert "Answers that earn marks" not in html


def test_after_close_review_waits_until_no_attempt_is_left(
    client, db, login_as, officer, create_course
):
    built = create_course(
        lessons=1, review_shows="keys", review_when="after_last_attempt", attempts_allowed=2
    )
    login_as(officer)
    first = start(client, built)
    submit(client, db, first, right=False)
    html = client.get(f"/attempts/{first}/result").get_data(as_text=True)
    assert "shown once you have passed it or have no attempts left" in html
    assert "General-charlie" not in html
    second = start(client, built)
    submit(client, db, second, right=False)
    for attempt_id in (first, second):
        html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
        assert "Answers that earn marks" in html and "General-charlie" in html


def test_my_learning_shows_only_my_own_records(
    app, client, db, login_as, officer, other_officer, create_course
):
    mine = create_course(lessons=1, title="Course I follow")
    theirs = create_course(lessons=1, title="Course they follow")
    login_as(officer)
    client.get(f"/courses/{mine.course.id}/items/{mine.lessons[0].id}")
    other = login_as(other_officer, on=app.test_client())
    other.get(f"/courses/{theirs.course.id}/items/{theirs.lessons[0].id}")
    attempt_id = start(other, theirs)
    submit(other, db, attempt_id, right=True)

    html = client.get("/my/learning").get_data(as_text=True)
    assert "Course I follow" in html and "Course they follow" not in html
    assert "No quiz results yet." in html
    assert "You left off at" in html and "Lesson 1" in html
    assert db.session.get(CourseEnrolment, (other_officer.id, theirs.course.id)).completed_at
    other_html = other.get("/my/learning").get_data(as_text=True)
    assert "Course they follow" in other_html and "Course I follow" not in other_html
