"""Bad files sent to the authoring pages (images, course zips): a clear message, and nothing
stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from courses.learning.models import Course, CourseItem, Question, Upload
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    PNG_BYTES,
    count_of,
    make_zip,
    text_of,
    upload,
)

# --- images ----------------------------------------------------------------------------------

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML_AS_PNG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("drawing.svg", SVG, "SVG images and HTML files are refused"),
        ("photo.png", HTML_AS_PNG, "SVG images and HTML files are refused"),
        ("notes.png", b"PK\x03\x04 a zip, not an image", "Only PNG, JPEG, GIF and WebP images"),
        ("huge.png", PNG_BYTES + b"\0" * (2 * 1024 * 1024), "images may be at most 2048 KB"),
        ("empty.png", b"", "The file is empty."),
    ],
    ids=["svg", "html-renamed-png", "not-an-image", "too-big", "empty"],
)
def test_refused_uploads_say_why_and_store_nothing(
    name, data, message, db, trainer_client, build_course
):
    built = build_course()
    response = upload(trainer_client, f"/author/courses/{built.course.id}/images", name, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count_of(Upload) == 0


def test_an_uploaded_image_is_listed_with_its_snippet_and_served(db, trainer_client, build_course):
    built = build_course()
    url = f"/author/courses/{built.course.id}/images"
    response = upload(trainer_client, url, "Border post (north).png", PNG_BYTES)
    assert response.status_code == 302, text_of(response)
    image = db.session.scalar(select(Upload))
    assert image.filename == "Border-post-north.png" and image.content_type == "image/png"
    snippet = f"![Border-post-north](/uploads/{image.id}/Border-post-north.png)"
    assert snippet in text_of(trainer_client.get(url))
    assert snippet in text_of(
        trainer_client.get(f"/author/courses/{built.course.id}/lessons/{built.lesson.id}")
    )
    served = trainer_client.get(f"/uploads/{image.id}/Border-post-north.png")
    assert served.status_code == 200 and served.mimetype == "image/png"


# --- import ----------------------------------------------------------------------------------

MANIFEST = """{
  "code": "ZIP-1",
  "title": "Imported",
  "modules": [
    {"title": "One", "principles": ["P-INT"], "items": [
      {"type": "lesson", "title": "Read me", "file": "01-read-me.md"},
      {"type": "quiz", "title": "Check", "bank": "questions.gift"}
    ]}
  ]
}
"""
GOOD_GIFT = "// [tag:level-1]\nIs integrity first? {T}\n"


def import_zip(client, data: bytes, name: str = "course.zip"):
    return upload(client, "/author/import", name, data)


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../evil.md", "../evil.md: paths with &#39;..&#39; are refused."),
        ("ZIP-1/../../evil.md", "ZIP-1/../../evil.md: paths with &#39;..&#39; are refused."),
        ("/etc/evil.md", "/etc/evil.md: absolute paths are refused."),
        ("ZIP-1/run.py", "ZIP-1/run.py: only .json, .md and .gift files can be in a course zip."),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "python-file"],
)
def test_a_zip_with_unsafe_paths_or_files_is_refused_and_nothing_is_written(
    member, message, db, trainer_client, tmp_path
):
    data = make_zip(
        {
            "ZIP-1/course.json": MANIFEST,
            "ZIP-1/01-read-me.md": "Text.",
            "ZIP-1/questions.gift": GOOD_GIFT,
            member: "print('owned')",
        }
    )
    response = import_zip(trainer_client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "nothing was imported" in page and message in page
    assert count_of(Course) == 0
    assert not (tmp_path.parent / "evil.md").exists()


def test_a_zip_with_gift_errors_lists_each_with_its_file_and_line(db, trainer_client):
    gift = (
        "// [tag:level-1]\n"
        "Fine question {T}\n"
        "\n"
        "// [tag:level-2]\n"
        "Missing its closing brace {=yes ~no\n"
        "\n"
        "No level tag here {T}\n"
        "\n"
        "// [tag:level-1]\n"
        "::Q4:: Two right answers {=one =two ~three}\n"
    )
    data = make_zip(
        {
            "ZIP-1/course.json": MANIFEST,
            "ZIP-1/01-read-me.md": "Text.",
            "ZIP-1/questions.gift": gift,
        }
    )
    response = import_zip(trainer_client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "3 problems; nothing was imported:" in page
    assert "ZIP-1/questions.gift:5: The answer block opened with" in page
    assert "ZIP-1/questions.gift:7: Missing level" in page
    assert (
        "ZIP-1/questions.gift:10: A single-choice question needs exactly one right choice." in page
    )
    assert count_of(Course) == 0 and count_of(Question) == 0 and count_of(CourseItem) == 0


def test_a_zip_with_manifest_problems_lists_them_all(db, trainer_client, build_course):
    built = build_course()
    manifest = json.dumps(
        {
            "code": built.course.code,
            "title": "Clash",
            "modules": [
                {
                    "title": "M",
                    "principles": ["P-XXX"],
                    "items": [
                        {
                            "type": "quiz",
                            "title": "Q",
                            "pass_mark": "high",
                            "time_limit_minutes": "20",
                        },
                        {"type": "lesson", "title": "L", "file": "gone.md"},
                    ],
                }
            ],
        }
    )
    response = import_zip(trainer_client, make_zip({"course.json": manifest, "questions.gift": ""}))
    assert response.status_code == 400
    page = text_of(response)
    assert "unknown principle(s) P-XXX" in page
    assert "&#39;pass_mark&#39; must be a whole number." in page
    assert "&#39;time_limit_minutes&#39; must be a whole number or null." in page
    assert "course/gone.md: file not found." in page
    assert count_of(Course) == 1

    # With the folder fixed, the used course code is the one problem left, and it is named.
    fixed = manifest.replace("P-XXX", "P-INT").replace('"high"', "70").replace('"20"', "20")
    assert json.loads(fixed)["modules"][0]["items"][0]["pass_mark"] == 70
    response = import_zip(
        trainer_client,
        make_zip({"course.json": fixed, "questions.gift": GOOD_GIFT, "gone.md": "x"}),
        name="clash.zip",
    )
    assert response.status_code == 400
    assert f"clash/course.json: The course code {built.course.code} is already used." in text_of(
        response
    )
    assert count_of(Course) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "The file is not a zip archive."),
        (make_zip({"readme.md": "no manifest"}), "No course.json found"),
        (
            make_zip({"A/course.json": MANIFEST, "B/course.json": MANIFEST}),
            "The zip holds 2 courses; import one course at a time.",
        ),
    ],
    ids=["not-zip", "no-manifest", "two-courses"],
)
def test_a_zip_that_is_not_one_course_is_refused(data, message, db, trainer_client):
    response = import_zip(trainer_client, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count_of(Course) == 0


def test_a_zip_naming_competencies_no_framework_holds_is_refused_with_each_code(db, trainer_client):
    manifest = json.loads(MANIFEST)
    manifest["modules"][0]["competencies"] = ["P-ACC", "NO-SUCH", "ALSO-NONE"]
    gift = GOOD_GIFT + "\n// [tag:level-1] [tag:competency-NO-SUCH]\nTagged with it? {T}\n"
    data = make_zip(
        {
            "ZIP-1/course.json": json.dumps(manifest),
            "ZIP-1/01-read-me.md": "Text.",
            "ZIP-1/questions.gift": gift,
        }
    )
    response = import_zip(trainer_client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "1 problem; nothing was imported:" in page
    assert "no framework holds the competency code(s) ALSO-NONE, NO-SUCH;" in page
    assert count_of(Course) == 0 and count_of(Question) == 0
