"""Authored text never becomes executable on the officer's pages: lesson Markdown, question
texts, choices, feedback and accepted answers, and what the officer types."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from courses.authoring.services.questions import QuestionInput
from courses.learning.models import Attempt
from tests.courses.conftest import attempt_id_from, post_form

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[plain js](javascript:alert(1))",
    "[mixed case js](JaVaScRiPt:alert(1))",
    "[spaced js]( javascript:alert(1))",
    "![image js](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
    "[data md](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[entity js](&#106;avascript:alert(1))",
    "[hex entity js](&#x6A;avascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    "{{ 7*7 }}",
)
EVIL = "\n\n".join(PAYLOADS)
EVIL_LINE = " ".join(PAYLOADS)

BANK = (
    QuestionInput(
        qtype="single_choice",
        text=f"Pick one. {EVIL}",
        level=1,
        data={
            "choices": [
                {"id": "c1", "text": f"Right {EVIL_LINE}", "fraction": 1.0, "feedback": EVIL},
                {"id": "c2", "text": f"Wrong {EVIL_LINE}", "fraction": 0, "feedback": EVIL},
            ]
        },
        general_feedback=EVIL,
    ),
    QuestionInput(
        qtype="short_text",
        text=f"Type it. {EVIL}",
        level=1,
        data={"answers": [{"text": EVIL_LINE, "fraction": 1.0, "feedback": EVIL}]},
        general_feedback=EVIL,
    ),
    QuestionInput(
        qtype="true_false",
        text=EVIL,
        level=1,
        data={"answer": True, "feedback_right": EVIL, "feedback_wrong": EVIL},
    ),
)


class TagCollector(HTMLParser):
    """Every start tag with its attributes, entity references already decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


# The one script a page may load: the timed attempt's countdown, a file of the platform's own
# static folder (tests/security/helpers.py's live_markup allows the same and no other).
OWN_SCRIPT = '<script src="/static/attempt-countdown.js" defer></script>'


def assert_nothing_executable(html: str) -> None:
    html = html.replace(OWN_SCRIPT, "", 1)
    assert "<script" not in html.lower()
    # Escaped text may read "onerror=": inside a tag it would run.
    assert not re.search(r"<[^>]*\bon(error|load)\s*=", html, re.IGNORECASE)
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "svg", "object", "embed"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction") and value:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (tag, value)
    assert "{{ 7*7 }}" in html  # shown as written, never evaluated
    assert "<p>49</p>" not in html


def test_payloads_stay_inert_on_the_lesson_attempt_and_result_pages(
    client, db, login_as, officer, create_course
):
    built = create_course(
        lessons=1,
        lesson_markdown=f"## Payloads\n\n{EVIL}",
        title="<script>alert('title')</script> Course",
        bank=BANK,
        review_shows="keys",
        review_when="after_last_attempt",
        attempts_allowed=1,  # the review below follows the only attempt
    )
    login_as(officer)
    lesson = client.get(f"/courses/{built.course.id}/items/{built.lessons[0].id}")
    assert lesson.status_code == 200
    assert_nothing_executable(lesson.get_data(as_text=True))
    assert "&lt;script&gt;alert(&#39;title&#39;)" in lesson.get_data(as_text=True)

    quiz_url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    attempt_id = attempt_id_from(post_form(client, f"{quiz_url}/attempts", quiz_url))
    attempt_page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert_nothing_executable(attempt_page)

    snapshot = db.session.get(Attempt, attempt_id).snapshot
    form = {}
    for entry in snapshot:
        name = f"answer-{entry['key']}"
        if entry["qtype"] == "single_choice":
            form[name] = entry["frozen"]["choices"][0]["id"]
        elif entry["qtype"] == "true_false":
            form[name] = "true"
        else:
            form[name] = "<img src=x onerror=alert(2)> {{ 7*7 }}"  # what the officer types
    post_form(client, f"/attempts/{attempt_id}/submit", f"/attempts/{attempt_id}", form)
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Answers that earn marks" in result  # the review, with every feedback, is shown
    assert_nothing_executable(result)
    assert "&lt;img src=x onerror=alert(2)&gt;" in result

    for page in ("/courses", f"/courses/{built.course.id}", "/my/learning"):
        html = client.get(page).get_data(as_text=True)
        assert "<script" not in html.lower()
