"""Every question type, through its public methods: what it refuses, what the quiz page shows,
how it reads a submitted form, and the mark each answer earns: the registry and the types
officers choose from (numbers typed by officers: test_questiontypes_typed.py). Pure: no app,
no database."""

from __future__ import annotations

import pytest

from courses.learning.questiontypes import question_type
from tests.courses.questiontype_helpers import TYPES, choice, frozen, grade

# --- the registry ---------------------------------------------------------------------------


def test_every_type_is_registered_under_its_name_and_states_its_rule():
    for name in TYPES:
        qtype = question_type(name)
        assert qtype.name == name
        assert str(qtype.label) and str(qtype.grading_rule)


def test_an_unknown_type_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown question type 'essay'"):
        question_type("essay")


# --- single choice --------------------------------------------------------------------------

SINGLE = {
    "choices": [
        choice("c1", "The **WCO**", 1.0, "Right: the WCO Council."),
        choice("c2", "The WTO", 0.0, "No: the WTO administers GATT."),
        choice("c3", "UNCTAD", 0.5),
        choice("c4", "Nobody", -0.5, ""),
    ]
}


def test_single_choice_freezes_rendered_choices_with_ids_from_their_shown_order():
    shown = frozen("single_choice", SINGLE)
    assert [c["id"] for c in shown["choices"]] == ["o1", "o2", "o3", "o4"]
    assert [c["bank_id"] for c in shown["choices"]] == ["c1", "c2", "c3", "c4"]
    assert shown["choices"][0]["html"] == "<p>The <strong>WCO</strong></p>"
    assert shown["choices"][0]["feedback_html"] == "<p>Right: the WCO Council.</p>"
    assert shown["choices"][3]["feedback_html"] == ""
    assert [c["fraction"] for c in shown["choices"]] == [1.0, 0.0, 0.5, -0.5]


def test_a_choice_without_a_weight_or_feedback_is_worth_nothing_and_says_nothing():
    shown = frozen("single_choice", {"choices": [{"id": "c1", "text": "A"}]})
    assert shown["choices"][0]["fraction"] == 0.0
    assert shown["choices"][0]["feedback_html"] == ""


def test_shuffling_changes_the_order_but_the_ids_still_follow_the_shown_order():
    orders = set()
    for seed in range(20):
        shown = frozen("single_choice", SINGLE, shuffle=True, seed=seed)
        assert [c["id"] for c in shown["choices"]] == ["o1", "o2", "o3", "o4"]
        orders.add(tuple(c["bank_id"] for c in shown["choices"]))
    assert len(orders) > 1
    # The same seed always gives the same order: a reloaded attempt shows what it showed.
    again = frozen("single_choice", SINGLE, shuffle=True, seed=3)
    assert again == frozen("single_choice", SINGLE, shuffle=True, seed=3)


def test_the_quiz_page_gets_only_ids_and_texts():
    qtype = question_type("single_choice")
    public = qtype.public(frozen("single_choice", SINGLE))
    assert public["choices"][0] == {"id": "o1", "html": "<p>The <strong>WCO</strong></p>"}
    assert all(set(c) == {"id", "html"} for c in public["choices"])


@pytest.mark.parametrize(
    ("answer", "mark"),
    [("o1", 1.0), ("o2", 0.0), ("o3", 0.5), ("o4", 0.0), ("o9", 0.0), ("", 0.0), (None, 0.0)],
)
def test_single_choice_marks(answer, mark):
    assert grade("single_choice", SINGLE, answer) == mark


def test_a_single_choice_weight_above_100_percent_earns_only_full_marks():
    data = {"choices": [choice("c1", "A", 1.5), choice("c2", "B")]}
    assert grade("single_choice", data, "o1") == 1.0


def test_single_choice_review_shows_the_choice_its_feedback_and_the_answers_that_score():
    qtype = question_type("single_choice")
    shown = frozen("single_choice", SINGLE)
    assert qtype.answer_html(shown, "o2") == ["<p>The WTO</p>"]
    assert qtype.answer_html(shown, "o9") == []
    assert qtype.feedback(shown, "o2") == ["<p>No: the WTO administers GATT.</p>"]
    assert qtype.feedback(shown, "o4") == []
    assert qtype.marked_answers(shown) == [
        ("<p>The <strong>WCO</strong></p>", 1.0),
        ("<p>UNCTAD</p>", 0.5),
    ]


def test_single_choice_refusals():
    qtype = question_type("single_choice")
    assert qtype.validate(SINGLE) == []
    assert qtype.validate({"choices": [choice("c1", "A", 1.0)]}) == [
        "A single-choice question needs at least two choices."
    ]
    assert qtype.validate({}) == [
        "A single-choice question needs at least two choices.",
        "A single-choice question needs exactly one right choice.",
    ]
    two_right = {"choices": [choice("c1", "A", 1.0), choice("c2", "B", 1.0)]}
    assert qtype.validate(two_right) == ["A single-choice question needs exactly one right choice."]
    none_right = {"choices": [choice("c1", "A", 0.9), choice("c2", "B")]}
    assert qtype.validate(none_right) == [
        "A single-choice question needs exactly one right choice."
    ]
    blank = {"choices": [choice("c1", "A", 1.0), choice("c2", "  ")]}
    assert qtype.validate(blank) == ["Every choice needs a text."]
    untexted = {"choices": [choice("c1", "A", 1.0), {"id": "c2", "fraction": 0}]}
    assert qtype.validate(untexted) == ["Every choice needs a text."]


def test_single_choice_reads_one_trimmed_value():
    assert question_type("single_choice").read_answer(["  o2 ", "o3"]) == "o2"
    assert question_type("single_choice").read_answer([]) == ""
    assert len(question_type("single_choice").read_answer(["x" * 900])) == 500


# --- multiple response ----------------------------------------------------------------------

MULTIPLE = {
    "choices": [
        choice("c1", "Invoice", 0.5, "Yes, the invoice."),
        choice("c2", "Packing list", 0.5),
        choice("c3", "Holiday photos", -1.0, "Never."),
        choice("c4", "A poem", -1.0),
    ]
}


@pytest.mark.parametrize(
    ("answer", "mark"),
    [
        (["o1", "o2"], 1.0),
        (["o1"], 0.5),
        (["o2"], 0.5),
        (["o1", "o3"], 0.0),
        (["o1", "o2", "o3"], 0.0),
        (["o1", "o2", "o3", "o4"], 0.0),
        ([], 0.0),
        (["o9"], 0.0),
        # Tampered: a single string where a list is due earns nothing.
        ("o1", 0.0),
        (None, 0.0),
    ],
)
def test_multiple_response_marks(answer, mark):
    assert grade("multiple_response", MULTIPLE, answer) == mark


def test_a_multiple_response_total_never_goes_above_100_percent():
    generous = {"choices": [choice("c1", "A", 0.75), choice("c2", "B", 0.75)]}
    assert grade("multiple_response", generous, ["o1", "o2"]) == 1.0
    assert grade("multiple_response", generous, ["o1"]) == 0.75


def test_multiple_response_review_and_feedback():
    qtype = question_type("multiple_response")
    shown = frozen("multiple_response", MULTIPLE)
    assert qtype.answer_html(shown, ["o1", "o3"]) == ["<p>Invoice</p>", "<p>Holiday photos</p>"]
    assert qtype.feedback(shown, ["o1", "o2", "o3"]) == [
        "<p>Yes, the invoice.</p>",
        "<p>Never.</p>",
    ]
    assert qtype.marked_answers(shown) == [("<p>Invoice</p>", 0.5), ("<p>Packing list</p>", 0.5)]


def test_multiple_response_reads_each_value_once_sorted_and_bounded():
    read = question_type("multiple_response").read_answer
    assert read(["o3", "o1", "o3"]) == ["o1", "o3"]
    assert read([]) == []
    assert read(["o1" + "x" * 40]) == ["o1" + "x" * 18]
    assert len(read([f"o{n}" for n in range(200)])) == 50


def test_multiple_response_refusals():
    qtype = question_type("multiple_response")
    assert qtype.validate(MULTIPLE) == []
    assert qtype.validate({"choices": [choice("c1", "A", 1.0)]}) == [
        "A multiple-response question needs at least two choices."
    ]
    short = {"choices": [choice("c1", "A", 0.5), choice("c2", "B", 0.4), choice("c3", "C", -1)]}
    assert qtype.validate(short) == [
        "The weights of the right choices add up to 90%; they must add up to 100%."
    ]
    # A third each is close enough to 100% (authors type 33.333%).
    thirds = [choice(f"c{n}", "X", 0.33333) for n in (1, 2, 3)]
    assert qtype.validate({"choices": [*thirds, choice("c4", "Y", -1.0)]}) == []
    assert qtype.validate({"choices": [choice("c1", "A", 0.5), choice("c2", "B", 0.6)]}) == [
        "The weights of the right choices add up to 110%; they must add up to 100%."
    ]
    unpunished = {"choices": [choice("c1", "A", 0.5), choice("c2", "B", 0.5), choice("c3", "C")]}
    assert qtype.validate(unpunished) == [
        "Ticking every box would score 100%: give the wrong choices penalties (negative "
        "weights) that add up to at least -100%, so that ticking everything earns nothing."
    ]
    lenient = {"choices": [choice("c1", "A", 0.5), choice("c2", "B", 0.5), choice("c3", "C", -0.5)]}
    assert qtype.validate(lenient)[0].startswith("Ticking every box would score 50%")
    # Every choice right: nothing to punish, and ticking everything is the right answer.
    assert qtype.validate({"choices": [choice("c1", "A", 0.5), choice("c2", "B", 0.5)]}) == []
    blank = {"choices": [choice("c1", "A", 1.0), choice("c2", "", -1.0)]}
    assert qtype.validate(blank) == ["Every choice needs a text."]


# --- true or false --------------------------------------------------------------------------


def true_false(answer: bool) -> dict:
    return {"answer": answer, "feedback_right": "Well *done*.", "feedback_wrong": "See lesson 2."}


@pytest.mark.parametrize(
    ("key", "answer", "mark"),
    [
        (True, "true", 1.0),
        (True, "false", 0.0),
        (False, "false", 1.0),
        (False, "true", 0.0),
        (True, "", 0.0),
        (False, "", 0.0),
        (False, "no", 0.0),
        (True, "TRUE", 0.0),
        (False, None, 0.0),
        (True, True, 0.0),
    ],
)
def test_true_false_marks(key, answer, mark):
    assert grade("true_false", true_false(key), answer) == mark


def test_true_false_shows_both_choices_and_never_the_key():
    qtype = question_type("true_false")
    for key in (True, False):
        assert qtype.public(frozen("true_false", true_false(key))) == {
            "choices": [{"id": "true", "html": "True"}, {"id": "false", "html": "False"}]
        }


def test_true_false_review():
    qtype = question_type("true_false")
    shown = frozen("true_false", true_false(False))
    assert qtype.answer_html(shown, "false") == ["False"]
    assert qtype.answer_html(shown, "true") == ["True"]
    assert qtype.answer_html(shown, "") == [] and qtype.answer_html(shown, "maybe") == []
    assert qtype.marked_answers(shown) == [("False", 1.0)]
    assert qtype.marked_answers(frozen("true_false", true_false(True))) == [("True", 1.0)]
    assert qtype.feedback(shown, "false") == ["<p>Well <em>done</em>.</p>"]
    assert qtype.feedback(shown, "true") == ["<p>See lesson 2.</p>"]
    assert qtype.feedback(shown, "") == [] and qtype.feedback(shown, "yes") == []
    silent = frozen("true_false", {"answer": True})
    assert qtype.feedback(silent, "true") == [] and qtype.feedback(silent, "false") == []


def test_true_false_needs_a_key_that_is_true_or_false():
    qtype = question_type("true_false")
    assert qtype.validate({"answer": False}) == []
    assert qtype.validate({"answer": True}) == []
    for data in ({}, {"answer": "true"}, {"answer": 1}, {"answer": None}):
        assert qtype.validate(data) == ["Say whether the statement is true."]


def test_true_false_reads_one_value():
    assert question_type("true_false").read_answer([" false "]) == "false"
    assert question_type("true_false").read_answer([]) == ""
