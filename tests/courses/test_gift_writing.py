"""The GIFT writer: its output for each type, and the round trip of what it produces. Pure: no
app, no database."""

from __future__ import annotations

from courses.authoring.gift import GiftQuestion, write_gift
from tests.courses.gift_helpers import read_one, round_trip, same_content

# --- writing --------------------------------------------------------------------------------


def question(qtype: str, data: dict, **fields) -> GiftQuestion:
    defaults = {"line": 0, "text": "Question text?", "level": 2}
    return GiftQuestion(qtype=qtype, data=data, **(defaults | fields))


def test_the_writer_output_for_each_type():
    questions = [
        question(
            "single_choice",
            {
                "choices": [
                    {"id": "c1", "text": "A", "fraction": 1.0, "feedback": "Yes"},
                    {"id": "c2", "text": "B", "fraction": 0.0, "feedback": ""},
                    {"id": "c3", "text": "C", "fraction": 0.5, "feedback": ""},
                ]
            },
            name="sc",
            competency_code="OPS-VAL",
            category="Valuation",
            general_feedback="See the WTO agreement.",
        ),
        question(
            "multiple_response",
            {
                "choices": [
                    {"id": "c1", "text": "A", "fraction": 0.5, "feedback": ""},
                    {"id": "c2", "text": "B", "fraction": 0.5, "feedback": ""},
                    {"id": "c3", "text": "C", "fraction": 0.0, "feedback": ""},
                    {"id": "c4", "text": "D", "fraction": -1.0, "feedback": ""},
                ]
            },
            category="Valuation",
        ),
        question(
            "true_false",
            {"answer": False, "feedback_wrong": "", "feedback_right": ""},
            level=1,
            category="Origin",
        ),
        question(
            "numeric",
            {
                "answers": [
                    {"value": 42.0, "tolerance": 0.5, "fraction": 1.0, "feedback": "Right"},
                    {"value": 40.0, "tolerance": 0.0, "fraction": 0.25, "feedback": ""},
                ]
            },
            category="Origin",
        ),
        question(
            "short_text",
            {
                "answers": [
                    {"text": "HS", "fraction": 1.0, "feedback": ""},
                    {"text": "Harmonized", "fraction": 0.5, "feedback": "Nearly"},
                ]
            },
            category="",
        ),
    ]
    assert write_gift(questions) == (
        "$CATEGORY: Valuation\n\n"
        "// [tag:level-2] [tag:competency-OPS-VAL]\n"
        "::sc:: Question text? {\n\t=A#Yes\n\t~B\n\t~%50%C\n\t####See the WTO agreement.\n}\n\n"
        "// [tag:level-2]\n"
        "Question text? {\n\t~%50%A\n\t~%50%B\n\t~%0%C\n\t~%-100%D\n}\n\n"
        "$CATEGORY: Origin\n\n"
        "// [tag:level-1]\n"
        "Question text? {FALSE\n}\n\n"
        "// [tag:level-2]\n"
        "Question text? {#\n\t=42:0.5#Right\n\t=%25%40:0\n}\n\n"
        "$CATEGORY: \n\n"
        "// [tag:level-2]\n"
        "Question text? {\n\t=HS\n\t=%50%Harmonized#Nearly\n}\n"
    )
    again = round_trip(questions)
    assert [same_content(q) for q in again] == [same_content(q) for q in questions]


def test_true_false_feedback_survives_the_round_trip_in_its_places():
    for wrong, right in (("Wrong.", "Right."), ("", "Right."), ("Wrong.", "")):
        original = question(
            "true_false",
            {"answer": True, "feedback_wrong": wrong, "feedback_right": right},
            general_feedback="In general.",
        )
        assert same_content(round_trip([original])[0]) == same_content(original)
    assert write_gift([question("true_false", {"answer": True, "feedback_right": "R"})]) == (
        "// [tag:level-2]\nQuestion text? {TRUE##R\n}\n"
    )


def test_weights_of_numeric_and_short_answers_survive_export():
    numeric = question(
        "numeric",
        {
            "answers": [
                {"value": 7.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""},
                {"value": 8.0, "tolerance": 1.0, "fraction": 0.5, "feedback": ""},
                {"value": 9.0, "tolerance": 0.0, "fraction": 0.125, "feedback": ""},
            ]
        },
    )
    short = question(
        "short_text",
        {
            "answers": [
                {"text": "HS", "fraction": 1.0, "feedback": ""},
                {"text": "H.S.", "fraction": 0.75, "feedback": ""},
            ]
        },
    )
    again = round_trip([numeric, short])
    assert [a["fraction"] for a in again[0].data["answers"]] == [1.0, 0.5, 0.125]
    assert [a["fraction"] for a in again[1].data["answers"]] == [1.0, 0.75]


def test_special_characters_and_line_breaks_survive_the_round_trip():
    original = question(
        "single_choice",
        {
            "choices": [
                {"id": "c1", "text": "a ~ b = c", "fraction": 1.0, "feedback": "#1 {ok}"},
                {"id": "c2", "text": "x: y", "fraction": 0.0, "feedback": "line\nbreak"},
            ]
        },
        text="Which one?\nThink: {twice} ~ carefully = #1",
        name="odd::name",
        general_feedback="Because: {reasons}.",
        category="Cat: one",
    )
    assert same_content(round_trip([original])[0]) == same_content(original)


def test_windows_line_breaks_in_a_text_export_as_line_breaks():
    original = question("true_false", {"answer": True}, text="First\r\nsecond")
    written = write_gift([original])
    assert "\r" not in written
    assert round_trip([original])[0].text == "First\nsecond"


def test_a_question_without_a_category_after_one_with_a_category_leaves_it():
    first = question("true_false", {"answer": True}, category="Valuation")
    second = question("true_false", {"answer": False}, category="")
    again = round_trip([first, second])
    assert [q.category for q in again] == ["Valuation", ""]


def test_precise_numeric_keys_survive_export():
    original = question(
        "numeric",
        {
            "answers": [
                {"value": 1234567.0, "tolerance": 0.25, "fraction": 1.0, "feedback": ""},
                {"value": 0.1234567, "tolerance": 1234.5678, "fraction": 0.5, "feedback": ""},
            ]
        },
    )
    assert same_content(round_trip([original])[0]) == same_content(original)


def test_full_weights_are_allowed():
    question = read_one("Q {~%100%A ~%-100%B}")
    assert [c["fraction"] for c in question.data["choices"]] == [1.0, -1.0]


def test_paragraphs_in_a_text_survive_the_round_trip():
    original = question("true_false", {"answer": True}, text="First paragraph.\n\nSecond one.")
    assert round_trip([original])[0].text == "First paragraph.\n\nSecond one."


def test_answers_stored_without_feedback_are_written_without_it():
    questions = [
        question("true_false", {"answer": True, "feedback_wrong": "Wrong."}),
        question("numeric", {"answers": [{"value": 2.0, "tolerance": 0.0, "fraction": 1.0}]}),
        question("short_text", {"answers": [{"text": "HS", "fraction": 1.0}]}),
        question(
            "single_choice",
            {
                "choices": [
                    {"id": "c1", "text": "A", "fraction": 1.0},
                    {"id": "c2", "text": "B", "fraction": 0},
                ]
            },
        ),
    ]
    assert write_gift(questions) == (
        "// [tag:level-2]\nQuestion text? {TRUE#Wrong.#\n}\n\n"
        "// [tag:level-2]\nQuestion text? {#\n\t=2:0\n}\n\n"
        "// [tag:level-2]\nQuestion text? {\n\t=HS\n}\n\n"
        "// [tag:level-2]\nQuestion text? {\n\t=A\n\t~B\n}\n"
    )
