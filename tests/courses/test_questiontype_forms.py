"""What the choice types add to the question form: the rows a trainer sees, what they refuse,
what a submitted form stores, what the form shows for a stored question (and that saving it
unchanged stores the same data); also the number and text helpers the forms use, and the
registry's small helpers (numeric, short text, true/false and the sample answers:
test_questiontype_forms_typed.py). Pure: plain WTForms forms processed with form data, no app,
no database."""

from __future__ import annotations

import random
from typing import Any

import pytest
from wtforms import Form

from courses.authoring.gift import SYNTAX
from courses.learning.questiontypes import (
    QUESTION_TYPES,
    Data,
    GiftSyntax,
    GiftSyntaxError,
    QuestionType,
    format_number,
    gift_readers,
    question_partial,
    question_type,
    register,
    unregister,
)
from courses.learning.questiontypes.base import exact_number, normalise_newlines
from courses.learning.questiontypes.choices import CHOICE_ROWS, MAX_CHOICE_ROWS
from tests.courses.question_form_harness import (
    errors,
    form_class,
    posted,
    round_trip,
    stored,
)

# --- number and text helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, "0"),
        (1500.0, "1500"),
        (12.5, "12.5"),
        (-50.0, "-50"),
        (100 / 3, "33.3333"),
        (0.1 * 100, "10"),
        (0.00004, "0"),
        (0.00005, "0.0001"),
        (1234567.0, "1234567"),
        (98765432.25, "98765432.25"),
    ],
)
def test_a_stored_number_is_shown_rounded_to_four_decimals_without_an_exponent(value, shown):
    assert format_number(value) == shown


@pytest.mark.parametrize(
    ("value", "text"),
    [(42.0, "42"), (0.5, "0.5"), (-3.25, "-3.25"), (1234567.0, "1234567.0"), (0.1, "0.1")],
)
def test_an_exact_number_reads_back_as_the_same_number(value, text):
    assert exact_number(value) == text
    assert float(exact_number(value)) == value


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb\n", "a\n\nb\n"),
        ("a\n\rb", "a\n\nb"),
        ("", ""),
        (None, None),
    ],
)
def test_lines_sent_by_a_browser_end_in_a_line_feed(value, normalised):
    assert normalise_newlines(value) == normalised


# --- the registry ---------------------------------------------------------------------------


def test_the_partials_of_a_type_are_its_own_then_the_generic_one():
    assert question_partial("numeric", "attempt") == [
        "questiontypes/numeric/attempt.html",
        "questiontypes/attempt.html",
    ]
    with pytest.raises(ValueError, match="unknown question type 'essay'"):
        question_partial("essay", "review")


class Scratch(QuestionType):
    name = "scratch"
    label = "Scratch"
    grading_rule = "Never scores."
    position = 15
    gift_order = 1

    def validate(self, data: Data) -> list[str]:
        return []

    def grade(self, frozen: Data, answer: Any) -> float:
        return 0.0

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        return None

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        return ""


def test_a_registered_type_takes_its_place_and_leaves_when_unregistered():
    before = list(QUESTION_TYPES)
    register(Scratch)
    try:
        assert list(QUESTION_TYPES) == [before[0], "scratch", *before[1:]]
        assert gift_readers()[0].name == "scratch"
        with pytest.raises(ValueError, match="question type 'scratch' is already registered"):
            register(Scratch)
    finally:
        unregister("scratch")
    assert list(QUESTION_TYPES) == before
    with pytest.raises(ValueError):
        question_type("scratch")
    unregister("scratch")  # an unknown name is no error
    assert list(QUESTION_TYPES) == before


def test_a_gift_syntax_error_reads_as_its_message():
    error = GiftSyntaxError("The range 3..1 is reversed.", 2)
    assert str(error) == error.message == "The range 3..1 is reversed."
    assert error.line_offset == 2
    assert GiftSyntaxError("No answer.").line_offset == 0


@pytest.mark.parametrize("body", ["=A\n=B", "=A\n~B", "~A\n=B"])
def test_multiple_response_reads_only_lists_of_tilde_answers(body):
    assert question_type("multiple_response").read_gift(body, SYNTAX) is None


def test_a_list_of_answers_without_any_is_refused():
    with pytest.raises(GiftSyntaxError) as refused:
        SYNTAX.answer_entries("")
    assert refused.value.message == "No answers found: start each answer with '=' or '~'."


def test_a_type_without_form_fields_adds_nothing_to_the_form():
    scratch = Scratch()
    assert scratch.form_fields() == {}
    assert scratch.data_from_form(Form()) == {}
    assert scratch.form_values({"x": 1}) == {}
    assert scratch.form_drops_details({"x": 1}) is False
    assert scratch.sample_answer({}, True, random.Random(1)) == []
    assert scratch.read_answer([" a "]) == "a"


# --- single choice and multiple response: rows of choices -----------------------------------


@pytest.mark.parametrize("qtype", ["single_choice", "multiple_response"])
def test_choice_types_offer_rows_of_choices(qtype):
    form = form_class(qtype)()
    assert list(form._fields) == ["choices"]
    assert len(form.choices.entries) == CHOICE_ROWS == 8
    row = form.choices.entries[0]
    assert {name: str(field.label.text) for name, field in row._fields.items()} == {
        "text": "Choice text",
        "weight": "Weight (%)",
        "feedback": "Feedback for this choice",
    }


def test_rows_beyond_the_last_allowed_one_are_not_read():
    values = {"choices": [{"text": f"C{n}", "weight": "0"} for n in range(MAX_CHOICE_ROWS + 1)]}
    form = posted("multiple_response", values)
    assert len(form.choices.entries) == MAX_CHOICE_ROWS == 20


def test_choice_rows_store_texts_weights_and_feedback_renumbered_without_blank_rows():
    values = {
        "choices": [
            {"text": "  The WCO ", "weight": "100", "feedback": " Right. "},
            {"text": "", "weight": "", "feedback": ""},
            {"text": "The WTO", "weight": "", "feedback": ""},
            {"text": "UNCTAD", "weight": "-33,5", "feedback": ""},
            {"text": "Nobody", "weight": " 12.5 ", "feedback": "Half a point"},
        ]
    }
    assert stored("single_choice", values) == {
        "choices": [
            {"id": "c1", "text": "The WCO", "fraction": 1.0, "feedback": "Right."},
            {"id": "c2", "text": "The WTO", "fraction": 0.0, "feedback": ""},
            {"id": "c3", "text": "UNCTAD", "fraction": -0.335, "feedback": ""},
            {"id": "c4", "text": "Nobody", "fraction": 0.125, "feedback": "Half a point"},
        ]
    }


def test_an_empty_choice_form_stores_no_choices():
    assert stored("single_choice", {}) == {"choices": []}


@pytest.mark.parametrize("weight", ["", "  ", "0", "100", "-100", "50,5", "-0.5", "1 0"])
def test_a_weight_from_minus_100_to_100_is_accepted(weight):
    assert errors(posted("single_choice", {"choices": [{"text": "A", "weight": weight}]})) == {}


@pytest.mark.parametrize("weight", ["100.01", "-100.5", "150", "abc", "50%", "inf", "nan"])
def test_a_weight_outside_minus_100_to_100_is_refused(weight):
    form = posted("single_choice", {"choices": [{"text": "A", "weight": weight}]})
    assert not form.validate()
    assert form.choices.entries[0].errors == {"weight": ["A weight is a number from -100 to 100."]}
    assert all(not row.errors for row in form.choices.entries[1:])


@pytest.mark.parametrize(
    "row",
    [{"weight": "50"}, {"feedback": "Why"}, {"text": "   ", "weight": "0"}],
)
def test_a_row_with_a_weight_or_feedback_but_no_text_is_refused_by_its_number(row):
    form = posted("single_choice", {"choices": [{"text": "A", "weight": "100"}, row]})
    assert not form.validate()
    assert form.choices.errors == ["Choice 2 has a weight or feedback but no text."]


def test_a_row_with_only_a_blank_weight_is_an_empty_row():
    form = posted("single_choice", {"choices": [{"text": "A"}, {"text": "", "weight": "  "}]})
    assert errors(form) == {}


@pytest.mark.parametrize("name", ["text", "feedback"])
def test_choice_texts_and_feedback_are_at_most_2000_characters(name):
    ok = posted("single_choice", {"choices": [{"text": "A", name: "x" * 2000}]})
    assert errors(ok) == {}
    long = posted("single_choice", {"choices": [{"text": "A", name: "x" * 2001}]})
    assert not long.validate()
    assert long.choices.entries[0].errors[name]


CHOICES = {
    "choices": [
        {"id": "c1", "text": "The WCO", "fraction": 1.0, "feedback": "Right."},
        {"id": "c2", "text": "The WTO", "fraction": 0.0, "feedback": ""},
        {"id": "c3", "text": "UNCTAD", "fraction": -1 / 3, "feedback": "No."},
        {"id": "c4", "text": "Nobody", "fraction": 0.125, "feedback": ""},
    ]
}


def test_the_form_shows_stored_choices_with_weights_in_percent():
    assert question_type("single_choice").form_values(CHOICES) == {
        "choices": [
            {"text": "The WCO", "weight": "100", "feedback": "Right."},
            {"text": "The WTO", "weight": "0", "feedback": ""},
            {"text": "UNCTAD", "weight": "-33.3333", "feedback": "No."},
            {"text": "Nobody", "weight": "12.5", "feedback": ""},
        ]
    }


def test_a_choice_missing_its_parts_is_shown_blank_and_worth_nothing():
    values = question_type("multiple_response").form_values({"choices": [{"id": "c1"}]})
    assert values == {"choices": [{"text": "", "weight": "0", "feedback": ""}]}
    assert question_type("multiple_response").form_values({}) == {"choices": []}


@pytest.mark.parametrize("qtype", ["single_choice", "multiple_response"])
def test_choices_saved_unchanged_through_the_form_stay_the_same(qtype):
    data = {
        "choices": [
            {"id": "c1", "text": "The WCO", "fraction": 0.5, "feedback": "Right."},
            {"id": "c2", "text": "The WTO", "fraction": -0.25, "feedback": ""},
            {"id": "c3", "text": "UNCTAD", "fraction": 0.5, "feedback": ""},
        ]
    }
    assert round_trip(qtype, data) == data


def test_the_form_shows_at_most_20_choices_and_says_when_it_drops_some():
    qtype = question_type("multiple_response")
    many = {"choices": [{"id": f"c{n}", "text": f"C{n}"} for n in range(1, 22)]}
    assert len(qtype.form_values(many)["choices"]) == MAX_CHOICE_ROWS
    assert qtype.form_values(many)["choices"][-1]["text"] == "C20"
    assert qtype.form_drops_details(many) is True
    assert qtype.form_drops_details({"choices": many["choices"][:20]}) is False
    assert qtype.form_drops_details({}) is False
