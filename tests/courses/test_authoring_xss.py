"""Authored text never reaches a page as live markup: lesson previews, question previews, the
course preview and the bank listing all go through the one sanitising function or escaping."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from courses.authoring.services.questions import QuestionInput
from courses.learning.models import Question
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import count_of, question_form, submit, text_of

PAYLOADS = {
    "script": "<script>alert('s1')</script>",
    "onerror": '<img src="/uploads/1/x.png" onerror="alert(\'s2\')">',
    "md-image-onerror": '![x](/uploads/1/x.png" onerror="alert(3))',
    "javascript-link": "[click me](javascript:alert('s4'))",
    "javascript-autolink": "<javascript:alert('s5')>",
    "data-link": "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "svg": "<svg onload=alert('s7')>",
    "iframe": "<iframe src=\"javascript:alert('s8')\"></iframe>",
    "style": "<style>body{display:none}</style>",
    "outside-image": "![tracker](https://evil.example/t.png)",
}
LESSON = "\n\n".join(f"Payload {name}: {payload}" for name, payload in PAYLOADS.items())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    """No authored markup is live in the page's main part: parsed as a browser would, it has
    no script, style, frame or SVG element, no event-handler attribute, no javascript: or
    data: URL, and no image from another site."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    parser = _Tags()
    parser.feed(main)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "style", "iframe", "svg", "object", "embed", "math"}, tag
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}={value!r}>"
            if name in {"href", "src", "action", "formaction"}:
                url = (value or "").strip().lower()
                assert not url.startswith(("javascript:", "data:", "vbscript:")), (tag, value)
                if tag == "img":
                    assert url.startswith("/") and not url.startswith("//"), (tag, value)


def test_a_lesson_preview_shows_every_payload_inert(db, trainer_client, build_course):
    built = build_course()
    url = f"/author/courses/{built.course.id}/lessons/{built.lesson.id}"
    response = submit(
        trainer_client,
        url,
        {"title": "Payloads", "required": "y", "markdown": LESSON, "preview": "Preview"},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "Preview (not saved)" in html
    preview = html.split('class="lesson author-preview-body">', 1)[1].split("</div>", 1)[0]
    assert "Payload script" in preview and "<a" in preview  # the text is there, made safe
    assert_inert(html)
    # The Markdown source is shown back in the textarea, escaped.
    assert "&lt;script&gt;alert(&#39;s1&#39;)&lt;/script&gt;" in html


def test_a_saved_lesson_is_inert_in_the_course_preview(db, trainer_client, build_course):
    built = build_course(markdown=LESSON)
    response = trainer_client.get(f"/author/courses/{built.course.id}/preview")
    assert response.status_code == 200
    html = text_of(response)
    assert "Payload onerror" in html
    assert_inert(html)


HOSTILE_QUESTION = QuestionInput(
    qtype="single_choice",
    name="<script>alert('name')</script>",
    text="Which? <script>alert('q1')</script> [x](javascript:alert('q2'))",
    level=1,
    category="<b onmouseover=alert('cat')>cat</b>",
    data={
        "choices": [
            {
                "id": "c1",
                "text": "<img src=x onerror=alert('c1')> right",
                "fraction": 1.0,
                "feedback": "FEEDBACK-ONE <script>alert('f1')</script>[f](javascript:alert('f2'))",
            },
            {
                "id": "c2",
                "text": "[wrong](javascript:alert('c2'))",
                "fraction": 0,
                "feedback": "FEEDBACK-TWO <svg onload=alert('f3')>",
            },
        ]
    },
    general_feedback="GENERAL-FEEDBACK <iframe src=javascript:alert('g1')></iframe>",
)


@pytest.mark.parametrize("page", ["course-preview", "question-edit", "bank"])
def test_question_payloads_are_inert_on_every_authoring_page(
    page, db, trainer_client, build_course
):
    built = build_course(bank=(HOSTILE_QUESTION,))
    course_id, question_id = built.course.id, built.questions[0].id
    url = {
        "course-preview": f"/author/courses/{course_id}/preview",
        "question-edit": f"/author/courses/{course_id}/questions/{question_id}",
        "bank": f"/author/courses/{course_id}/questions",
    }[page]
    response = trainer_client.get(url)
    assert response.status_code == 200
    html = text_of(response)
    assert "Which?" in html
    assert_inert(html)
    if page == "course-preview":
        # Officers' view: the sample draw shows the choices but never a key or feedback.
        assert "right" in html and "fraction" not in html
        for secret in ("FEEDBACK-ONE", "FEEDBACK-TWO", "GENERAL-FEEDBACK"):
            assert secret not in html


def test_a_question_preview_of_unsaved_payloads_is_inert(db, trainer_client, build_course):
    built = build_course(bank=())
    fields = question_form(
        "single_choice",
        "Pick <script>alert(1)</script>",
        choices=[
            ("<img src=x onerror=alert(1)>", "100", "<script>alert('fb')</script>"),
            ("[x](javascript:alert(2))", "0", "<svg onload=alert(3)>"),
        ],
        general_feedback="<iframe src=javascript:alert(4)></iframe>",
    )
    fields.pop("save")
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/questions/new",
        {**fields, "preview": "Preview"},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "Preview with the answer key" in html
    assert_inert(html)
    assert count_of(Question) == 0
