"""The quiz page carries no answer key: the snapshot's keys stay on the server until review."""

from __future__ import annotations

import re

from courses.learning.models import Attempt
from tests.courses.conftest import attempt_id_from, post_form


def start(client, built) -> int:
    url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    return attempt_id_from(post_form(client, f"{url}/attempts", url))


def test_the_attempt_page_shows_the_choices_and_nothing_of_the_key(
    client, db, login_as, officer, create_course
):
    built = create_course(lessons=1)
    login_as(officer)
    attempt_id = start(client, built)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    snapshot = db.session.get(Attempt, attempt_id).snapshot

    assert "fraction" not in html.lower()
    assert "feedback" not in html.lower()
    for entry in snapshot:
        assert entry["text_html"] in html  # the question is asked...
        frozen = entry["frozen"]
        for choice in frozen.get("choices", []):
            assert choice["html"].removeprefix("<p>").removesuffix("</p>") in html
            if choice["feedback_html"]:
                assert choice["feedback_html"] not in html  # ...but never answered
        for answer in frozen.get("answers", []):
            assert str(answer.get("text", "Harmonized System")) not in html
            if "value" in answer:
                assert f"{answer['value']:g}" not in html
            if answer["feedback_html"]:
                assert answer["feedback_html"] not in html
        for key in ("feedback_right_html", "feedback_wrong_html"):
            if frozen.get(key):
                assert frozen[key] not in html
        if entry["general_feedback_html"]:
            assert entry["general_feedback_html"] not in html
    for secret in (
        "Feedback-alpha",
        "Feedback-bravo",
        "General-charlie",
        "Feedback-delta",
        "Feedback-echo",
        "Feedback-foxtrot",
        "Feedback-golf",
        "Feedback-hotel",
        "Harmonized System",
        "Harmonised System",
        "73129",
    ):
        assert secret not in html


def test_choice_values_follow_the_shown_order_not_the_authors(
    client, db, login_as, officer, create_course
):
    """The bank's ids follow the author's order (the right choice is often first): the page
    names choices by their shown position only, so the values tell nothing."""
    built = create_course(lessons=1)
    login_as(officer)
    attempt_id = start(client, built)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    for entry in snapshot:
        if entry["qtype"] not in ("single_choice", "multiple_response"):
            continue
        values = re.findall(rf'name="answer-{entry["key"]}"[^>]*value="([^"]+)"', html)
        assert values == [f"o{n}" for n in range(1, len(values) + 1)]
        assert [c["id"] for c in entry["frozen"]["choices"]] == values
    assert 'value="c1"' not in html


def test_the_attempt_page_labels_every_input(client, login_as, officer, create_course):
    built = create_course(lessons=1)
    login_as(officer)
    html = client.get(f"/attempts/{start(client, built)}").get_data(as_text=True)
    form = html.split('class="quiz-form"', 1)[1]
    ids = re.findall(r'<input type="(?:radio|checkbox|text)"[^>]*id="([^"]+)"', form)
    assert len(ids) >= 5
    for input_id in ids:
        assert f'<label for="{input_id}">' in form
    assert form.count("<fieldset") == form.count("<legend>") == 5
