"""A sixth question type, defined and registered here, works everywhere a built-in one does:
the question form, the attempt, the review and GIFT. Nothing outside this module and its
templates (questiontypes_fixture/keyword/) knows about it."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import escape
from wtforms import Field, Form, StringField
from wtforms.validators import Length

from courses.authoring.gift import GiftQuestion, parse_gift, write_gift
from courses.authoring.services.questions import QuestionInput
from courses.learning.models import Attempt, Question
from courses.learning.questiontypes import (
    QUESTION_TYPES,
    Data,
    GiftSyntax,
    QuestionType,
    question_type,
    register,
    unregister,
)
from courses.learning.services import attempts
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import count_of, question_form, submit, text_of
from tests.courses.conftest import attempt_id_from, post_form

TEMPLATES = Path(__file__).parent / "questiontypes_fixture"


class Keyword(QuestionType):
    """An answer scores when it contains the keyword, in any case (GIFT: `{@keyword}`)."""

    name = "keyword"
    label = "Keyword"
    grading_rule = "An answer that contains the keyword scores in full."
    gift_order = 5  # before the `=`/`~` readers, which would refuse `@`

    def validate(self, data: Data) -> list[str]:
        return (
            [] if str(data.get("keyword", "")).strip() else ["A keyword question needs a keyword."]
        )

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {"keyword": data["keyword"]}

    def grade(self, frozen: Data, answer: Any) -> float:
        typed = answer.casefold() if isinstance(answer, str) else ""
        return 1.0 if frozen["keyword"].casefold() in typed else 0.0

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        return [(str(escape(frozen["keyword"])), 1.0)]

    def form_fields(self) -> dict[str, Field]:
        return {"keyword": StringField("Keyword to find", validators=[Length(max=50)])}

    def data_from_form(self, form: Form) -> Data:
        return {"keyword": (form.keyword.data or "").strip()}

    def form_values(self, data: Data) -> dict[str, Any]:
        return {"keyword": data.get("keyword", "")}

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        return {"keyword": syntax.restore(body[1:])} if body.startswith("@") else None

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        return "@" + syntax.escape(data["keyword"])


KEYWORD = QuestionInput(
    qtype="keyword",
    text="Which document lists the **tariff** lines?",
    level=2,
    data={"keyword": "Schedule"},
    general_feedback="General-keyword: the schedule of concessions.",
)


@pytest.fixture
def keyword_type(app) -> Iterator[QuestionType]:
    """The Keyword type registered, its partials served from this test's folder."""
    app.jinja_env.loader = ChoiceLoader(
        [app.jinja_env.loader, PrefixLoader({"questiontypes": FileSystemLoader(TEMPLATES)})]
    )
    register(Keyword)
    try:
        yield question_type("keyword")
    finally:
        unregister("keyword")


def test_the_type_is_offered_and_saved_by_the_question_form(
    keyword_type, db, trainer_client, build_course
):
    course_id = build_course(bank=()).course.id
    url = f"/author/courses/{course_id}/questions/new"

    new = text_of(trainer_client.get(url))
    assert '<option value="keyword">Keyword</option>' in new
    asked = text_of(trainer_client.get(f"{url}?type=keyword"))
    assert 'class="keyword-fields"' in asked and 'name="keyword"' in asked
    assert "An answer that contains the keyword scores in full." in asked
    assert 'name="choices-0-text"' not in asked  # only the chosen type's fields

    refused = submit(trainer_client, url, question_form("keyword", "Which?", keyword=" "))
    assert refused.status_code == 400
    assert "A keyword question needs a keyword." in text_of(refused)

    fields = question_form("keyword", "Which document?", keyword="Schedule")
    previewed = submit(trainer_client, url, {**fields, "save": "", "preview": "Preview"})
    assert 'class="keyword-preview"' in text_of(previewed)
    assert "<strong>Schedule</strong>" in text_of(previewed)
    assert count_of(Question) == 0

    saved = submit(trainer_client, url, fields)
    assert saved.status_code == 302
    question = db.session.query(Question).one()
    assert (question.qtype, question.data) == ("keyword", {"keyword": "Schedule"})

    edit = text_of(trainer_client.get(f"/author/courses/{course_id}/questions/{question.id}"))
    assert 'name="keyword"' in edit and 'value="Schedule"' in edit
    assert 'class="keyword-preview"' in edit


def test_an_officer_answers_it_and_sees_it_reviewed(
    keyword_type, client, db, login_as, officer, create_course
):
    built = create_course(
        lessons=0,
        bank=(KEYWORD,),
        review_shows="keys",
        review_when="after_last_attempt",
        attempts_allowed=1,
    )
    login_as(officer)
    quiz_url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    attempt_id = attempt_id_from(post_form(client, f"{quiz_url}/attempts", quiz_url))

    page = text_of(client.get(f"/attempts/{attempt_id}"))
    assert 'class="field keyword-answer"' in page
    assert "Your answer, with the keyword in it" in page
    assert "Schedule" not in page  # the key stays on the server
    key = db.session.get(Attempt, attempt_id).snapshot[0]["key"]

    answer = {f"answer-{key}": "The SCHEDULE of concessions"}
    submitted = post_form(
        client, f"/attempts/{attempt_id}/submit", f"/attempts/{attempt_id}", answer
    )
    assert submitted.status_code == 302
    assert db.session.get(Attempt, attempt_id).score == 100.0

    result = text_of(client.get(f"/attempts/{attempt_id}/result"))
    assert "Your answer (keyword review)" in result
    assert "The SCHEDULE of concessions" in result
    assert '<dd class="keyword-review">Schedule</dd>' in result
    assert "General-keyword" in result
    assert "An answer that contains the keyword scores in full." in result

    # The grading reads a wrong answer as 0 (a pass closed this quiz, whose keys it shows).
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    _, _, score = attempts.grade_answers(snapshot, {f"answer-{key}": ["a tariff"]})
    assert score == 0.0


def test_gift_writes_and_reads_it_back(keyword_type, db, trainer_client, build_course):
    question = GiftQuestion(
        line=0, qtype="keyword", text="Find it", level=3, data={"keyword": "HS {code}: 8471"}
    )
    text = write_gift([question])
    assert "{@HS \\{code\\}\\: 8471\n}" in text
    (read,), errors = parse_gift(text)
    assert errors == []
    assert (read.qtype, read.data, read.level) == ("keyword", {"keyword": "HS {code}: 8471"}, 3)

    built = build_course(bank=(KEYWORD,))
    exported = trainer_client.get(f"/author/courses/{built.course.id}/export")
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        bank = next(name for name in archive.namelist() if name.endswith("questions.gift"))
        gift = archive.read(bank).decode()
    assert "{@Schedule" in gift
    (read,), _ = parse_gift(gift)
    assert (read.qtype, read.data) == ("keyword", KEYWORD.data)


def test_the_type_is_gone_once_unregistered(keyword_type):
    unregister("keyword")
    assert "keyword" not in QUESTION_TYPES
    assert list(QUESTION_TYPES) == [
        "single_choice",
        "multiple_response",
        "true_false",
        "numeric",
        "short_text",
        "matching",
    ]
