"""Bad input on the authoring pages: a clear message, and nothing changed."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from courses.authoring.services import structure
from courses.learning.models import Course, CourseItem, Module, Question, Upload
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    PNG_BYTES,
    content_of,
    count_of,
    make_zip,
    question_form,
    submit,
    text_of,
    token_from,
)


def upload(client, url: str, name: str, data: bytes, field: str = "file", page: str | None = None):
    """POST a file. The body is encoded in memory: the test client would spool a large one to
    a temporary file it never closes (a ResourceWarning, an error under filterwarnings)."""
    token = token_from(client, page or url)
    body, length, boundary = stream_encode_multipart(
        {"csrf_token": token, field: FileStorage(io.BytesIO(data), filename=name)},
        use_tempfile=False,
    )
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


# --- courses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["P INT 101", "-LEADING", "X", "ÉTÉ-1", "A" * 33])
def test_a_bad_course_code_is_refused_next_to_the_field(code, db, trainer_client):
    response = submit(
        trainer_client, "/author/courses/new", {"code": code, "title": "A course", "summary": ""}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "A course code is 2 to 32 capital letters, digits or hyphens" in page
    assert 'aria-invalid="true"' in page
    assert count_of(Course) == 0


def test_a_duplicate_course_code_is_refused(db, trainer_client, build_course):
    built = build_course()
    response = submit(
        trainer_client,
        "/author/courses/new",
        {"code": built.course.code.lower(), "title": "Copy", "summary": ""},
    )
    assert response.status_code == 400
    assert f"The course code {built.course.code} is already used." in text_of(response)
    assert count_of(Course) == 1
    # Renaming another course to the same code is refused too.
    other = build_course()
    before = content_of(other.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{other.course.id}/details",
        {"code": built.course.code, "title": "Renamed", "summary": ""},
    )
    assert "is already used" in text_of(response)
    assert content_of(other.course.id) == before


def test_a_bad_validity_period_is_refused(db, trainer_client):
    response = submit(
        trainer_client,
        "/author/courses/new",
        {"code": "OK-1", "title": "A course", "validity_months": "999"},
    )
    assert "Number must be between 1 and 240." in text_of(response)
    assert count_of(Course) == 0


def test_bad_competency_codes_on_a_module_are_refused(db, trainer_client, build_course):
    built = build_course()
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/modules/{built.module.id}",
        {"title": "Renamed", "principles": ["P-INT"], "competency_codes": "P-INT, not a code!"},
    )
    assert response.status_code == 400
    assert "Not a competency code: NOT A CODE!." in text_of(response)
    assert content_of(built.course.id) == before


# --- questions -------------------------------------------------------------------------------


def post_question(client, course_id: int, fields: dict):
    return submit(client, f"/author/courses/{course_id}/questions/new", fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            question_form(
                "single_choice",
                "Which is right?",
                choices=[("One", "0", ""), ("Two", "50", "")],
            ),
            "A single-choice question needs exactly one right choice.",
        ),
        (
            question_form(
                "single_choice",
                "Which is right?",
                choices=[("One", "100", ""), ("Two", "100", "")],
            ),
            "A single-choice question needs exactly one right choice.",
        ),
        (
            question_form(
                "multiple_response",
                "Which are right?",
                choices=[("One", "50", ""), ("Two", "40", ""), ("Three", "-100", "")],
            ),
            "The weights of the right choices add up to 90%; they must add up to 100%.",
        ),
        (
            question_form("true_false", "Is it so?", tf_answer=""),
            "Say whether the statement is true.",
        ),
        (
            question_form("short_text", "Name it.", accepted_answers="\n  \n"),
            "A short-text question needs at least one accepted answer, none empty.",
        ),
    ],
    ids=["single-no-right", "single-two-right", "multiple-90", "tf-unset", "short-empty"],
)
def test_question_data_the_registry_refuses_is_listed_and_nothing_is_saved(
    fields, message, db, trainer_client, build_course
):
    built = build_course(bank=())
    response = post_question(trainer_client, built.course.id, fields)
    assert response.status_code == 400
    page = text_of(response)
    assert "The question was not saved:" in page and message in page
    assert count_of(Question) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            question_form("numeric", "How much?", numeric_answer="about ten"),
            "The answer must be a number, for example 1500 or 12.5.",
        ),
        (
            question_form("numeric", "How much?", numeric_answer="10", numeric_tolerance="-1"),
            "The tolerance must be a number, 0 or more.",
        ),
        (
            question_form(
                "multiple_response",
                "Which?",
                choices=[("One", "fifty", ""), ("Two", "50", "")],
            ),
            "A weight is a number from -100 to 100.",
        ),
        (
            question_form(
                "single_choice", "Which?", choices=[("One", "100", ""), ("", "0", "Orphan")]
            ),
            "Choice 2 has a weight or feedback but no text.",
        ),
        (
            question_form(
                "single_choice",
                "Which?",
                choices=[("One", "100", ""), ("Two", "0", "")],
                competency_code="ops val",
            ),
            "A competency code is capital letters, digits and hyphens (OPS-VAL).",
        ),
        (
            question_form("single_choice", "", choices=[("One", "100", ""), ("Two", "0", "")]),
            "This field is required.",
        ),
    ],
    ids=["numeric-nan", "negative-tolerance", "weight-text", "orphan-row", "bad-code", "no-text"],
)
def test_question_fields_that_cannot_be_read_are_marked_and_nothing_is_saved(
    fields, message, db, trainer_client, build_course
):
    built = build_course(bank=())
    response = post_question(trainer_client, built.course.id, fields)
    assert response.status_code == 400
    page = text_of(response)
    assert "Correct the fields marked below." in page
    assert message in page
    assert count_of(Question) == 0


def test_a_refused_edit_leaves_the_question_as_it_was(db, trainer_client, build_course):
    built = build_course()
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/questions/{built.questions[0].id}",
        question_form("single_choice", "Edited?", choices=[("A", "0", ""), ("B", "0", "")]),
    )
    assert response.status_code == 400
    assert "exactly one right choice" in text_of(response)
    assert content_of(built.course.id) == before


def test_a_question_preview_saves_nothing(db, trainer_client, build_course):
    built = build_course(bank=())
    fields = question_form(
        "multiple_response",
        "Which are **principles**?",
        choices=[
            ("Transparency", "50", "Yes"),
            ("Predictability", "50", ""),
            ("Bribes", "-100", "No"),
        ],
    )
    fields.pop("save")
    response = post_question(trainer_client, built.course.id, {**fields, "preview": "Preview"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Preview with the answer key" in page and "<strong>principles</strong>" in page
    assert "-100%" in page
    assert count_of(Question) == 0


# --- quizzes ---------------------------------------------------------------------------------


def test_bad_quiz_settings_are_marked_and_nothing_is_saved(db, trainer_client, build_course):
    built = build_course()
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/quizzes/{built.quiz.id}",
        {
            "title": "Check yourself",
            "pass_mark": "150",
            "attempts_allowed": "-1",
            "time_limit_minutes": "0",
            "draw_mode": "per_level",
            "level_1": "0",
            "level_2": "",
            "level_3": "0",
            "level_4": "0",
            "review_mode": "after_submit",
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "The quiz was not saved." in page
    assert "Number must be between 0 and 100." in page  # pass mark and attempts
    assert "Number must be between 1 and 600." in page  # time limit
    assert "Say how many questions of each level to draw" in page
    assert content_of(built.course.id) == before


# --- publishing ------------------------------------------------------------------------------


def test_publishing_an_empty_course_lists_what_is_missing(db, trainer_client):
    submit(trainer_client, "/author/courses/new", {"code": "EMPTY-1", "title": "Empty"})
    course = db.session.scalar(select(Course))
    outline = f"/author/courses/{course.id}"
    response = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert response.status_code == 400
    page = text_of(response)
    assert "The course cannot be published yet:" in page
    assert "<li>The course has no lessons or quizzes.</li>" in page
    assert db.session.get(Course, course.id).status == "draft"


def test_publishing_without_principle_alignment_lists_each_module(db, trainer_client, build_course):
    built = build_course()
    module = db.session.get(Module, built.module.id)
    structure.update_module(module, module.title, [], [])
    structure.add_module(db.session.get(Course, built.course.id), "Unaligned too", [], [])
    db.session.commit()
    outline = f"/author/courses/{built.course.id}"
    # The outline says so before any attempt to publish.
    assert "Before it can be published:" in text_of(trainer_client.get(outline))
    response = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "<li>Module &#39;Appeals in practice&#39; is not aligned to any reform principle.</li>"
        in page
    )
    assert "<li>Module &#39;Unaligned too&#39; is not aligned to any reform principle.</li>" in page
    assert db.session.get(Course, built.course.id).status == "draft"


def test_publishing_a_quiz_with_no_questions_to_draw_is_refused(db, trainer_client, build_course):
    built = build_course(bank=())
    outline = f"/author/courses/{built.course.id}"
    response = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert "Quiz &#39;Check yourself&#39; has no questions to draw from." in text_of(response)
    assert db.session.get(Course, built.course.id).status == "draft"


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
