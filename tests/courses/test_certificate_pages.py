"""Certificates (issue 6) in the signed-in pages: officers see and download their own, trainers
and HR see who holds which within their scope."""

from __future__ import annotations

from sqlalchemy import event

from lms.extensions import db as _db
from tests.courses.assignment_helpers import (
    lesson_course,
    read_course,
)
from tests.courses.certificate_helpers import *  # noqa: F403  (fixtures)
from tests.courses.certificate_helpers import (
    certified,
)
from tests.lms.browsing import text_of

# --- the officer's pages ---------------------------------------------------------------------


def test_officers_see_and_download_their_own_certificates_only(
    client, db, officer, course, create_user, region, login_as
):
    certificate = certified(officer.id, course)
    login_as(officer)
    page = text_of(client.get("/my/certificates"))
    assert course.title in page and certificate.code in page
    assert course.title in text_of(client.get("/my/learning"))
    pdf = client.get(f"/my/certificates/{certificate.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == certificate.pdf

    other = create_user("other@customs.example", unit=region)
    browser = client.application.test_client()
    login_as(other, on=browser)
    assert browser.get(f"/my/certificates/{certificate.id}/certificate.pdf").status_code == 404
    assert certificate.code not in text_of(browser.get("/my/certificates"))


def test_a_certificate_being_issued_is_shown_as_such(client, db, officer, course, login_as):
    read_course(officer.id, course)
    login_as(officer)
    page = text_of(client.get("/my/certificates"))
    assert "Being issued" in page and course.title in page


# --- who holds which -------------------------------------------------------------------------


def test_trainers_see_their_units_courses_and_hr_their_scope(
    client, db, officer, course, create_user, create_unit, root_unit, region, login_as
):
    certificate = certified(officer.id, course)
    elsewhere = create_unit("R-NORTH", parent=root_unit, kind="region")
    other_centre = create_unit("RTO", parent=elsewhere, kind="training_centre")
    viewers = {
        "trainer of the course's unit": (
            create_user(roles=("trainer",), unit=course.training_unit),
            True,
        ),
        "trainer of another unit": (create_user(roles=("trainer",), unit=other_centre), False),
        "HR of the officer's region": (create_user(roles=("hr",), unit=region), True),
        "HR of another region": (create_user(roles=("hr",), unit=elsewhere), False),
        "admin": (create_user(roles=("admin",)), True),
    }
    for who, (user, sees) in viewers.items():
        browser = client.application.test_client()
        login_as(user, on=browser)
        response = browser.get("/certificates")
        assert response.status_code == 200, who
        assert (certificate.code in text_of(response)) == sees, who
    assert client.get("/certificates").status_code == 302
    login_as(officer)
    assert client.get("/certificates").status_code == 403


def test_the_holders_page_filters_and_costs_the_same_for_one_or_many(
    client, db, centre, region, create_user, login_as
):
    from tests.courses.assignment_helpers import bulk_officers

    course = lesson_course("MANY-1", centre)
    admin = create_user("boss@customs.example", roles=("admin",))
    login_as(admin)

    def queries_for(url: str) -> int:
        statements = []

        def count(*args, **kwargs):
            statements.append(1)

        event.listen(_db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", count)
        return len(statements)

    [first] = bulk_officers(1, region, prefix="one")
    certified(first, course)
    one = queries_for("/certificates")
    for user_id in bulk_officers(20, region, prefix="many"):
        certified(user_id, course)
    assert queries_for("/certificates") == one
    page = text_of(client.get("/certificates?q=many+officer+00003"))
    assert "Many Officer 00003" in page and "Many Officer 00004" not in page
    page = text_of(client.get(f"/certificates?content=course-{course.id}&state=revoked"))
    assert "0 certificates" in page
