"""What each question type adds to the question form, and what it gives the demo data: the fields
a trainer sees, what they refuse, what a submitted form stores, what the form shows for a stored
question (and that saving it unchanged stores the same data), and sample answers. Also the
number and text helpers the forms use, and the registry's small helpers. Pure: plain WTForms
forms processed with form data, no app, no database."""

from __future__ import annotations

import random
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
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

TYPES = ("single_choice", "multiple_response", "true_false", "numeric", "short_text")


def form_class(qtype: str) -> type[Form]:
    return type("QuestionForm", (Form,), question_type(qtype).form_fields())


def posted(qtype: str, values: dict[str, Any]) -> Form:
    """The type's fields processed from form data as a browser would send them."""
    return form_class(qtype)(MultiDict(flatten(values)))


def flatten(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Form values as posted: a list of rows becomes `name-0-key` fields."""
    pairs = []
    for name, value in values.items():
        if isinstance(value, list):
            for index, row in enumerate(value):
                pairs += [(f"{name}-{index}-{key}", str(v)) for key, v in row.items()]
        else:
            pairs.append((name, str(value)))
    return pairs


def errors(form: Form) -> dict[str, Any]:
    """The form's error messages by field, as text (rows without errors left out)."""
    form.validate()
    return {name: texts(value) for name, value in form.errors.items()}


def texts(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: texts(v) for key, v in value.items()}
    if isinstance(value, list):
        return [texts(v) for v in value if v != {}]
    return str(value)


def stored(qtype: str, values: dict[str, Any]) -> Data:
    form = posted(qtype, values)
    assert form.validate(), form.errors
    return question_type(qtype).data_from_form(form)


def round_trip(qtype: str, data: Data) -> Data:
    """A stored question shown in the form and saved unchanged."""
    return stored(qtype, question_type(qtype).form_values(data))


def labels(qtype: str) -> dict[str, str]:
    form = form_class(qtype)()
    return {name: str(field.label.text) for name, field in form._fields.items()}


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


# --- numeric --------------------------------------------------------------------------------


def test_numeric_offers_an_answer_a_tolerance_and_feedback():
    assert labels("numeric") == {
        "numeric_answer": "Right answer (a number)",
        "numeric_tolerance": "Tolerance (±)",
        "numeric_feedback": "Feedback for the right answer",
    }
    form = form_class("numeric")()
    assert str(form.numeric_tolerance.description) == (
        "Answers this far from the right one also score. Blank means exact."
    )


def test_numeric_stores_one_answer_worth_full_marks():
    values = {"numeric_answer": "1 500,5", "numeric_tolerance": "2.5", "numeric_feedback": " Ok "}
    assert stored("numeric", values) == {
        "answers": [{"value": 1500.5, "tolerance": 2.5, "fraction": 1.0, "feedback": "Ok"}]
    }


def test_a_blank_tolerance_means_an_exact_answer():
    assert stored("numeric", {"numeric_answer": "-12"}) == {
        "answers": [{"value": -12.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]
    }


def test_numeric_without_an_answer_stores_none_and_a_tolerance_is_never_negative():
    qtype = question_type("numeric")
    assert qtype.data_from_form(posted("numeric", {})) == {"answers": []}
    assert qtype.data_from_form(posted("numeric", {"numeric_answer": "x"})) == {"answers": []}
    form = posted("numeric", {"numeric_answer": "0", "numeric_tolerance": "-2"})
    assert qtype.data_from_form(form)["answers"][0]["tolerance"] == 2.0


@pytest.mark.parametrize("typed", ["", "  ", "abc", "12 kg", "inf"])
def test_a_numeric_answer_that_is_not_a_number_is_refused(typed):
    form = posted("numeric", {"numeric_answer": typed})
    assert errors(form) == {
        "numeric_answer": ["The answer must be a number, for example 1500 or 12.5."]
    }


@pytest.mark.parametrize("typed", ["", "  ", "0", "0,5", "1 000"])
def test_a_tolerance_of_0_or_more_or_none_is_accepted(typed):
    assert errors(posted("numeric", {"numeric_answer": "1", "numeric_tolerance": typed})) == {}


@pytest.mark.parametrize("typed", ["-0.01", "-1", "abc", "nan"])
def test_a_negative_or_unreadable_tolerance_is_refused(typed):
    form = posted("numeric", {"numeric_answer": "1", "numeric_tolerance": typed})
    assert errors(form) == {"numeric_tolerance": ["The tolerance must be a number, 0 or more."]}


@pytest.mark.parametrize(("name", "limit"), [("numeric_answer", 50), ("numeric_tolerance", 50)])
def test_numeric_fields_are_bounded(name, limit):
    ok = posted("numeric", {"numeric_answer": "1", name: "1".rjust(limit, "0")})
    assert errors(ok) == {}
    long = posted("numeric", {"numeric_answer": "1", name: "1".rjust(limit + 1, "0")})
    assert name in errors(long)


def test_numeric_feedback_is_at_most_2000_characters():
    assert errors(posted("numeric", {"numeric_answer": "1", "numeric_feedback": "x" * 2000})) == {}
    long = posted("numeric", {"numeric_answer": "1", "numeric_feedback": "x" * 2001})
    assert "numeric_feedback" in errors(long)


def test_the_form_shows_the_best_numeric_answer():
    data = {
        "answers": [
            {"value": 10.0, "tolerance": 5.0, "fraction": 0.5, "feedback": "Close"},
            {"value": 1234567.0, "tolerance": 0.25, "fraction": 1.0, "feedback": "Right"},
            {"value": 7.0, "fraction": 0.0},
        ]
    }
    assert question_type("numeric").form_values(data) == {
        "numeric_answer": "1234567",
        "numeric_tolerance": "0.25",
        "numeric_feedback": "Right",
    }
    assert question_type("numeric").form_values({"answers": [{"value": 3}]}) == {
        "numeric_answer": "3",
        "numeric_tolerance": "0",
        "numeric_feedback": "",
    }
    assert question_type("numeric").form_values({}) == {}
    # An answer without a weight is not taken for the one worth 100%.
    unweighted = {"answers": [{"value": 3.0}, {"value": 5.0, "fraction": 1.0}]}
    assert question_type("numeric").form_values(unweighted)["numeric_answer"] == "5"


def test_a_numeric_answer_saved_unchanged_through_the_form_stays_the_same():
    data = {"answers": [{"value": 1234567.0, "tolerance": 0.5, "fraction": 1.0, "feedback": "Ok"}]}
    assert round_trip("numeric", data) == data


def test_the_form_says_when_it_drops_numeric_answers():
    qtype = question_type("numeric")
    one = {"value": 1.0, "tolerance": 0.0, "fraction": 1.0}
    assert qtype.form_drops_details({"answers": [one]}) is False
    assert qtype.form_drops_details({"answers": [one, one]}) is True
    assert qtype.form_drops_details({}) is False


# --- short text -----------------------------------------------------------------------------


def test_short_text_offers_accepted_answers_one_per_line():
    assert labels("short_text") == {"accepted_answers": "Accepted answers, one per line"}
    assert str(form_class("short_text")().accepted_answers.description) == (
        "Capitals and extra spaces in an officer's answer do not matter."
    )


def test_short_text_stores_each_accepted_line_once():
    values = {"accepted_answers": " HS code \r\n\r\nHarmonized System\rHS code\n  \n"}
    assert stored("short_text", values) == {
        "answers": [
            {"text": "HS code", "fraction": 1.0, "feedback": ""},
            {"text": "Harmonized System", "fraction": 1.0, "feedback": ""},
        ]
    }
    assert stored("short_text", {}) == {"answers": []}


def test_short_text_answers_are_counted_with_line_feeds_not_crlf():
    # 1000 lines of 5 characters: 5000 once the browser's CRLF is a line feed.
    pasted = "abcd\r\n" * 1000
    assert errors(posted("short_text", {"accepted_answers": pasted})) == {}
    assert len(stored("short_text", {"accepted_answers": pasted})["answers"]) == 1


def test_short_text_answers_are_at_most_5000_characters():
    assert errors(posted("short_text", {"accepted_answers": "x" * 5000})) == {}
    assert "accepted_answers" in errors(posted("short_text", {"accepted_answers": "x" * 5001}))


def test_the_form_shows_the_answers_that_score_one_per_line():
    data = {
        "answers": [
            {"text": "HS code", "fraction": 1.0},
            {"text": "tariff", "fraction": 0.0},
            {"text": "HS", "fraction": 0.5, "feedback": "Say it in full"},
            {"text": "Harmonized System"},
        ]
    }
    assert question_type("short_text").form_values(data) == {
        "accepted_answers": "HS code\nHS\nHarmonized System"
    }
    assert question_type("short_text").form_values({}) == {"accepted_answers": ""}
    untexted = {"answers": [{"fraction": 1.0}, {"text": "HS"}]}
    assert question_type("short_text").form_values(untexted) == {"accepted_answers": "\nHS"}


def test_short_text_saved_unchanged_through_the_form_stays_the_same():
    data = {
        "answers": [
            {"text": "HS code", "fraction": 1.0, "feedback": ""},
            {"text": "Harmonized System", "fraction": 1.0, "feedback": ""},
        ]
    }
    assert round_trip("short_text", data) == data


@pytest.mark.parametrize(
    ("answer", "drops"),
    [
        ({"text": "A", "fraction": 1.0, "feedback": ""}, False),
        ({"text": "A"}, False),
        ({"text": "A", "fraction": 0.5}, True),
        ({"text": "A", "fraction": 0.0}, True),
        ({"text": "A", "feedback": "Well done"}, True),
    ],
)
def test_the_form_says_when_it_drops_partial_credit_or_feedback(answer, drops):
    data = {"answers": [{"text": "B", "fraction": 1.0}, answer]}
    assert question_type("short_text").form_drops_details(data) is drops


def test_short_text_without_answers_drops_nothing():
    assert question_type("short_text").form_drops_details({}) is False


# --- true or false --------------------------------------------------------------------------


def test_true_false_offers_the_key_and_two_feedbacks():
    assert labels("true_false") == {
        "tf_answer": "The statement is",
        "tf_feedback_right": "Feedback for a right answer",
        "tf_feedback_wrong": "Feedback for a wrong answer",
    }
    choices = form_class("true_false")().tf_answer.choices
    assert [(value, str(label)) for value, label, *_ in choices] == [
        ("", "—"),
        ("true", "True"),
        ("false", "False"),
    ]


@pytest.mark.parametrize(("key", "answer"), [("true", True), ("false", False)])
def test_true_false_stores_the_key_and_feedback(key, answer):
    values = {"tf_answer": key, "tf_feedback_right": " Yes ", "tf_feedback_wrong": "  No "}
    assert stored("true_false", values) == {
        "answer": answer,
        "feedback_right": "Yes",
        "feedback_wrong": "No",
    }


@pytest.mark.parametrize("key", ["", "maybe"])
def test_true_false_without_a_key_stores_none_for_validate_to_refuse(key):
    data = stored("true_false", {"tf_answer": key})
    assert data == {"feedback_right": "", "feedback_wrong": ""}
    assert question_type("true_false").validate(data) == ["Say whether the statement is true."]


@pytest.mark.parametrize("name", ["tf_feedback_right", "tf_feedback_wrong"])
def test_true_false_feedback_is_at_most_2000_characters(name):
    assert errors(posted("true_false", {"tf_answer": "true", name: "x" * 2000})) == {}
    assert name in errors(posted("true_false", {"tf_answer": "true", name: "x" * 2001}))


@pytest.mark.parametrize("answer", [True, False])
def test_true_false_saved_unchanged_through_the_form_stays_the_same(answer):
    data = {"answer": answer, "feedback_right": "Yes", "feedback_wrong": "No"}
    assert question_type("true_false").form_values(data) == {
        "tf_answer": "true" if answer else "false",
        "tf_feedback_right": "Yes",
        "tf_feedback_wrong": "No",
    }
    assert round_trip("true_false", data) == data
    assert question_type("true_false").form_drops_details(data) is False


def test_true_false_without_feedback_shows_blank_feedback():
    assert question_type("true_false").form_values({"answer": True}) == {
        "tf_answer": "true",
        "tf_feedback_right": "",
        "tf_feedback_wrong": "",
    }


# --- sample answers (the demo data) ---------------------------------------------------------

SAMPLES = {
    "single_choice": {
        "choices": [
            {"id": "c1", "text": "A", "fraction": 0.0},
            {"id": "c2", "text": "B", "fraction": 0.5},
            {"id": "c3", "text": "C", "fraction": 1.0},
            {"id": "c4", "text": "D", "fraction": 0.0},
        ]
    },
    "multiple_response": {
        "choices": [
            {"id": "c1", "text": "A", "fraction": 0.5},
            {"id": "c2", "text": "B", "fraction": 0.0},
            {"id": "c3", "text": "C", "fraction": -0.5},
            {"id": "c4", "text": "D", "fraction": 0.5},
            {"id": "c5", "text": "E", "fraction": -1.0},
        ]
    },
    "true_false": {"answer": False},
    "numeric": {"answers": [{"value": 1234567.0, "tolerance": 0.0, "fraction": 1.0}]},
    "short_text": {"answers": [{"text": "Harmonized System"}, {"text": "HS"}]},
}


@pytest.mark.parametrize("qtype", TYPES)
@pytest.mark.parametrize("seed", range(5))
def test_a_right_sample_answer_scores_in_full_and_a_wrong_one_does_not(qtype, seed):
    kind = question_type(qtype)
    rng = random.Random(seed)
    frozen = kind.freeze(SAMPLES[qtype], rng, True)
    right = kind.read_answer(kind.sample_answer(frozen, True, rng))
    wrong = kind.read_answer(kind.sample_answer(frozen, False, rng))
    assert kind.grade(frozen, right) == 1.0
    assert kind.grade(frozen, wrong) < 1.0


def ids_of(frozen: Data, answer: list[str]) -> list[str]:
    bank_ids = {c["id"]: c["bank_id"] for c in frozen["choices"]}
    return [bank_ids[a] for a in answer]


def test_a_wrong_single_choice_sample_is_any_other_choice():
    kind = question_type("single_choice")
    frozen = kind.freeze(SAMPLES["single_choice"], random.Random(1), False)
    rng = random.Random(7)
    picked = {ids_of(frozen, kind.sample_answer(frozen, False, rng))[0] for _ in range(40)}
    assert picked == {"c1", "c2", "c4"}
    assert ids_of(frozen, kind.sample_answer(frozen, True, rng)) == ["c3"]


def test_multiple_response_samples():
    kind = question_type("multiple_response")
    frozen = kind.freeze(SAMPLES["multiple_response"], random.Random(1), False)
    rng = random.Random(1)
    right = kind.sample_answer(frozen, True, rng)
    assert ids_of(frozen, right) == ["c1", "c4"]
    # The first right choice and the first penalised one (not one worth nothing).
    wrong = kind.sample_answer(frozen, False, rng)
    assert ids_of(frozen, wrong) == ["c1", "c3"]
    assert kind.grade(frozen, wrong) == 0.0


@pytest.mark.parametrize(
    ("key", "right", "sample"),
    [(True, True, "true"), (True, False, "false"), (False, True, "false"), (False, False, "true")],
)
def test_true_false_samples(key, right, sample):
    kind = question_type("true_false")
    frozen = kind.freeze({"answer": key}, random.Random(1), False)
    assert kind.sample_answer(frozen, right, random.Random(1)) == [sample]


def test_typed_samples():
    rng = random.Random(1)
    numeric = question_type("numeric")
    frozen = numeric.freeze({"answers": [{"value": 12.5}, {"value": 99.0}]}, rng, False)
    assert numeric.sample_answer(frozen, True, rng) == ["12.5"]
    assert numeric.sample_answer(frozen, False, rng) == ["25.75"]
    short = question_type("short_text")
    frozen = short.freeze(SAMPLES["short_text"], rng, False)
    assert short.sample_answer(frozen, True, rng) == ["Harmonized System"]
    assert short.sample_answer(frozen, False, rng) == ["not sure"]
