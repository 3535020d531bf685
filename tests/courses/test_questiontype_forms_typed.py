"""What the typed-answer types (numeric, short text) and true/false add to the question form, and
the sample answers every type gives the demo data. Pure: plain WTForms forms, no app, no
database."""

from __future__ import annotations

import random

import pytest

from courses.learning.questiontypes import (
    Data,
    question_type,
)
from tests.courses.question_form_harness import (
    TYPES,
    errors,
    form_class,
    labels,
    posted,
    round_trip,
    stored,
)

# --- numeric --------------------------------------------------------------------------------


def test_numeric_offers_an_answer_a_tolerance_and_feedback():
    assert labels("numeric") == {
        "numeric_answer": "Right answer (a number)",
        "numeric_tolerance": "Tolerance (±)",
        "numeric_feedback": "Feedback for the right answer",
        "numeric_other_feedback": "Feedback for any other answer",
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
        "numeric_other_feedback": "",
    }
    assert question_type("numeric").form_values({"answers": [{"value": 3}]}) == {
        "numeric_answer": "3",
        "numeric_tolerance": "0",
        "numeric_feedback": "",
        "numeric_other_feedback": "",
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
        "Capitals and extra spaces in an officer's answer do not matter; * stands for any text "
        "(\\* for an asterisk)."
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
    "matching": {
        "pairs": [{"prompt": "a", "answer": "A"}, {"prompt": "b", "answer": "B"}],
        "distractors": ["C"],
    },
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
