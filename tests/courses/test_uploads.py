"""Lesson images: served as the stored image type, sandboxed, only to those who may see them."""

from __future__ import annotations

import pytest

from courses.learning.services.uploads import store_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def images(db, create_course, create_user, training_unit):
    author = create_user("author@customs.example", roles=("trainer",), unit=training_unit)
    published = create_course(lessons=1)
    draft = create_course(lessons=1, published=False)
    urls = {}
    for name, built in (("published", published), ("draft", draft)):
        upload = store_upload(built.course, author.id, "Chart of <clearance>.png", PNG)
        urls[name] = upload.path
    db.session.commit()
    return urls


def test_an_officer_gets_a_published_courses_image_sandboxed(client, login_as, officer, images):
    login_as(officer)
    response = client.get(images["published"])
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    assert response.headers["Content-Disposition"] == 'inline; filename="Chart-of-clearance.png"'


def test_an_officer_gets_404_for_a_draft_courses_image(client, login_as, officer, images):
    login_as(officer)
    assert images["draft"].endswith("/Chart-of-clearance.png")
    assert client.get(images["draft"]).status_code == 404


def test_a_wrong_or_missing_image_is_404(client, login_as, officer, images):
    login_as(officer)
    assert client.get(images["published"].rsplit("/", 1)[0] + "/other.png").status_code == 404
    assert client.get("/uploads/999999/none.png").status_code == 404


def test_trainers_of_the_owning_unit_see_their_drafts_and_others_do_not(
    app, client, login_as, create_user, create_unit, root_unit, training_unit, images
):
    own = create_user(roles=("trainer",), unit=training_unit)
    login_as(own)
    assert client.get(images["draft"]).status_code == 200
    other_unit = create_unit("RTO", parent=root_unit, kind="training_centre")
    stranger = login_as(create_user(roles=("trainer",), unit=other_unit), on=app.test_client())
    assert stranger.get(images["draft"]).status_code == 404
    assert stranger.get(images["published"]).status_code == 404
    hr = login_as(create_user(roles=("hr",)), on=app.test_client())
    assert hr.get(images["published"]).status_code == 403


def test_a_lesson_shows_its_uploaded_image(client, db, login_as, officer, create_course, images):
    built = create_course(lessons=1, lesson_markdown=f"![A chart]({images['published']})")
    login_as(officer)
    html = client.get(f"/courses/{built.course.id}/items/{built.lessons[0].id}").get_data(
        as_text=True
    )
    assert f'<img alt="A chart" src="{images["published"]}">' in html
