"""The matching type through the pages: an officer answers one select per item (every answer
offered, no key in the HTML), two right pairs of three earn two thirds of the marks, and the
result shows the pairs as far as the quiz's review policy allows; a trainer saves one through
the question form."""

from __future__ import annotations

import re

import pytest

from courses.authoring.services.questions import QuestionInput
from courses.learning.models import Attempt, Question
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import count_of, question_form, submit, text_of
from tests.courses.conftest import attempt_id_from, post_form

# Every text is unique, so a page can be searched for it.
ITEMS = {
    "Commercial invoice": "Customs value",
    "Certificate of origin": "Preferential treatment",
    "Packing list": "Quantity and contents",
}
EXTRA = "Tariff classification"
MATCHING = QuestionInput(
    qtype="matching",
    text="Match each **document** with what customs reads in it.",
    level=1,
    data={
        "pairs": [{"prompt": item, "answer": answer} for item, answer in ITEMS.items()],
        "distractors": [EXTRA],
    },
    general_feedback="General-matching: each document proves one thing.",
)
SELECT = re.compile(r'<select name="([^"]+)" id="[^"]+">(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def selects_of(page: str) -> dict[str, list[tuple[str, str]]]:
    """Each select of the page, by its label's item text: its options' (value, text)."""
    found = {}
    for match in SELECT.finditer(page):
        select_id = re.search(r'id="([^"]+)"', match.group(0)).group(1)
        label = re.search(rf'<label for="{re.escape(select_id)}">(.*?)</label>', page, re.S)
        assert label, select_id
        found[label.group(1).strip()] = OPTION.findall(match.group(2))
    return found


def start_attempt(client, login_as, officer, built) -> tuple[int, str]:
    login_as(officer)
    quiz_url = f"/courses/{built.course.id}/items/{built.quiz.id}"
    attempt_id = attempt_id_from(post_form(client, f"{quiz_url}/attempts", quiz_url))
    return attempt_id, text_of(client.get(f"/attempts/{attempt_id}"))


def answer_two_of_three(client, db, attempt_id: int) -> Attempt:
    """Pair the invoice and the certificate rightly, the packing list with the extra answer
    (found by their texts: the items may be shuffled)."""
    entry = db.session.get(Attempt, attempt_id).snapshot[0]
    frozen = entry["frozen"]
    extra = next(o["id"] for o in frozen["options"] if o["text"] == EXTRA)
    chosen = {
        prompt["id"]: extra if "Packing list" in prompt["html"] else prompt["answer"]
        for prompt in frozen["prompts"]
    }
    form = {f"answer-{entry['key']}": [f"{item}:{option}" for item, option in chosen.items()]}
    response = post_form(client, f"/attempts/{attempt_id}/submit", f"/attempts/{attempt_id}", form)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


@pytest.mark.parametrize("shows", ["marks", "keys"])
def test_an_officer_pairs_the_items_and_the_review_shows_what_the_quiz_allows(
    client, db, login_as, officer, create_course, shows
):
    built = create_course(
        lessons=1,
        bank=(MATCHING,),
        shuffle_questions=False,
        review_shows=shows,
        review_when="after_last_attempt",
        attempts_allowed=1,
    )
    attempt_id, page = start_attempt(client, login_as, officer, built)

    # One select per item, each offering every answer once (and "Choose…"), nothing chosen.
    key = db.session.get(Attempt, attempt_id).snapshot[0]["key"]
    selects = selects_of(page)
    assert sorted(selects) == sorted(ITEMS)
    offered = sorted([*ITEMS.values(), EXTRA])
    for options in selects.values():
        assert options[0] == ("", "Choose…")
        assert sorted(text for _, text in options[1:]) == offered
    assert page.count(f'<select name="answer-{key}"') == 3
    assert " selected" not in page
    # The same answers, in the same order, under every item: the order says nothing of the key.
    orders = {tuple(text for _, text in options) for options in selects.values()}
    assert len(orders) == 1
    # The key stays on the server: the values pair an item with an answer's number only.
    frozen = db.session.get(Attempt, attempt_id).snapshot[0]["frozen"]
    for prompt in frozen["prompts"]:
        item = re.sub(r"</?p>", "", prompt["html"])
        assert [value for value, _ in selects[item][1:]] == [
            f"{prompt['id']}:{option['id']}" for option in frozen["options"]
        ]
    assert '"answer"' not in page and "Answers offered" not in page
    assert "General-matching" not in page

    attempt = answer_two_of_three(client, db, attempt_id)
    assert (attempt.status, attempt.score) == ("graded", 66.67)

    result = " ".join(text_of(client.get(f"/attempts/{attempt_id}/result")).split())
    assert "66.7%" in result
    assert "Question 1 · partly right · 66.7% of its marks" in result
    invoice, origin, packing = (f"{item} → {answer}" for item, answer in ITEMS.items())
    if shows == "marks":
        # Marks only: which question was partly right, no pairs, no feedback, no key.
        assert "Your answer" not in result and "Answers that earn marks" not in result
        assert all(answer not in result for answer in ITEMS.values())
        assert "General-matching" not in result
    else:
        # Keys (the one attempt is used): the officer's pairs, then every right pair's share.
        assert "Your answer" in result and "Answers that earn marks" in result
        mine = result.split("Your answer")[1].split("Answers that earn marks")[0]
        assert invoice in mine and origin in mine
        assert f"Packing list → {EXTRA}" in mine and packing not in mine
        marked = result.split("Answers that earn marks")[1]
        for pair in (invoice, origin, packing):
            assert f"{pair} (33.3% of the marks)" in marked
        assert "General-matching: each document proves one thing." in result


def test_the_trainer_saves_a_matching_question_through_the_question_form(
    db, trainer_client, build_course
):
    course_id = build_course(bank=()).course.id
    url = f"/author/courses/{course_id}/questions/new"

    asked = text_of(trainer_client.get(f"{url}?type=matching"))
    assert 'name="pairs-0-prompt"' in asked and 'name="pairs-5-answer"' in asked
    assert 'name="distractors"' in asked

    rows = {}
    for index, (item, answer) in enumerate(ITEMS.items()):
        rows[f"pairs-{index}-prompt"] = f" {item} "
        rows[f"pairs-{index}-answer"] = answer
    fields = question_form(
        "matching",
        "Match each document.",
        **rows,
        **{"pairs-3-prompt": "", "pairs-3-answer": ""},  # an empty row is ignored
        distractors=f"{EXTRA}\n\n{EXTRA}\r\nNomenclature",
    )

    half = {**fields, "pairs-2-answer": ""}
    refused = submit(trainer_client, url, half)
    assert refused.status_code == 400
    assert "Pair 3 needs both an item and its answer." in text_of(refused)
    assert count_of(Question) == 0

    saved = submit(trainer_client, url, fields)
    assert saved.status_code == 302
    question = db.session.query(Question).one()
    assert question.qtype == "matching"
    assert question.data == {
        "pairs": [{"prompt": item, "answer": answer} for item, answer in ITEMS.items()],
        "distractors": [EXTRA, "Nomenclature"],
    }

    edit = text_of(trainer_client.get(f"/author/courses/{course_id}/questions/{question.id}"))
    assert 'value="Certificate of origin"' in edit and 'value="Quantity and contents"' in edit
