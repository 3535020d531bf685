"""The question types officers answer by typing (numbers and short texts): what they refuse,
how a typed number is read, and the mark each answer earns; and the edges the mutation run
found untested. Pure: no app, no database."""

from __future__ import annotations

import pytest

from courses.learning.questiontypes import parse_number, question_type
from tests.courses.questiontype_helpers import choice, frozen, grade

# --- numbers typed by officers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1500", 1500.0),
        ("  42 ", 42.0),
        ("1 500", 1500.0),
        ("1\u00a0500", 1500.0),
        ("1 500 000", 1500000.0),
        ("1,500", 1500.0),
        ("1,500,000", 1500000.0),
        ("1,500.5", 1500.5),
        ("1500,5", 1500.5),
        ("1500,25", 1500.25),
        ("1 500,25", 1500.25),
        ("-1,5", -1.5),
        ("0,5", 0.5),
        ("12,3456", 12.3456),
        # A decimal comma before three decimals: no group of thousands starts with 0 or has
        # more than three digits.
        ("0,125", 0.125),
        ("-0,125", -0.125),
        ("1500,125", 1500.125),
        ("-1,500", -1500.0),
        ("-7.25", -7.25),
        ("2.5e3", 2500.0),
    ],
)
def test_numbers_are_read_as_officers_type_them(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "  ", "abc", "1.2.3", "12%", "nan", "inf", "-inf", "1e999"])
def test_what_is_not_a_finite_number_is_not_read(typed):
    assert parse_number(typed) is None


# --- numeric --------------------------------------------------------------------------------

NUMERIC = {
    "answers": [
        {"value": 1500, "tolerance": 10, "fraction": 1.0, "feedback": "Exactly."},
        {"value": 1500, "tolerance": 100, "fraction": 0.5, "feedback": "Close."},
        {"value": 150, "fraction": 0.25},
    ]
}


@pytest.mark.parametrize(
    ("typed", "mark"),
    [
        ("1500", 1.0),
        ("1 510", 1.0),  # at the edge of the tolerance
        ("1490", 1.0),
        ("1510.5", 0.5),  # just outside: only the wider, half-mark answer
        ("1600", 0.5),
        ("1400", 0.5),
        ("1600.01", 0.0),
        ("150", 0.25),  # tolerance 0: only the exact value
        ("150.5", 0.0),
        ("151", 0.0),
        ("one thousand five hundred", 0.0),
        ("", 0.0),
    ],
)
def test_numeric_marks(typed, mark):
    assert grade("numeric", NUMERIC, typed) == mark


def test_a_numeric_answer_near_a_key_without_tolerance_is_wrong():
    exact = {"answers": [{"value": 42}]}
    assert grade("numeric", exact, "42") == 1.0
    assert grade("numeric", exact, "42,0") == 1.0
    assert grade("numeric", exact, "42.5") == 0.0
    assert grade("numeric", exact, "41") == 0.0
    assert grade("numeric", exact, "43") == 0.0


def test_a_numeric_answer_within_a_decimal_tolerance_is_right():
    rate = {"answers": [{"value": 0.1, "tolerance": 0.02}]}
    assert grade("numeric", rate, "0,12") == 1.0
    assert grade("numeric", rate, "0.08") == 1.0
    assert grade("numeric", rate, "0.121") == 0.0
    assert grade("numeric", rate, "0.079") == 0.0


def test_a_tampered_numeric_answer_earns_nothing():
    assert grade("numeric", NUMERIC, ["1500"]) == 0.0
    assert grade("numeric", NUMERIC, 1500) == 0.0
    assert grade("numeric", NUMERIC, None) == 0.0


def test_numeric_weights_are_capped_and_partial_credit_is_partial():
    data = {"answers": [{"value": 5, "fraction": 1.0}, {"value": 6, "fraction": 1.7}]}
    assert grade("numeric", data, "6") == 1.0
    penalty = {"answers": [{"value": 5}, {"value": 6, "fraction": -0.5}]}
    assert grade("numeric", penalty, "6") == 0.0


def test_numeric_review():
    qtype = question_type("numeric")
    shown = frozen("numeric", NUMERIC)
    assert qtype.feedback(shown, "1505") == ["<p>Exactly.</p>"]
    assert qtype.feedback(shown, "1550") == ["<p>Close.</p>"]
    assert qtype.feedback(shown, "150") == [] and qtype.feedback(shown, "9") == []
    assert qtype.answer_html(shown, "1 505") == ["1 505"]
    assert qtype.answer_html(shown, "<b>") == ["&lt;b&gt;"]
    assert qtype.answer_html(shown, "") == []
    assert qtype.marked_answers(shown) == [("1500 ± 10", 1.0), ("1500 ± 100", 0.5), ("150", 0.25)]
    assert qtype.public(shown) == {}


def test_the_review_shows_every_digit_of_a_large_key():
    """A customs value of 1,234,567 is shown as such, not as 1.23457e+06."""
    data = {"answers": [{"value": 1234567.0, "tolerance": 0.5, "fraction": 1.0, "feedback": ""}]}
    shown = frozen("numeric", data)
    assert question_type("numeric").marked_answers(shown) == [("1234567 ± 0.5", 1.0)]


def test_numeric_freezes_numbers_and_defaults():
    shown = frozen("numeric", {"answers": [{"value": 3}]})
    assert shown == {
        "answers": [{"value": 3.0, "tolerance": 0.0, "fraction": 1.0, "feedback_html": ""}]
    }


def test_numeric_refusals():
    qtype = question_type("numeric")
    assert qtype.validate(NUMERIC) == []
    assert qtype.validate({}) == ["A numeric question needs an answer."]
    assert qtype.validate({"answers": []}) == ["A numeric question needs an answer."]
    for value in ("12", None, float("nan"), float("inf")):
        assert qtype.validate({"answers": [{"value": value, "fraction": 1.0}]}) == [
            "Every answer must be a number."
        ]
    assert qtype.validate({"answers": [{"value": 3, "tolerance": -1, "fraction": 1.0}]}) == [
        "A tolerance cannot be negative."
    ]
    assert qtype.validate({"answers": [{"value": 3, "tolerance": 0, "fraction": 1.0}]}) == []
    assert qtype.validate({"answers": [{"value": 3, "fraction": 1.0}, {"value": 4}]}) == []
    assert qtype.validate({"answers": [{"value": 3, "fraction": 0.5}]}) == [
        "One answer must be worth 100%."
    ]
    assert qtype.validate({"answers": [{"value": 3, "fraction": 1.0}]}) == []


# --- short text -----------------------------------------------------------------------------

SHORT = {
    "answers": [
        {"text": "Harmonized System", "fraction": 1.0, "feedback": "Yes."},
        {"text": "HS", "fraction": 0.5, "feedback": "Spell it out."},
        {"text": "Harmonised System"},
        {"text": "Tariff", "fraction": 0.0, "feedback": "A tariff uses it."},
    ]
}


@pytest.mark.parametrize(
    ("typed", "mark"),
    [
        ("Harmonized System", 1.0),
        ("  harmonized   SYSTEM ", 1.0),
        ("Harmonised System", 1.0),
        ("hs", 0.5),
        ("HS code", 0.0),
        ("Harmonized", 0.0),
        ("tariff", 0.0),
        ("", 0.0),
        ("   ", 0.0),
        (None, 0.0),
        (["HS"], 0.0),
    ],
)
def test_short_text_marks(typed, mark):
    assert grade("short_text", SHORT, typed) == mark


def test_the_best_of_several_matching_answers_counts():
    data = {"answers": [{"text": "HS", "fraction": 0.5}, {"text": "hs", "fraction": 0.8}]}
    assert grade("short_text", data, "Hs") == 0.8
    capped = {"answers": [{"text": "HS", "fraction": 1.2}]}
    assert grade("short_text", capped, "HS") == 1.0


def test_an_accepted_answer_that_is_blank_never_matches_a_blank_answer():
    assert grade("short_text", {"answers": [{"text": " "}]}, "") == 0.0


def test_short_text_review():
    qtype = question_type("short_text")
    shown = frozen("short_text", SHORT)
    assert qtype.feedback(shown, "hs") == ["<p>Spell it out.</p>"]
    assert qtype.feedback(shown, "tariff") == ["<p>A tariff uses it.</p>"]
    assert qtype.feedback(shown, "harmonised system") == []
    assert qtype.feedback(shown, "nothing") == []
    assert qtype.answer_html(shown, "<i>HS</i>") == ["&lt;i&gt;HS&lt;/i&gt;"]
    assert qtype.answer_html(shown, None) == []
    assert qtype.marked_answers(shown) == [
        ("Harmonized System", 1.0),
        ("Harmonised System", 1.0),
        ("HS", 0.5),
    ]
    escaped = frozen("short_text", {"answers": [{"text": "<b>A&B</b>"}]})
    assert qtype.marked_answers(escaped) == [("&lt;b&gt;A&amp;B&lt;/b&gt;", 1.0)]


def test_short_text_refusals():
    qtype = question_type("short_text")
    refusal = ["A short-text question needs at least one accepted answer, none empty."]
    assert qtype.validate(SHORT) == []
    assert qtype.validate({}) == refusal
    assert qtype.validate({"answers": []}) == refusal
    assert qtype.validate({"answers": [{"text": "HS"}, {"text": "  "}]}) == refusal
    assert qtype.validate({"answers": [{"fraction": 1.0}]}) == refusal


def test_typed_answers_are_read_trimmed_and_bounded():
    assert question_type("short_text").read_answer(["  HS  "]) == "HS"
    assert question_type("numeric").read_answer(["x" * 501]) == "x" * 500
    assert question_type("numeric").read_answer([]) == ""


# --- edges the mutation run found untested ---------------------------------------------------


def test_weights_and_texts_left_out_of_a_choice_count_as_none():
    single = question_type("single_choice")
    assert single.validate({"choices": [choice("c1", "A", 1.0), {"id": "c2", "text": "B"}]}) == []
    multiple = question_type("multiple_response")
    unweighted = {
        "choices": [choice("c1", "A", 0.5), choice("c2", "B", 0.5), {"id": "c3", "text": "C"}]
    }
    assert multiple.validate(unweighted)[0].startswith("Ticking every box would score 100%")
    untexted = {"choices": [choice("c1", "A", 1.0), {"id": "c2", "fraction": -1.0}]}
    assert multiple.validate(untexted) == ["Every choice needs a text."]
    assert frozen("single_choice", {}) == {"choices": []}
    assert multiple.validate({}) == [
        "A multiple-response question needs at least two choices.",
        "The weights of the right choices add up to 0%; they must add up to 100%.",
    ]


def test_a_numeric_answer_without_a_weight_does_not_stop_another_being_worth_100_percent():
    qtype = question_type("numeric")
    assert qtype.validate({"answers": [{"value": 4}, {"value": 3, "fraction": 1.0}]}) == []


def test_a_numeric_answer_worth_nothing_gives_feedback_but_is_not_shown_as_marked():
    qtype = question_type("numeric")
    data = {
        "answers": [
            {"value": 10, "fraction": 1.0},
            {"value": 100, "fraction": 0.0, "feedback": "Per cent?"},
        ]
    }
    shown = frozen("numeric", data)
    assert qtype.grade(shown, "100") == 0.0
    assert qtype.feedback(shown, "100") == ["<p>Per cent?</p>"]
    assert qtype.marked_answers(shown) == [("10", 1.0)]
