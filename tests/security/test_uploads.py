"""Uploaded files: a size limit, the type read from the content, and never served as
something a browser would run.

tests/courses/test_authoring_upload_refusals.py refuses SVG, HTML named .png, non-images, files over
2 MB and empty files one by one; tests/courses/test_uploads.py checks who may fetch an image.
Here: disguises of markup, polyglots that do start like an image, the request size limit, and
how every stored upload is served.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses.authoring.services import authored_courses
from courses.learning.models import Course, Upload
from courses.learning.services.principles import ensure_principles
from courses.learning.services.uploads import MAX_UPLOAD_BYTES
from lms.extensions import db
from tests.courses.authoring_fixtures import upload as post_file
from tests.security.conftest import PNG
from tests.security.helpers import browser_as

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
SCRIPT = b"<script>alert(document.cookie)</script>"
DISGUISED_MARKUP = {
    "svg-named-png": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "a.png"),
    "svg-with-bom-and-blank-lines": (b"\xef\xbb\xbf\n\n  <svg onload=alert(1)>", "b.png"),
    "xml-declared-svg": (b'<?xml version="1.0"?><svg onload="alert(1)"/>', "c.gif"),
    "uppercase-html": (b"<HTML><BODY>" + SCRIPT, "d.jpg"),
    "html-after-text": (b"hello " + SCRIPT, "e.webp"),
    "html-named-image-with-image-type": (b"<!doctype html>" + SCRIPT, "f.png"),
}
POLYGLOTS = {
    "png-then-html": (PNG + SCRIPT, "poly.html"),
    "gif-then-html": (b"GIF89a" + SCRIPT, "poly.svg"),
    "jpeg-then-svg": (b"\xff\xd8\xff" + b'<svg onload="alert(1)"/>', "poly.jpg"),
    "webp-then-html": (b"RIFF\x00\x00\x00\x00WEBP" + SCRIPT, "poly.webp"),
}


@pytest.fixture
def draft(db, create_unit, root_unit) -> Course:
    ensure_principles()
    unit = create_unit("NTC", parent=root_unit, kind="training_centre")
    course = authored_courses.create_course(
        authored_courses.CourseDetails("IMG-1", "Images", ""), training_unit_id=unit.id
    )
    db.session.commit()
    return course


@pytest.fixture
def trainer(app, draft: Course, create_user, login_as):
    user = create_user(roles=("trainer",), unit=draft.training_unit)
    return browser_as(app, login_as, user)


def send(trainer, draft: Course, data: bytes, name: str):
    """POST an image to the draft's image page (encoded in memory, as tests/courses does)."""
    return post_file(trainer, f"/author/courses/{draft.id}/images", name, data)


def uploads_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Upload.id)))


def test_markup_in_disguise_is_refused(trainer, draft: Course):
    before = uploads_count()
    for case, (data, name) in DISGUISED_MARKUP.items():
        response = send(trainer, draft, data, name)
        assert response.status_code == 400, case
        assert "SVG images and HTML files are refused" in response.get_data(as_text=True), case
    assert uploads_count() == before


def test_a_polyglot_is_kept_only_as_the_image_it_starts_as_and_served_inert(trainer, draft: Course):
    """Bytes that begin like an image are stored as that image type, under a name of ours;
    served, they say so with nosniff in a sandbox, so the markup behind never runs."""
    for case, (data, name) in POLYGLOTS.items():
        assert send(trainer, draft, data, name).status_code == 302, case
    course_id = draft.id
    stored = list(db.session.scalars(select(Upload).where(Upload.course_id == course_id)))
    assert len(stored) == len(POLYGLOTS)
    assert {upload.filename.rsplit(".", 1)[1] for upload in stored} <= {"png", "gif", "jpg", "webp"}
    for upload in stored:
        for query in ("", "?format=html", "?type=image/svg+xml"):
            response = trainer.get(
                f"/uploads/{upload.id}/{upload.filename}{query}",
                headers={"Accept": "text/html,image/svg+xml"},
            )
            assert response.status_code == 200, upload.filename
            assert response.mimetype in IMAGE_TYPES and response.mimetype == upload.content_type
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            csp = response.headers["Content-Security-Policy"]
            assert "sandbox" in csp and "default-src 'none'" in csp
            disposition = response.headers["Content-Disposition"]
            assert disposition == f'inline; filename="{upload.filename}"'


def test_over_the_size_limits_nothing_is_stored(app, trainer, draft: Course):
    before = uploads_count()
    image = PNG + b"\x00" * MAX_UPLOAD_BYTES
    response = send(trainer, draft, image, "big.png")
    assert response.status_code == 400
    assert "images may be at most 2048 KB" in response.get_data(as_text=True)
    request_limit = app.config["MAX_CONTENT_LENGTH"]
    response = send(trainer, draft, PNG + b"\x00" * request_limit, "bigger.png")
    assert response.status_code == 413
    assert uploads_count() == before
