"""Moodle competency-framework CSV against the database: export and import round trips, the
commands, and the import and export pages."""

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
from config import TestingConfig
from lms import create_app
from lms.audit.models import AuditEntry
from lms.errors import ValidationError
from lms.extensions import db as _db
from tests.competencies.framework_csv_rows import competency_line, csv_text, framework_line
from tests.lms.browsing import csrf_token_for, submit, text_of

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
            framework.min_questions_per_level,
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
        for code in ("CUSTOMS-OPS", "RKC-PRINCIPLES", "PROFESSIONAL", "PICARD-MGT"):
            imported = import_framework(exported[code], actor_id=None)
            _db.session.commit()
            assert tree_facts(imported) == facts[code]
            assert export_framework_csv(imported) == exported[code]  # byte-identical
        target = _db.session.scalar(select(Competency).where(Competency.code == "OPS-TGT"))
        assert (target.name, target.parent.code) == ("=Targeting", "OPS-RSK")
        entry = _db.session.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
        assert entry.action == "framework.imported" and "with 15 competencies" in entry.summary


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
    assert rows[1][1:3] == ["CUSTOMS-OPS", "Operational"]
    assert json.loads(rows[1][9]) == {
        "level_policy": "highest_valid",
        "validity_months": 36,
        "min_questions_per_level": 3,
    }


def test_officers_and_trainers_cannot_import_or_export(db, browsers):
    frameworks = ensure_default_frameworks()
    db.session.commit()
    text = csv_text(framework_line(), competency_line("B-1"))
    for role in ("officer", "trainer"):
        assert upload(browsers[role], text).status_code == 403
        assert browsers[role].get("/frameworks/import").status_code == 403
        assert browsers[role].get(f"/frameworks/{frameworks[0].id}/export.csv").status_code == 403
    assert db.session.scalar(select(Framework.id).where(Framework.code == "BORDER")) is None
