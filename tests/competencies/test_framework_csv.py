"""Moodle competency-framework CSV: reading, writing, round trips, and the import pages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from competencies.models import Competency, Framework
from competencies.services.competency_tree import (
    CompetencyDetails,
    competency_tree,
    save_competency,
)
from competencies.services.framework_csv import (
    check_framework_import,
    export_framework_csv,
    import_framework,
)
from competencies.services.frameworks import ensure_default_frameworks
from competencies.services.moodle_csv import (
    COLUMNS,
    CompetencyRow,
    FrameworkRow,
    write_framework_csv,
)
from competencies.services.moodle_csv_reading import (
    Directory,
    check_framework_csv,
    parse_framework_csv,
)
from config import TestingConfig
from courses.learning.services.principles import PRINCIPLES
from lms import create_app
from lms.audit.models import AuditEntry
from lms.errors import ValidationError
from lms.exports import spreadsheet_safe, undo_spreadsheet_safe
from lms.extensions import db as _db
from tests.lms.browsing import csrf_token_for, submit, text_of

DIRECTORY = Directory(
    framework_codes=frozenset({"RKC-PRINCIPLES"}),
    competency_frameworks={"P-INT": "RKC-PRINCIPLES"},
    principle_codes=frozenset(fact.code for fact in PRINCIPLES),
)
SCALE_CONFIG = (
    '[{"scaleid":"7"},{"id":1,"scaledefault":1,"proficient":0},'
    '{"id":2,"scaledefault":0,"proficient":1},{"id":3,"scaledefault":0,"proficient":1}]'
)


def framework_line(**changes) -> list[str]:
    row = dict(
        zip(
            COLUMNS,
            [
                "",
                "BORDER",
                "Border skills",
                "Skills at the border.",
                "2",
                "Aware,Trained,Expert",
                SCALE_CONFIG,
                "",
                "",
                '{"level_policy":"highest_valid","validity_months":24}',
                "",
                "",
                "1",
                "competency,skill",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def competency_line(code, name="A competency", parent="", principles="P-FAC", **changes):
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "Parent ID number": parent,
            "ID number": code,
            "Short name": name,
            "Description": f"What {name} means.",
            "Description format": "2",
            "Cross-referenced competency ID numbers": principles,
            "Is framework": "",
        }
    )
    row.update(changes)
    return list(row.values())


def csv_text(*rows: list[str], header=COLUMNS) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


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
        "Expert"), 2, "highest_valid", 24, "competency,skill",
    )  # fmt: skip
    competencies = [
        CompetencyRow(2, "B-1", "=Formula-like name", "@risk", "", ("P-FAC", "P-MIN")),
        CompetencyRow(3, "B-1-1", "-Child", "+plus", "B-1", ()),
        CompetencyRow(4, "B-2", "Second", "", "", ("P-INT",)),
    ]
    text = write_framework_csv(framework, competencies)
    assert text.startswith("Parent ID number,ID number,Short name,Description,Description format")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS) and len(rows) == 5
    assert rows[1][6] == (
        '[{"scaleid":"BORDER"},{"id":1,"scaledefault":1,"proficient":0},'
        '{"id":2,"scaledefault":0,"proficient":1},{"id":3,"scaledefault":0,"proficient":1}]'
    )
    assert rows[1][9] == '{"level_policy":"highest_valid","validity_months":24}'
    assert (rows[1][12], rows[2][12]) == ("1", "0")
    assert rows[2][2:4] == ["'=Formula-like name", "'@risk"]
    assert rows[3][2:4] == ["'-Child", "'+plus"]

    parsed = parse_framework_csv(text)
    assert parsed.errors == [] and parsed.ok
    assert parsed.framework == framework
    assert [(c.code, c.name, c.description, c.parent_code, c.principle_codes)
            for c in parsed.competencies] == [
        (c.code, c.name, c.description, c.parent_code, c.principle_codes) for c in competencies
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
    assert parsed.framework.proficient_level == 2
    assert parsed.competencies[0].description == "First\nSecond"


# --- Import and export against the database -----------------------------------------------------


def tree_facts(framework: Framework) -> dict:
    return {
        "framework": (
            framework.code,
            framework.name,
            framework.description,
            list(framework.scale),
            framework.proficient_level,
            framework.level_policy,
            framework.validity_months,
            framework.taxonomy,
        ),
        "tree": [
            (
                c.code,
                c.name,
                c.description,
                c.parent.code if c.parent else None,
                c.depth,
                [p.code for p in c.principles],
            )
            for c in competency_tree(framework)
        ],
    }


@pytest.fixture
def fresh_app(tmp_path):
    """A second platform with its own empty database."""
    app = create_app(
        TestingConfig,
        {
            "INSTANCE_PATH": str(tmp_path / "fresh"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        },
    )
    with app.app_context():
        _db.create_all()
    yield app  # the test enters its context when it means to work there
    with app.app_context():
        _db.engine.dispose()


def test_export_then_import_into_a_fresh_database_changes_nothing(db, app, fresh_app):
    frameworks = ensure_default_frameworks()
    # Make the tree and values less regular than the defaults.
    ops = next(f for f in frameworks if f.code == "CUSTOMS-OPS")
    ops.proficient_level, ops.scale = 3, ["Aware", "Trained", "Advanced", "Expert", "Master"]
    risk = next(c for c in ops.competencies if c.code == "OPS-RSK")
    save_competency(
        ops,
        None,
        CompetencyDetails("OPS-TGT", "=Targeting", "-Selects, \"quotes\"\nand lines", risk.id,
                          ("P-MIN",)),
        actor_id=None,
    )  # fmt: skip
    db.session.commit()
    exported = {f.code: export_framework_csv(f) for f in frameworks}
    facts = {f.code: tree_facts(f) for f in frameworks}
    assert "'=Targeting" in exported["CUSTOMS-OPS"]

    with fresh_app.app_context():
        assert _db.session.scalar(select(func.count(Framework.id))) == 0
        for code in ("CUSTOMS-OPS", "RKC-PRINCIPLES", "ARUSHA-INTEGRITY", "PICARD-MGT"):
            imported = import_framework(exported[code], actor_id=None)
            _db.session.commit()
            assert tree_facts(imported) == facts[code]
            assert export_framework_csv(imported) == exported[code]  # byte-identical
        target = _db.session.scalar(select(Competency).where(Competency.code == "OPS-TGT"))
        assert (target.name, target.parent.code) == ("=Targeting", "OPS-RSK")
        entry = _db.session.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
        assert entry.action == "framework.imported" and "with 8 competencies" in entry.summary


def test_an_import_with_errors_writes_nothing(db):
    ensure_default_frameworks()
    db.session.commit()
    before = (
        db.session.scalar(select(func.count(Framework.id))),
        db.session.scalar(select(func.count(Competency.id))),
    )
    text = csv_text(
        framework_line(),
        competency_line("B-1"),
        competency_line("OPS-VAL"),  # taken by the operational framework
        competency_line("B-2", parent="B-9"),
    )
    checked = check_framework_import(text)
    assert [e.line for e in checked.errors] == [4, 5]
    assert "framework CUSTOMS-OPS" in checked.errors[0].message
    with pytest.raises(ValidationError, match=r"Nothing was imported\. line 4: "):
        import_framework(text, actor_id=None)
    db.session.rollback()
    after = (
        db.session.scalar(select(func.count(Framework.id))),
        db.session.scalar(select(func.count(Competency.id))),
    )
    assert after == before
    with pytest.raises(ValidationError, match="already exists"):
        import_framework(export_framework_csv(db.session.scalar(select(Framework))), actor_id=None)


def test_the_commands_export_and_import(db, runner, tmp_path):
    ensure_default_frameworks()
    db.session.commit()
    target = tmp_path / "principles.csv"
    result = runner.invoke(args=["competencies", "export-framework", "RKC-PRINCIPLES", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"Parent ID number,") and b"\r\nP-INT," not in data
    assert b",P-INT,Integrity," in data
    # Under a new code it imports; under the same code it is refused, listing the line.
    renamed = data.replace(b",RKC-PRINCIPLES,", b",RKC-COPY,").replace(b",P-", b",Q-")
    (tmp_path / "copy.csv").write_bytes(renamed)
    result = runner.invoke(args=["competencies", "import-framework", str(tmp_path / "copy.csv")])
    assert result.exit_code == 1 and "Unknown reform principle code(s) Q-INT" in result.output
    renamed = data.replace(b",RKC-PRINCIPLES,", b",RKC-COPY,")
    for code in (b"P-INT", b"P-TRA"):
        renamed = renamed.replace(b"," + code + b",", b",X" + code + b",", 1)
    (tmp_path / "copy.csv").write_bytes(renamed)
    result = runner.invoke(args=["competencies", "import-framework", str(tmp_path / "copy.csv")])
    assert result.exit_code == 1 and ":5: The ID number P-ACC is already used" in result.output
    result = runner.invoke(args=["competencies", "import-framework", str(target)])
    assert (
        result.exit_code == 1 and ":2: A framework with ID number RKC-PRINCIPLES" in result.output
    )
    result = runner.invoke(args=["competencies", "export-framework", "NOPE", str(target)])
    assert result.exit_code == 1 and "No framework with code NOPE" in result.output


# --- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def browsers(app, create_user, login_as):
    return {
        role: login_as(create_user(f"{role}@customs.example", roles=(role,)), on=app.test_client())
        for role in ("officer", "trainer", "hr", "admin")
    }


def upload(browser, text: str | bytes, filename: str = "framework.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return browser.post(
        "/frameworks/import",
        data={"csrf_token": csrf_token_for(browser), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def error_rows(html: str) -> list[int]:
    table = html.split('<table class="errors">', 1)[1].split("</table>", 1)[0]
    return [int(part.split("</td>", 1)[0]) for part in table.split('<td class="num">')[1:]]


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_uploading_a_bad_file_lists_every_problem_and_imports_nothing(db, browsers, role):
    text = csv_text(
        framework_line(**{"Scale configuration": "not json"}),
        competency_line("B-1", principles="P-NOPE"),
        competency_line("B-1"),
    )
    response = upload(browsers[role], text)
    page = text_of(response)
    assert response.status_code == 200
    assert "3 problem(s) found. Nothing has been imported." in page
    assert error_rows(page) == [2, 3, 4]
    assert "&#39;Scale configuration&#39; is not valid JSON" in page
    assert 'action="/frameworks/import/confirm"' not in page
    assert db.session.scalar(select(func.count(Framework.id))) == 0
    assert "The file is empty." in text_of(upload(browsers[role], ""))
    assert "not UTF-8 text" in text_of(upload(browsers[role], "Caf\xe9".encode("latin-1")))


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_a_clean_file_is_previewed_then_imported_on_confirm(db, browsers, role):
    text = csv_text(
        framework_line(),
        competency_line("B-CHILD", name="Child", parent="B-TOP"),
        competency_line("B-TOP", name="Top", principles="P-FAC,P-MIN"),
    )
    page = text_of(upload(browsers[role], text))
    assert "The file passed every check" in page
    assert "Import BORDER with 2 competencies" in page
    assert db.session.scalar(select(func.count(Framework.id))) == 0  # not yet
    carried = page.split('name="text" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = submit(browsers[role], "/frameworks/import/confirm", {"text": carried})
    assert response.status_code == 302
    framework = db.session.scalar(select(Framework).where(Framework.code == "BORDER"))
    assert [c.code for c in competency_tree(framework)] == ["B-TOP", "B-CHILD"]
    shown = text_of(browsers[role].get(response.location))
    assert "Framework BORDER imported with 2 competencies." in shown
    # Confirming the same file again finds the code taken and changes nothing.
    again = submit(browsers[role], "/frameworks/import/confirm", {"text": carried})
    assert again.status_code == 400 and "already exists" in text_of(again)
    assert db.session.scalar(select(func.count(Framework.id))) == 1
    damaged = submit(browsers[role], "/frameworks/import/confirm", {"text": "bm90IHpsaWI="})
    assert damaged.status_code == 400 and "damaged" in text_of(damaged)


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_export_downloads_the_framework_as_csv(db, browsers, role):
    frameworks = ensure_default_frameworks()
    db.session.commit()
    ops = next(f for f in frameworks if f.code == "CUSTOMS-OPS")
    response = browsers[role].get(f"/frameworks/{ops.id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        'filename="competency-framework-CUSTOMS-OPS.csv"' in response.headers["Content-Disposition"]
    )
    assert response.data == export_framework_csv(ops).encode("utf-8")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"), newline="")))
    assert rows[1][1:3] == ["CUSTOMS-OPS", "Operational customs competencies"]
    assert json.loads(rows[1][9]) == {"level_policy": "highest_valid", "validity_months": 36}


def test_officers_and_trainers_cannot_import_or_export(db, browsers):
    frameworks = ensure_default_frameworks()
    db.session.commit()
    text = csv_text(framework_line(), competency_line("B-1"))
    for role in ("officer", "trainer"):
        assert upload(browsers[role], text).status_code == 403
        assert browsers[role].get("/frameworks/import").status_code == 403
        assert browsers[role].get(f"/frameworks/{frameworks[0].id}/export.csv").status_code == 403
    assert db.session.scalar(select(Framework.id).where(Framework.code == "BORDER")) is None
