"""Moodle competency-framework CSV as text (pure): formula escaping, reading and writing, the
problems a bad file reports, and a real Moodle export."""

from __future__ import annotations

import csv
import io

import pytest

from competencies.services.moodle_csv import (
    COLUMNS,
    WRITTEN_COLUMNS,
    CompetencyRow,
    FrameworkRow,
    write_framework_csv,
)
from competencies.services.moodle_csv_reading import (
    Directory,
    check_framework_csv,
    parse_framework_csv,
)
from courses.learning.services.principles import PRINCIPLES
from lms.exports import spreadsheet_safe, undo_spreadsheet_safe
from tests.competencies.framework_csv_rows import competency_line, csv_text, framework_line

DIRECTORY = Directory(
    framework_codes=frozenset({"RKC-PRINCIPLES"}),
    competency_frameworks={"P-INT": "RKC-PRINCIPLES"},
    principle_codes=frozenset(fact.code for fact in PRINCIPLES),
)


# --- Formula injection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2 levels", "'-2 levels"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already quoted", "''=already quoted"),
        ("'Tis plain", "'Tis plain"),
        ("Valuation = price + additions", "Valuation = price + additions"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_escapes_formulas_and_the_importer_restores_them(value, written):
    assert spreadsheet_safe(value) == written
    assert undo_spreadsheet_safe(written) == value


def test_spreadsheet_safe_leaves_numbers_and_empty_values_alone():
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe(None) is None


# --- Reading and writing (pure) -----------------------------------------------------------------


def test_write_then_parse_gives_the_same_framework():
    framework = FrameworkRow(
        2, "BORDER", "Border skills", "Line one.\nLine two, with a comma.", ("Aware", "Trained",
        "Expert"), 2, "highest_valid", 24, "competency,skill", 5,
    )  # fmt: skip
    competencies = [
        CompetencyRow(
            2,
            "B-1",
            "=Formula-like name",
            "@risk",
            "",
            ("P-FAC", "P-MIN"),
            "PICARD: Customs policy",
            {"1": 'Explains, "quoted"', "3": "=Leads"},
        ),
        CompetencyRow(3, "B-1-1", "-Child", "+plus", "B-1", ()),
        CompetencyRow(4, "B-2", "Second", "", "", ("P-INT",)),
    ]
    text = write_framework_csv(framework, competencies)
    assert text.startswith("Parent ID number,ID number,Short name,Description,Description format")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(WRITTEN_COLUMNS) and len(rows) == 5
    assert rows[0][14:] == ["External ID", "Level descriptors"]  # ours, after Moodle's 14
    assert rows[1][14:] == ["", ""]  # the framework row
    assert rows[2][14:] == [
        "PICARD: Customs policy",
        '{"1":"Explains, \\"quoted\\"","3":"=Leads"}',
    ]
    assert rows[3][14:] == ["", ""]
    assert rows[1][6] == (
        '[{"scaleid":"BORDER"},{"id":1,"scaledefault":1,"proficient":0},'
        '{"id":2,"scaledefault":0,"proficient":1},{"id":3,"scaledefault":0,"proficient":1}]'
    )
    assert rows[1][9] == (
        '{"level_policy":"highest_valid","validity_months":24,"min_questions_per_level":5}'
    )
    assert (rows[1][12], rows[2][12]) == ("1", "0")
    assert rows[2][2:4] == ["'=Formula-like name", "'@risk"]
    assert rows[3][2:4] == ["'-Child", "'+plus"]

    parsed = parse_framework_csv(text)
    assert parsed.errors == [] and parsed.ok
    assert parsed.framework == framework
    assert [(c.code, c.name, c.description, c.parent_code, c.principle_codes, c.external_id,
             c.level_descriptors) for c in parsed.competencies] == [
        (c.code, c.name, c.description, c.parent_code, c.principle_codes, c.external_id,
         c.level_descriptors) for c in competencies
    ]  # fmt: skip


def test_every_bad_row_is_reported_with_its_line():
    text = csv_text(
        competency_line("B-CHILD", parent="B-TOP"),  # line 2: its parent comes later: fine
        framework_line(),  # 3
        competency_line("B-TOP", **{"Description": "Two\nlines"}),  # 4 and 5
        competency_line("B-TOP", name="Again"),  # 6: duplicate
        competency_line("", name="No code"),  # 7
        competency_line("B-ORPHAN", parent="B-NOWHERE"),  # 8
        competency_line("B-X", parent="B-Y"),  # 9: cycle
        competency_line("B-Y", parent="B-X"),  # 10: cycle
        competency_line("B-LONG", name="n" * 201),  # 11
        competency_line("P-INT", principles="P-FAC,P-XYZ"),  # 12: taken code, unknown principle
        ["only", "three", "fields"],  # 13
        competency_line("b lower"),  # 14
        competency_line("B-FMT", **{"Description format": "9"}),  # 15
        competency_line("B-SELF", parent="B-SELF"),  # 16
        competency_line("B-SCALE", **{"Scale values": "Low,High"}),  # 17
        competency_line("B-FLAG", **{"Is framework": "maybe"}),  # 18
    )
    checked = check_framework_csv(text, DIRECTORY)
    assert not checked.ok
    reported = [(error.line, error.message) for error in checked.errors]
    expected = [
        (6, "The ID number B-TOP is repeated (first on line 4)."),
        (7, "The ID number is empty."),
        (8, "The parent ID number B-NOWHERE is not a competency in this file."),
        (9, "B-X is its own ancestor: B-X → B-Y → B-X."),
        (10, "B-Y is its own ancestor: B-Y → B-X → B-Y."),
        (11, "The competency's short name is longer than 200 characters."),
        (12, "The ID number P-INT is already used by a competency of framework RKC-PRINCIPLES"),
        (13, "Has 3 fields; every row needs 14."),
        (14, "The ID number 'b lower' is not a competency code"),
        (15, "'Description format' is '9'"),
        (16, "B-SELF is its own parent."),
        (17, "The competency has a scale of its own"),
        (18, "'Is framework' is 'maybe'"),
    ]
    assert len(reported) == len(expected), reported
    for (line, message), (expected_line, fragment) in zip(reported, expected, strict=True):
        assert line == expected_line and message.startswith(fragment), (line, message)
    assert "; unknown reform principle code(s) P-XYZ in" in reported[6][1]


@pytest.mark.parametrize(
    ("framework_changes", "fragment"),
    [
        ({"ID number": ""}, "the framework's ID number is empty"),
        ({"ID number": "F" * 65}, "longer than 64"),
        ({"Short name": ""}, "short name is empty"),
        ({"Scale values": ""}, "'Scale values' is empty"),
        ({"Scale values": "Aware,Aware,Expert"}, "Aware is repeated"),
        ({"Scale configuration": ""}, "'Scale configuration' is empty"),
        ({"Scale configuration": '[{"scaleid":'}, "not valid JSON"),
        ({"Scale configuration": '{"scaleid":"1"}'}, "must be a JSON list"),
        ({"Scale configuration": '[{"scaleid":"1"},{"id":4,"proficient":1}]'}, "an id from 1 to 3"),
        ({"Scale configuration": '[{"scaleid":"1"},{"id":1,"proficient":0}]'}, "flags no level"),
        (
            {"Scale configuration": '[{"scaleid":"1"},{"id":2,"proficient":1},{"id":3}]'},
            "every level from the lowest proficient one up",
        ),
        ({"Rule config (optional)": '{"level_policy":"best"}'}, "unknown level policy"),
        ({"Rule config (optional)": '{"colour":"red"}'}, "must be empty or JSON"),
        (
            {"Rule config (optional)": '{"level_policy":"highest_valid"}'},
            "needs a validity period",
        ),
        ({"Rule config (optional)": '{"min_questions_per_level":0}'}, "1 to 20, not 0"),
        ({"Rule config (optional)": '{"min_questions_per_level":21}'}, "1 to 20, not 21"),
        ({"Rule config (optional)": '{"min_questions_per_level":"3"}'}, "a whole number"),
        ({"Rule config (optional)": '{"min_questions_per_level":true}'}, "a whole number"),
        ({"Taxonomy": "t" * 201}, "'Taxonomy' is longer than 200"),
        ({"Description": "d" * 10_001}, "description is longer than 10000"),
    ],
)
def test_framework_row_problems(framework_changes, fragment):
    checked = check_framework_csv(
        csv_text(framework_line(**framework_changes), competency_line("B-1")), DIRECTORY
    )
    assert [error.line for error in checked.errors] == [2]
    assert fragment.casefold() in checked.errors[0].message.casefold()


def test_file_level_problems():
    wrong_header = csv_text(competency_line("B-1"), header=(*COLUMNS[:-1], "Taxonomies"))
    assert [(e.line, e.message[:60]) for e in parse_framework_csv(wrong_header).errors] == [
        (1, "The header has 14 column(s) that are not Moodle's competency")
    ]
    assert "Expected these 14" in parse_framework_csv("ID number,Short name\r\n").errors[0].message
    assert parse_framework_csv("").errors[0].message == "The file is empty."
    no_framework = parse_framework_csv(csv_text(competency_line("B-1")))
    assert [(e.line, e.message) for e in no_framework.errors] == [
        (1, "The file has no framework row (a row with 'Is framework' = 1).")
    ]
    two = parse_framework_csv(csv_text(framework_line(), framework_line(**{"ID number": "X"})))
    assert [(e.line, e.message[:40]) for e in two.errors] == [
        (3, "A second framework row (the first is on ")
    ]
    taken = check_framework_csv(
        csv_text(framework_line(**{"ID number": "RKC-PRINCIPLES"})), DIRECTORY
    )
    assert [(e.line, e.message[:52]) for e in taken.errors] == [
        (2, "A framework with ID number RKC-PRINCIPLES already ex")
    ]


def test_a_moodle_export_with_html_descriptions_and_competency_rules_reads_cleanly():
    moodle = csv_text(
        framework_line(
            **{
                "Description": "<p>Border <b>skills</b> &amp; knowledge</p>",
                "Description format": "1",
                "Rule config (optional)": "",
                "Is framework": "1",
            }
        ),
        competency_line(
            "B-1",
            principles="",
            **{
                "Description": "<p>First</p><p>Second<script>alert(1)</script></p>",
                "Description format": "1",
                "Rule type (optional)": "core_competency\\competency_rule_all",
                "Rule outcome (optional)": "2",
                "Rule config (optional)": "null",
                "Exported ID (optional)": "41",
                "Is framework": "",
            },
        ),
    )
    parsed = check_framework_csv(moodle, DIRECTORY)
    assert parsed.ok, parsed.errors
    assert parsed.framework.description == "Border skills & knowledge"
    assert (parsed.framework.level_policy, parsed.framework.validity_months) == ("highest", None)
    assert parsed.framework.min_questions_per_level == 3  # Moodle's file says nothing: the default
    assert parsed.framework.proficient_level == 2
    assert parsed.competencies[0].description == "First\nSecond"
