"""The GIFT reader: every supported form, and every refusal with its line. Pure: no app, no
database (the writer and round trips: test_gift_writing.py)."""

from __future__ import annotations

import pytest

from courses.authoring.gift import GiftError, parse_gift
from tests.courses.gift_helpers import errors_of, read_one

# --- reading --------------------------------------------------------------------------------


def test_single_choice_with_feedback_partial_weights_name_and_tags():
    question = read_one(
        "::adopted-by::Which body adopted the RKC? {\n"
        "=The WCO#Right.\n"
        "~The WTO#No.\n"
        "~%50%UNCTAD\n"
        "~%-25%Nobody\n"
        "}",
        tags="// [tag:level-3] [tag:competency-P-STD]",
    )
    assert question.qtype == "single_choice"
    assert question.name == "adopted-by"
    assert question.text == "Which body adopted the RKC?"
    assert (question.level, question.competency_code) == (3, "P-STD")
    assert question.data == {
        "choices": [
            {"id": "c1", "text": "The WCO", "fraction": 1.0, "feedback": "Right."},
            {"id": "c2", "text": "The WTO", "fraction": 0.0, "feedback": "No."},
            {"id": "c3", "text": "UNCTAD", "fraction": 0.5, "feedback": ""},
            {"id": "c4", "text": "Nobody", "fraction": -0.25, "feedback": ""},
        ]
    }
    assert question.line == 2 and question.category == "" and question.general_feedback == ""


def test_multiple_response_when_every_answer_is_weighted():
    question = read_one("Which documents? {~%50%Invoice ~%50%Packing list ~%-100%Photos}")
    assert question.qtype == "multiple_response"
    assert [c["fraction"] for c in question.data["choices"]] == [0.5, 0.5, -1.0]
    assert [c["text"] for c in question.data["choices"]] == ["Invoice", "Packing list", "Photos"]


@pytest.mark.parametrize(
    ("answers", "key"),
    [("T", True), ("TRUE", True), ("true", True), ("F", False), ("FALSE", False), ("f", False)],
)
def test_true_false_keys(answers, key):
    question = read_one(f"Goods may be released before clearance. {{{answers}}}")
    assert question.qtype == "true_false"
    assert question.data == {"answer": key, "feedback_wrong": "", "feedback_right": ""}


def test_true_false_feedback_comes_wrong_first_then_right():
    question = read_one("Is it so? {FALSE#Look again.#Indeed.}")
    assert question.data == {
        "answer": False,
        "feedback_wrong": "Look again.",
        "feedback_right": "Indeed.",
    }
    only_wrong = read_one("Is it so? {T#Look again.}")
    assert only_wrong.data["feedback_wrong"] == "Look again."
    assert only_wrong.data["feedback_right"] == ""


def numeric_answers(body: str) -> list[dict]:
    question = read_one(f"How much? {{{body}}}")
    assert question.qtype == "numeric"
    return question.data["answers"]


def test_numeric_exact_value_has_no_tolerance():
    assert numeric_answers("#42") == [
        {"value": 42.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}
    ]


def test_numeric_value_with_tolerance():
    assert numeric_answers("#42:0.5") == [
        {"value": 42.0, "tolerance": 0.5, "fraction": 1.0, "feedback": ""}
    ]
    assert numeric_answers("# -3.5:2 ")[0] | {} == {
        "value": -3.5,
        "tolerance": 2.0,
        "fraction": 1.0,
        "feedback": "",
    }
    # A negative tolerance is read as its size.
    assert numeric_answers("#10:-2")[0]["tolerance"] == 2.0
    # An escaped colon still separates value and tolerance.
    assert numeric_answers("#10\\:3")[0]["tolerance"] == 3.0


def test_numeric_range_becomes_its_middle_and_half_width():
    assert numeric_answers("#1..3") == [
        {"value": 2.0, "tolerance": 1.0, "fraction": 1.0, "feedback": ""}
    ]
    assert numeric_answers("#-10..-4")[0] | {} == {
        "value": -7.0,
        "tolerance": 3.0,
        "fraction": 1.0,
        "feedback": "",
    }
    assert numeric_answers("#5..5")[0]["tolerance"] == 0.0


def test_numeric_several_weighted_answers_with_feedback():
    assert numeric_answers("#\n=1500:10#Exactly.\n=%50%1500:100#Close.\n=%25%1..3\n") == [
        {"value": 1500.0, "tolerance": 10.0, "fraction": 1.0, "feedback": "Exactly."},
        {"value": 1500.0, "tolerance": 100.0, "fraction": 0.5, "feedback": "Close."},
        {"value": 2.0, "tolerance": 1.0, "fraction": 0.25, "feedback": ""},
    ]


def test_short_text_when_every_answer_is_right():
    question = read_one("The HS is the Harmonized {=System#Yes. =%50%Code =sys} Convention.")
    assert question.qtype == "short_text"
    assert question.text == "The HS is the Harmonized _____ Convention."
    assert question.data == {
        "answers": [
            {"text": "System", "fraction": 1.0, "feedback": "Yes."},
            {"text": "Code", "fraction": 0.5, "feedback": ""},
            {"text": "sys", "fraction": 1.0, "feedback": ""},
        ]
    }


def test_a_blank_at_the_end_of_the_text_adds_no_underline():
    assert read_one("Name it: {=HS}  ").text == "Name it:"


def test_general_feedback_format_markers_and_escapes():
    question = read_one(
        "[markdown]What is 2 \\= 1\\+1\\: **true**? \\{sic\\} {\n"
        "=Yes\\~really\\#1\n~No\n####Arithmetic\\: see lesson 1.\n}"
    )
    assert question.text == "What is 2 = 1\\+1: **true**? {sic}"
    assert question.data["choices"][0]["text"] == "Yes~really#1"
    assert question.general_feedback == "Arithmetic: see lesson 1."
    assert read_one("[HTML]Is it? {T}").text == "Is it?"


def test_escaped_newlines_become_line_breaks():
    question = read_one("First line\\nsecond line {T#wrong\\nagain}")
    assert question.text == "First line\nsecond line"
    assert question.data["feedback_wrong"] == "wrong\nagain"


def test_categories_apply_to_the_questions_that_follow():
    source = (
        "$CATEGORY: Valuation\\: basics\n\n"
        "// [tag:level-1]\nQ1 {T}\n\n"
        "$category:   Origin  \n"
        "// [tag:level-1]\nQ2 {F}\n"
    )
    questions, errors = parse_gift(source)
    assert errors == []
    assert [(q.text, q.category, q.line) for q in questions] == [
        ("Q1", "Valuation: basics", 4),
        ("Q2", "Origin", 8),
    ]


def test_blank_lines_separate_questions_and_comments_carry_tags_only_before_one():
    source = (
        "// a plain comment\n"
        "// [tag:level-1]\n"
        "// [tag:competency-OPS-VAL]\n"
        "Q1 {\n"
        "// [tag:level-4] inside a question: ignored\n"
        "=A\n~B\n}\n"
        "\n\n"
        "// [tag:level-2]\n"
        "Q2 {T}"
    )
    questions, errors = parse_gift(source)
    assert errors == []
    assert [(q.text, q.level, q.competency_code, q.line) for q in questions] == [
        ("Q1", 1, "OPS-VAL", 4),
        ("Q2", 2, None, 12),
    ]


def test_windows_line_endings_read_like_unix_ones():
    unix = "// [tag:level-1]\nQ1 {\n=A#fine\n~B\n}\n\n// [tag:level-2]\nQ2 {#1..3}\n"
    windows = unix.replace("\n", "\r\n")
    assert parse_gift(windows) == parse_gift(unix)
    assert parse_gift(windows)[0][1].line == 8


def test_an_empty_text_has_no_questions_and_no_errors():
    assert parse_gift("") == ([], [])
    assert parse_gift("\n// just a comment\n\n") == ([], [])


# --- refusals, each with its line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Q {T", "The answer block opened with '{' is not closed with '}'."),
        ("Q {=A {x} ~B}", "An answer block cannot contain another '{'."),
        ("Q {T} and {F}", "Only one answer block per question."),
        ("Q {T} }", "Only one answer block per question."),
        ("No answers", "No answer block: a question needs its answers between { and }."),
        ("::name Q {T}", "The question name opened with '::' is not closed with '::'."),
        ("::name:: {T}", "The question has no text."),
        ("Q {}", "Empty answer block: essay questions are not supported."),
        ("Q {  }", "Empty answer block: essay questions are not supported."),
        (
            "Q {=a -> b ~c -> d}",
            "In a matching question every answer is '=item -> answer' "
            "('= -> answer' for an extra wrong one).",
        ),
        (
            "Q {=a -> b =c -> d}",
            "A matching question needs at least 2 items and 3 different "
            "answers (extra wrong answers count).",
        ),
        ("Q {stray =A ~B}", "Unexpected text before the first answer: 'stray'."),
        ("Q {=%150%A ~B}", "The weight 150% is outside -100% to 100%."),
        ("Q {~%-101%A =B}", "The weight -101% is outside -100% to 100%."),
        ("Q {#abc}", "'abc' is not a number."),
        ("Q {#3..1}", "The range 3..1 is reversed."),
        ("Q {#1..x}", "'x' is not a number."),
        ("Q {#1:x}", "'x' is not a number."),
        ("Q {=A =B ~C}", "A single-choice question needs exactly one right choice."),
    ],
)
def test_each_refusal_names_its_line(body, message):
    assert errors_of(f"// [tag:level-1]\n{body}") == [f"line 2: {message}"]


WRONG_LEVEL = "The level must be one of 1, 2, 3, 4"


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("", "Missing level: put '// [tag:level-N]' (N from 1 to 4) on the line before the "
         "question."),
        ("// [tag:competency-A]\n", "Missing level: put '// [tag:level-N]' (N from 1 to 4) on "
         "the line before the question."),
        ("// [tag:level-5]\n", f"{WRONG_LEVEL} (found 5)."),
        ("// [tag:level-0]\n", f"{WRONG_LEVEL} (found 0)."),
        ("// [tag:level-two]\n", f"{WRONG_LEVEL} (found two)."),
        ("// [tag:level-2] [tag:level-3]\n", f"{WRONG_LEVEL} (found 2, 3)."),
        ("// [tag:level-2]\n// [tag:level-2]\n", f"{WRONG_LEVEL} (found 2, 2)."),
        ("// [tag:level-2] [tag:competency-A] [tag:competency-B]\n",
         "A question carries at most one competency tag."),
    ],
)  # fmt: skip
def test_a_question_needs_exactly_one_level_and_at_most_one_competency(tags, message):
    line = tags.count("\n") + 1
    assert errors_of(f"{tags}Q {{T}}") == [f"line {line}: {message}"]


def test_an_error_inside_a_long_question_names_the_line_of_its_answer_block():
    source = "// [tag:level-1]\n::n::\nA question\nover lines {\n=%200%A\n~B\n}\n"
    assert errors_of(source) == ["line 4: The weight 200% is outside -100% to 100%."]
    unclosed = "// [tag:level-1]\nA question\nover lines {\n=A\n~B\n"
    assert errors_of(unclosed) == [
        "line 3: The answer block opened with '{' is not closed with '}'."
    ]
    extra = "// [tag:level-1]\nQ {=A\n~B\n} then\n}\n"
    assert errors_of(extra) == ["line 4: Only one answer block per question."]


def test_a_bad_question_means_nothing_is_imported_and_every_error_is_listed():
    source = (
        "// [tag:level-1]\nGood {T}\n\n"
        "// [tag:level-1]\nBroken {=A\n\n"
        "// [tag:level-1]\nAlso good {F}\n\n"
        "Untagged {T}\n"
    )
    questions, errors = parse_gift(source)
    assert questions == []
    assert errors == [
        GiftError(5, "The answer block opened with '{' is not closed with '}'."),
        GiftError(
            10,
            "Missing level: put '// [tag:level-N]' (N from 1 to 4) on the line before the "
            "question.",
        ),
    ]


def test_an_unusable_question_is_refused_with_its_types_own_words():
    assert errors_of("// [tag:level-1]\nQ {~%50%A ~%40%B ~%-100%C}") == [
        "line 2: The weights of the right choices add up to 90%; they must add up to 100%."
    ]


# --- edges the mutation run found untested ---------------------------------------------------


def test_names_categories_and_texts_may_hold_unescaped_colons_and_braces():
    source = (
        "$CATEGORY: Valuation: basics\n"
        "// [tag:level-4]\n"
        "::n::Ratio 1::2, set } aside? {T#no#yes\nindeed}\n"
    )
    questions, errors = parse_gift(source)
    assert errors == []
    (question,) = questions
    assert (question.category, question.name, question.text) == (
        "Valuation: basics",
        "n",
        "Ratio 1::2, set } aside?",
    )
    assert question.level == 4
    assert question.data["feedback_right"] == "yes\nindeed"
    assert read_one("::::Q {T}").name == ""


def test_text_after_the_answer_block_is_kept_whole():
    assert read_one("Name {=HS}s.").text == "Name _____ s."


def test_general_feedback_is_everything_after_the_first_four_hashes():
    assert read_one("Q {T####General ####more}").general_feedback == "General ####more"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Q {{T}", "line 2: An answer block cannot contain another '{'."),
        ("Q {T} {F", "line 2: Only one answer block per question."),
        ("Q\nover {=A\n{x} ~B}", "line 3: An answer block cannot contain another '{'."),
        (
            "Q\nmore {\n~%50%A\n~%40%\n}",
            "line 3: The weights of the right choices add up to 90%; they must add up to 100%. "
            "Every choice needs a text.",
        ),
        ("Q {#1..2..3}", "line 2: '2..3' is not a number."),
        ("Q {#1:2:3}", "line 2: '2:3' is not a number."),
        ("Q {#1\\:2\\:3}", "line 2: '2:3' is not a number."),
        ("Q {~%100.5%A ~%-100%B}", "line 2: The weight 100.5% is outside -100% to 100%."),
    ],
)
def test_more_refusals_with_their_lines(body, message):
    assert errors_of(f"// [tag:level-1]\n{body}") == [message]
