"""GIFT exchanged with Moodle: the file Moodle 4.1 made, its weights, escapes and format markers,
its multiple-answer questions and its untagged questions. Pure: no app, no database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courses.authoring.gift import (
    Untagged,
    html_to_markdown,
    literal_markdown,
    parse_gift,
    write_gift,
)
from courses.authoring.services.default_catalogue import CATALOGUE
from courses.learning.questiontypes.base import (
    MOODLE_PERCENTS,
    is_moodle_fraction,
    weight_problems,
)
from lms.markdown import render_markdown
from tests.courses.gift_helpers import errors_of, named_banks, read_one, round_trip, same_content

MOODLE_MADE = Path(__file__).parent / "fixtures" / "moodle-made.gift"
MOODLE_WEIGHTS = {f"{sign}{p}" for p in MOODLE_PERCENTS for sign in ("", "-")}


def moodle_made() -> str:
    return MOODLE_MADE.read_text(encoding="utf-8")


# --- the file Moodle made -------------------------------------------------------------------


def test_the_moodle_file_names_its_one_untagged_question_by_line_without_a_chosen_level():
    assert errors_of(moodle_made()) == [
        "line 102: Missing level: put '// [tag:level-N]' (N from 1 to 4) on the line before "
        "the question."
    ]


def test_the_moodle_file_imports_whole_with_a_level_for_untagged_questions():
    questions, errors = parse_gift(moodle_made(), Untagged(2, "INT-COC"))
    assert errors == []
    assert [(q.name[:2], q.qtype, q.level) for q in questions] == [
        ("X1", "matching", 1),
        ("M1", "single_choice", 2),
        ("M2", "single_choice", 1),
        ("M3", "multiple_response", 1),
        ("M4", "multiple_response", 2),
        ("N1", "numeric", 2),
        ("N2", "numeric", 2),
        ("S1", "short_text", 1),
        ("S2", "short_text", 1),
        ("T1", "true_false", 1),
        ("T2", "true_false", 2),
        ("T3", "true_false", 1),
    ]
    by_name = {q.name[:2]: q for q in questions}
    assert by_name["T2"].competency_code == "INT-COC"
    assert by_name["T2"].notes == (
        "No level tag: given level 2, as chosen for the import.",
        "No competency tag: given INT-COC, as chosen for the import.",
    )
    # A question with its own tags keeps them, and the chosen competency is not forced on it.
    assert (by_name["M4"].competency_code, by_name["M4"].notes) == ("INT-LEAD", ())
    assert by_name["X1"].data == {
        "pairs": [
            {"prompt": "frog", "answer": "amphibian"},
            {"prompt": "cat", "answer": "mammal"},
            {"prompt": "newt", "answer": "amphibian"},
        ],
        "distractors": ["insect"],
    }
    # Moodle's HTML shows as text, never as escaped tags; its escapes are undone.
    assert by_name["M1"].text.startswith("Un déclarant dépose une déclaration à 10:30")
    assert "(ratio 3:1, 50% = half, {braces}, ~tilde, #hash)" in by_name["M1"].text
    assert by_name["M1"].general_feedback == "The certificate of origin; الشهادة."
    assert render_markdown(by_name["T3"].text) == (
        "<p>The path C:\\Zoll\\new is a Windows path.</p>"
    )
    assert by_name["N1"].data["other_feedback"] == "Completely wrong."
    assert by_name["S1"].data["answers"][2] == {
        "text": "*",
        "fraction": 0.0,
        "feedback": "That is a bad answer.",
    }


def test_the_moodle_file_comes_back_the_same_through_our_writer():
    questions, _ = parse_gift(moodle_made(), Untagged(1))
    assert [same_content(q) for q in round_trip(questions)] == [same_content(q) for q in questions]


# --- weights: Moodle's list ----------------------------------------------------------------


def test_moodle_fractions_are_the_list_and_its_negatives_within_its_tolerance():
    assert len(MOODLE_PERCENTS) == 21 and MOODLE_PERCENTS[0] == "100"
    assert is_moodle_fraction(1 / 3) and is_moodle_fraction(-1 / 3) and is_moodle_fraction(0.33333)
    assert is_moodle_fraction(1 / 7) and is_moodle_fraction(0.05) and is_moodle_fraction(0)
    assert not is_moodle_fraction(0.34) and not is_moodle_fraction(0.3333)
    assert not is_moodle_fraction(0.35) and not is_moodle_fraction(-0.15)
    assert weight_problems([1.0, 0.5, -1 / 3]) == []
    assert weight_problems([0.34, 0.33, 0.34, -0.5]) == [
        "The weight(s) 33%, 34% are not in Moodle's list: use one of 100%, 90%, 83.33333%, 80%, "
        "75%, 70%, 66.66667%, 60%, 50%, 40%, 33.33333%, 30%, 25%, 20%, 16.66667%, 14.28571%, "
        "12.5%, 11.11111%, 10%, 5%, 0% or their negatives (a third is 33.33333%)."
    ]


@pytest.mark.parametrize(
    ("body", "written"),
    [
        ("{~%33.33333%A ~%33.33333%B ~%33.33333%C ~%-100%D}", "%33.33333%"),
        ("{~%33.333%A ~%33.333%B ~%33.334%C ~%-100%D}", "%33.33333%"),
        ("{=A ~%-33.33333%B}", "%-33.33333%"),
        ("{=A ~%14.28571%B}", "%14.28571%"),
        ("{=A ~%12.5%B}", "%12.5%"),
        ("{=A ~%-5%B}", "%-5%"),
    ],
)
def test_weights_are_written_as_moodle_spells_them(body, written):
    text = write_gift([read_one(f"Q {body}")])
    assert written in text
    assert set(re.findall(r"%(-?[\d.]+)%", text)) <= MOODLE_WEIGHTS


def test_a_weight_outside_moodles_list_is_refused_with_its_line():
    assert errors_of("// [tag:level-1]\nQ {\n~%34%A\n~%33%B\n~%33%C\n~%-100%D\n}") == [
        "line 2: The weight(s) 33%, 34% are not in Moodle's list: use one of 100%, 90%, "
        "83.33333%, 80%, 75%, 70%, 66.66667%, 60%, 50%, 40%, 33.33333%, 30%, 25%, 20%, "
        "16.66667%, 14.28571%, 12.5%, 11.11111%, 10%, 5%, 0% or their negatives (a third is "
        "33.33333%)."
    ]


def catalogue_banks() -> list[Path]:
    return sorted(Path(CATALOGUE).glob("*/*.gift"))


@pytest.mark.parametrize(
    "bank", catalogue_banks(), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_every_catalogue_weight_is_moodles_and_a_bank_exported_twice_is_the_same(bank):
    questions, errors = parse_gift(bank.read_text(encoding="utf-8"))
    assert errors == [] and questions
    exported = write_gift(questions)
    assert set(re.findall(r"%(-?[\d.]+)%", exported)) <= MOODLE_WEIGHTS
    again, errors = parse_gift(exported)
    assert errors == []
    assert write_gift(again) == exported


def test_every_catalogue_course_has_the_banks_it_names_and_int_a09_still_adds_up_to_full_marks():
    folders = sorted(path.parent for path in Path(CATALOGUE).glob("*/course.json"))
    assert len(folders) >= 14
    # Every bank a quiz names is there, and no bank lies beside them unused.
    for folder in folders:
        assert {path.name for path in folder.glob("*.gift")} == named_banks(folder), folder.name
    source = (Path(CATALOGUE) / "P-INT-101" / "assessment.gift").read_text(encoding="utf-8")
    int_a09 = next(q for q in parse_gift(source)[0] if q.name.startswith("INT-A09"))
    weights = [c["fraction"] for c in int_a09.data["choices"]]
    assert weights == pytest.approx([1 / 3, 1 / 3, 1 / 3, -0.5, -0.5], abs=1e-7)


# --- escapes -------------------------------------------------------------------------------


def test_a_backslash_is_written_doubled_and_read_back_unchanged():
    question = read_one("Path {T}")
    path = "C:\\new and a \\n that is not a line break\nbut this is"
    moved = question.__class__(**{**question.__dict__, "text": path, "general_feedback": path})
    text = write_gift([moved])
    assert "C\\:\\\\new and a \\\\n that is not a line break\\nbut this is" in text
    (back,) = round_trip([moved])
    assert (back.text, back.general_feedback) == (path, path)


def test_moodles_doubled_backslash_reads_as_one():
    assert read_one("C\\:\\\\Zoll\\\\new {T}").text == "C:\\Zoll\\new"
    assert read_one("A \\\\\\: B {T}").text == "A \\: B"


# --- format markers -------------------------------------------------------------------------


def test_html_is_sanitised_into_markdown_that_renders_it():
    question = read_one(
        "[html]<p>Is <b>this</b> <em>it</em>?<script>alert(1)</script></p>"
        '<ul><li>one</li><li><a href="https://wcoomd.org">two</a></li></ul>{T}'
    )
    assert question.text == "Is **this** *it*?\n\n- one\n- [two](https://wcoomd.org)"
    assert "script" not in question.text and "alert" not in question.text


def test_the_questions_marker_is_the_default_of_its_answers_and_an_answer_may_name_its_own():
    question = read_one(
        "[html]<p>Pick</p>{=<b>A</b>#<i>yes</i> ~[plain]<b>B</b> ~[markdown]*C*#**no**}"
    )
    choices = question.data["choices"]
    assert [c["text"] for c in choices] == ["**A**", "<b>B</b>", "*C*"]
    # Feedback without a marker is in the question's format (HTML here), as Moodle reads it.
    assert [c["feedback"] for c in choices] == ["*yes*", "", "\\*\\*no\\*\\*"]
    assert render_markdown(choices[1]["text"]) == "<p>&lt;b&gt;B&lt;/b&gt;</p>"


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("a<br>b", "a  \nb"),
        ("<ol><li>x</li><li>y</li></ol>", "1. x\n2. y"),
        ("<h2>T</h2>text", "## T\n\ntext"),
        ("<code>x_y</code>", "`x\\_y`"),
        ("<span>5 * 3 = [15]</span>", "5 \\* 3 = \\[15\\]"),
        ('<img src="/uploads/a.png" alt="A">', "![A](/uploads/a.png)"),
        ('<img src="https://evil.example/a.png">', ""),
        ("&lt;b&gt; &amp;", "<b> &"),
    ],
)
def test_html_to_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


@pytest.mark.parametrize(
    ("plain", "markdown"),
    [
        ("a*b_c", "a\\*b\\_c"),
        ("# not a heading", "\\# not a heading"),
        ("- not a list\n1. nor this", "\\- not a list\n1\\. nor this"),
        ("> quote `code` [link]", "\\> quote \\`code\\` \\[link\\]"),
        ("C:\\new", "C:\\\\new"),
        ("3.14 is fine", "3.14 is fine"),
    ],
)
def test_plain_text_is_kept_literal(plain, markdown):
    assert literal_markdown(plain) == markdown
    assert read_one(f"[plain]{plain.replace(chr(92), chr(92) * 2)} {{T}}").text == markdown


# --- Moodle's multiple-answer question ------------------------------------------------------


@pytest.mark.parametrize(
    ("wrong", "penalty"),
    [(1, "100"), (2, "50"), (3, "33.33333"), (4, "25"), (6, "16.66667"), (7, "14.28571"),
     (11, "10"), (19, "10"), (20, "5"), (25, "5")],
)  # fmt: skip
def test_free_wrong_answers_share_a_penalty_of_100_percent_from_moodles_list(wrong, penalty):
    wrongs = " ".join(f"~W{n}" for n in range(wrong - 1))
    question = read_one(f"Which? {{~%50%R1 ~%50%R2 {wrongs} ~%0%W}}")
    assert question.qtype == "multiple_response"
    penalties = [c["fraction"] for c in question.data["choices"] if c["text"][0] == "W"]
    assert penalties == [-float(penalty) / 100] * wrong
    assert question.notes == (
        "The wrong answers scored 0%, so ticking every box would have scored 100%: each wrong "
        f"answer ticked now takes away {penalty}%, so that ticking every box scores nothing.",
    )


def test_weighted_wrong_answers_and_all_right_answers_are_left_as_they_are():
    penalised = read_one("Which? {~%50%A ~%50%B ~%-100%C ~D}")
    assert [c["fraction"] for c in penalised.data["choices"]] == [0.5, 0.5, -1.0, 0.0]
    assert penalised.notes == ()
    all_right = read_one("Which? {~%50%A ~%50%B}")
    assert [c["fraction"] for c in all_right.data["choices"]] == [0.5, 0.5]
    assert all_right.notes == ()


# --- numeric 'any other answer', and errors on the answer's line ---------------------------


def test_numeric_any_other_answer_feedback_is_read_and_written():
    question = read_one("Pi? {#\n=3.14:0.005#Good.\n~#Completely wrong.\n}")
    assert question.data == {
        "answers": [{"value": 3.14, "tolerance": 0.005, "fraction": 1.0, "feedback": "Good."}],
        "other_feedback": "Completely wrong.",
    }
    assert "\t~#Completely wrong." in write_gift([question])
    assert same_content(round_trip([question])[0]) == same_content(question)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "{#\n=3.14\n~#a\n~#b\n}",
            5,
            "In a numeric question, '~' starts only the feedback for "
            "any other answer ('~#…'), once.",
        ),
        (
            "{#\n=3.14\n~3\n}",
            4,
            "In a numeric question, '~' starts only the feedback for any "
            "other answer ('~#…'), once.",
        ),
        ("{#\n=3.14\n=%50%abc#No.\n}", 4, "'abc' is not a number."),
        ("{#\n=3.14\n=2..1\n}", 4, "The range 2..1 is reversed."),
        (
            "{\n=a -> b\n=c -> d\n=e\n}",
            5,
            "In a matching question every answer is "
            "'=item -> answer' ('= -> answer' for an extra wrong one).",
        ),
    ],
)
def test_an_answers_error_names_the_answers_line(body, line, message):
    assert errors_of(f"// [tag:level-1]\nabc Q {body}") == [f"line {line}: {message}"]
