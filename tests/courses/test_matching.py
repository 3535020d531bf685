"""The matching type at its edges (grading per pair, tampering, its form and GIFT), and the
grading that Moodle's files brought: short-answer wildcards, numeric 'any other answer'
feedback, Moodle's thirds. Pure: no app, no database."""

from __future__ import annotations

import random

import pytest

from courses.learning.questiontypes import question_type
from courses.learning.questiontypes.short_text import matches_accepted
from tests.courses.gift_helpers import errors_of, read_one, round_trip, same_content
from tests.courses.question_form_harness import errors, posted, stored
from tests.courses.questiontype_helpers import choice, frozen, grade

MATCHING = {
    "pairs": [
        {"prompt": "Invoice", "answer": "Value"},
        {"prompt": "Certificate of **origin**", "answer": "Origin"},
        {"prompt": "Packing list", "answer": "Contents"},
        {"prompt": "Bill of lading", "answer": "Transport"},
    ],
    "distractors": ["Tariff"],
}
KIND = question_type("matching")


def key_of(shown: dict) -> dict[str, str]:
    return {p["id"]: p["answer"] for p in shown["prompts"]}


def test_matching_is_valid_with_two_items_and_three_answers():
    assert KIND.validate(MATCHING) == []
    two = {"pairs": MATCHING["pairs"][:2], "distractors": ["Tariff"]}
    assert KIND.validate(two) == []
    short = [
        "A matching question needs at least 2 items and 3 different answers (extra wrong "
        "answers count)."
    ]
    assert KIND.validate({"pairs": MATCHING["pairs"][:2]}) == short
    assert KIND.validate({"pairs": MATCHING["pairs"][:1], "distractors": ["A", "B"]}) == short
    same = {"pairs": [{"prompt": "a", "answer": "X"}, {"prompt": "b", "answer": "X "}]}
    assert KIND.validate({**same, "distractors": ["X"]}) == short
    assert KIND.validate({}) == short
    blank = {"pairs": [*MATCHING["pairs"], {"prompt": " ", "answer": "Y"}]}
    assert KIND.validate(blank) == [
        "Every item needs a text and an answer, and no answer is empty."
    ]
    assert KIND.validate({**MATCHING, "distractors": [" "]}) == [
        "Every item needs a text and an answer, and no answer is empty."
    ]
    arrow = {**MATCHING, "pairs": [*MATCHING["pairs"], {"prompt": "a -> b", "answer": "Z"}]}
    assert KIND.validate(arrow) == [
        "An item cannot contain '->' (GIFT reads it as the pair's arrow)."
    ]


def test_freezing_shuffles_the_answers_and_numbers_them_by_position():
    shown = frozen("matching", MATCHING)
    assert [p["html"] for p in shown["prompts"]] == [
        "<p>Invoice</p>",
        "<p>Certificate of <strong>origin</strong></p>",
        "<p>Packing list</p>",
        "<p>Bill of lading</p>",
    ]
    assert [p["id"] for p in shown["prompts"]] == ["m1", "m2", "m3", "m4"]
    assert sorted(o["text"] for o in shown["options"]) == [
        "Contents",
        "Origin",
        "Tariff",
        "Transport",
        "Value",
    ]
    assert [o["id"] for o in shown["options"]] == ["o1", "o2", "o3", "o4", "o5"]
    text_of = {o["id"]: o["text"] for o in shown["options"]}
    assert [text_of[p["answer"]] for p in shown["prompts"]] == [
        "Value",
        "Origin",
        "Contents",
        "Transport",
    ]
    draws = [frozen("matching", MATCHING, shuffle=True, seed=s) for s in range(10)]
    assert len({tuple(o["text"] for o in d["options"]) for d in draws}) > 1
    assert len({tuple(p["html"] for p in d["prompts"]) for d in draws}) > 1
    unshuffled = [frozen("matching", MATCHING, seed=s) for s in range(10)]
    assert len({tuple(o["text"] for o in d["options"]) for d in unshuffled}) > 1
    assert len({tuple(p["html"] for p in d["prompts"]) for d in unshuffled}) == 1


def test_the_quiz_page_gets_no_key():
    public = KIND.public(frozen("matching", MATCHING))
    assert set(public) == {"prompts", "options"}
    assert all(set(p) == {"id", "html"} for p in public["prompts"])


def test_each_right_pair_earns_its_share():
    shown = frozen("matching", MATCHING)
    key = key_of(shown)
    right = [f"{item}:{option}" for item, option in key.items()]
    assert KIND.grade(shown, KIND.read_answer(right)) == 1.0
    assert KIND.grade(shown, right[:3]) == 0.75
    assert KIND.grade(shown, right[:1]) == 0.25
    wrong = [f"m1:{key['m2']}", f"m2:{key['m1']}", *right[2:]]
    assert KIND.grade(shown, wrong) == 0.5
    assert KIND.grade(shown, []) == 0.0
    assert KIND.grade(shown, None) == 0.0
    assert KIND.grade(shown, "m1:o1") == 0.0
    assert KIND.grade({"prompts": [], "options": []}, right) == 0.0


def test_odd_or_tampered_answers_earn_nothing_more():
    shown = frozen("matching", MATCHING)
    key = key_of(shown)
    assert KIND.read_answer(["", "junk", "m1:o2", "m1:o2", "m9:o1"]) == ["m1:o2", "m9:o1"]
    assert KIND.read_answer(["m1:" + "o" * 40]) == ["m1:" + "o" * 17]
    assert len(KIND.read_answer([f"m{n}:o1" for n in range(80)])) == 50
    # One item answered twice: the last value read counts once, never twice.
    twice = [f"m1:{key['m1']}", f"m1:{key['m1']}", "m9:o1", "m2"]
    assert KIND.grade(shown, twice) == 0.25


def test_review_shows_the_pairs_chosen_and_the_key():
    shown = frozen("matching", MATCHING)
    key = key_of(shown)
    text_of = {o["id"]: o["text"] for o in shown["options"]}
    tariff = next(o["id"] for o in shown["options"] if o["text"] == "Tariff")
    answer = [f"m2:{key['m2']}", f"m1:{tariff}", "m3:o99"]
    assert KIND.answer_html(shown, answer) == [
        "Invoice → Tariff",
        "Certificate of <strong>origin</strong> → Origin",
    ]
    assert KIND.marked_answers(shown)[0] == (f"Invoice → {text_of[key['m1']]}", 0.25)
    assert len(KIND.marked_answers(shown)) == 4
    assert KIND.feedback(shown, answer) == []
    assert KIND.marked_answers({"prompts": [], "options": []}) == []


def test_an_answer_is_escaped_in_the_review():
    data = {"pairs": [{"prompt": "a", "answer": "<b>x</b>"}, {"prompt": "b", "answer": "y"}],
            "distractors": ["z"]}  # fmt: skip
    shown = frozen("matching", data)
    assert KIND.marked_answers(shown)[0][0] == "a → &lt;b&gt;x&lt;/b&gt;"


def test_sample_answers_are_right_or_wrong_on_every_item():
    shown = frozen("matching", MATCHING)
    rng = random.Random(3)
    assert KIND.grade(shown, KIND.sample_answer(shown, True, rng)) == 1.0
    for _ in range(5):
        assert KIND.grade(shown, KIND.sample_answer(shown, False, rng)) == 0.0


# --- the form -------------------------------------------------------------------------------


def test_the_form_stores_filled_pairs_and_each_extra_answer_once():
    values = {
        "pairs": [
            {"prompt": " Invoice ", "answer": " Value "},
            {"prompt": "", "answer": ""},
            {"prompt": "Packing list", "answer": "Contents"},
        ],
        "distractors": "Tariff\r\n\r\n Tariff \nQuota",
    }
    assert stored("matching", values) == {
        "pairs": [
            {"prompt": "Invoice", "answer": "Value"},
            {"prompt": "Packing list", "answer": "Contents"},
        ],
        "distractors": ["Tariff", "Quota"],
    }


@pytest.mark.parametrize("row", [{"prompt": "Alone"}, {"answer": "Alone"}])
def test_a_pair_with_one_side_is_refused_by_its_number(row):
    form = posted("matching", {"pairs": [{"prompt": "A", "answer": "B"}, row]})
    assert not form.validate()
    assert form.pairs.errors == ["Pair 2 needs both an item and its answer."]
    assert errors(posted("matching", {"pairs": [{"prompt": "A", "answer": "B"}]})) == {}


def test_the_form_shows_the_stored_pairs():
    assert KIND.form_values(MATCHING) == {
        "pairs": [{"prompt": p["prompt"], "answer": p["answer"]} for p in MATCHING["pairs"]],
        "distractors": "Tariff",
    }
    assert KIND.form_values({}) == {"pairs": [], "distractors": ""}
    many = {"pairs": [{"prompt": f"p{n}", "answer": f"a{n}"} for n in range(21)]}
    assert len(KIND.form_values(many)["pairs"]) == 20
    assert KIND.form_drops_details(many) and not KIND.form_drops_details(MATCHING)


# --- GIFT -----------------------------------------------------------------------------------


def test_matching_round_trips_through_gift():
    question = read_one(
        "::M:: Match the documents. {\n=Invoice -> Value\n=Certificate of **origin** -> Origin\n"
        "=Packing list -> Contents: what\\, inside\n= -> Tariff\n####Lesson 2.\n}"
    )
    assert question.qtype == "matching"
    assert question.data["pairs"][2] == {"prompt": "Packing list", "answer": "Contents: what\\,"
                                         " inside"}  # fmt: skip
    assert question.data["distractors"] == ["Tariff"]
    (again,) = round_trip([question])
    assert same_content(again) == same_content(question)
    escaped = read_one("Q {=a\\: b -> x\\=y =c -> d =e -> f}")
    assert escaped.data["pairs"][0] == {"prompt": "a: b", "answer": "x=y"}
    assert same_content(round_trip([escaped])[0]) == same_content(escaped)


def test_an_answer_may_hold_an_arrow_but_an_item_not():
    question = read_one("Q {=a -> b -> c =d -> e =f -> g}")
    assert question.data["pairs"][0] == {"prompt": "a", "answer": "b -> c"}


def test_a_matching_body_that_mixes_other_answers_is_refused():
    message = (
        "In a matching question every answer is '=item -> answer' ('= -> answer' for an extra "
        "wrong one)."
    )
    assert errors_of("// [tag:level-1]\nQ {=a -> b =c -> d ~e -> f}") == [f"line 2: {message}"]


# --- short text: Moodle's * wildcard --------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "typed", "hit"),
    [
        ("*", "anything at all", True),
        ("fr*g", "frog", True),
        ("fr*g", "fr g", True),
        ("fr*g", "frogs", False),
        ("*toad", "a toad", True),
        ("Customs *", "customs office", True),
        ("a.c", "abc", False),
        ("(a|b)", "a", False),
        ("(a|b)", "(a|b)", True),
        ("5\\*3", "5*3", True),
        ("5\\*3", "513", False),
        ("HS  code", "hs code", True),
        ("[a-z]*", "x", False),
        ("[a-z]*", "[a-z]yes", True),
    ],
)
def test_a_star_stands_for_any_text_and_nothing_else_is_a_pattern(accepted, typed, hit):
    assert matches_accepted(accepted, typed.casefold() if "  " not in typed else typed) is hit


def test_a_wildcard_catches_other_answers_with_its_feedback_and_weight():
    data = {
        "answers": [
            {"text": "frog", "fraction": 1.0, "feedback": "Very good."},
            {"text": "toad", "fraction": 0.8, "feedback": "OK."},
            {"text": "*", "fraction": 0.0, "feedback": "Bad answer."},
        ]
    }
    shown = frozen("short_text", data)
    kind = question_type("short_text")
    assert kind.grade(shown, "Frog") == 1.0
    assert kind.feedback(shown, "Frog") == ["<p>Very good.</p>"]
    assert kind.grade(shown, "toad") == 0.8
    assert kind.grade(shown, "newt") == 0.0
    assert kind.feedback(shown, "newt") == ["<p>Bad answer.</p>"]
    assert kind.feedback(shown, "") == []
    assert grade("short_text", data, "") == 0.0


# --- numeric: feedback for any other answer -------------------------------------------------


def test_numeric_other_answer_feedback_is_for_a_number_that_matches_nothing():
    data = {
        "answers": [{"value": 3.14, "tolerance": 0.0, "fraction": 1.0, "feedback": "Good."}],
        "other_feedback": "Completely **wrong**.",
    }
    kind = question_type("numeric")
    shown = frozen("numeric", data)
    assert shown["other_feedback_html"] == "<p>Completely <strong>wrong</strong>.</p>"
    assert kind.feedback(shown, "3.14") == ["<p>Good.</p>"]
    assert kind.feedback(shown, "2") == ["<p>Completely <strong>wrong</strong>.</p>"]
    assert kind.feedback(shown, "  ") == []
    assert kind.feedback(shown, None) == []
    assert "other_feedback_html" not in frozen("numeric", {"answers": data["answers"]})
    assert kind.feedback(frozen("numeric", {"answers": data["answers"]}), "2") == []


def test_numeric_other_feedback_from_the_form():
    values = {"numeric_answer": "3.14", "numeric_other_feedback": " Look again. "}
    assert stored("numeric", values)["other_feedback"] == "Look again."
    assert "other_feedback" not in stored("numeric", {"numeric_answer": "3.14"})
    assert question_type("numeric").form_values({"answers": [{"value": 1}],
                                                 "other_feedback": "No."})[
        "numeric_other_feedback"
    ] == "No."  # fmt: skip


# --- Moodle's thirds ------------------------------------------------------------------------


def test_three_thirds_score_full_marks():
    data = {"choices": [choice(f"c{n}", "X", 0.3333333) for n in (1, 2, 3)]
            + [choice("c4", "Y", -1.0)]}  # fmt: skip
    assert question_type("multiple_response").validate(data) == []
    assert grade("multiple_response", data, ["o1", "o2", "o3"]) == 1.0
    assert grade("multiple_response", data, ["o1", "o2"]) == pytest.approx(0.66667)
    assert grade("multiple_response", data, ["o1", "o2", "o3", "o4"]) == 0.0
