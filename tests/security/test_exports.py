"""Every CSV and XLSX file the app offers is safe to open in a spreadsheet: text a spreadsheet
would run as a formula (= + - @, tab, CR at the start) arrives quoted, and no XLSX cell is a
formula.

The exports are found, not listed: every GET route of the walk as every role, and every link
on those pages to a route that answered with a file. Formula text sits in officers', units',
positions', courses', curricula's, frameworks' and competencies' names.

Also proving it, export by export: tests/competencies/test_matrix_exports.py (matrix CSV and
XLSX), tests/courses/test_assignments_followup.py (overdue CSV),
tests/competencies/test_framework_csv_import.py (framework CSV) and
tests/competencies/test_framework_csv_format.py (the importer undoing the quote).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import update

from competencies.models import Competency, Framework
from competencies.services.evidence import add_manual_rating
from courses.assignments.models import AssignmentMembership
from courses.assignments.services.curricula import (
    CurriculumDetails,
    CurriculumEntry,
    create_curriculum,
)
from courses.authoring.services import authored_courses
from lms.exports import FORMULA_TRIGGERS
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.timeutil import utcnow
from tests.courses.assignment_helpers import assign
from tests.security.conftest import Cast
from tests.security.helpers import browser_as, get_routes

FORMULAS = (
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil.example","click")',
    "'=1+1",
)
SPREADSHEETS = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def plant_formulas(cast: Cast, create_user, create_unit) -> None:
    """Formula text in every kind of name an export prints."""
    world = cast.world
    north = db.session.get(OrgUnit, world.ids["unit"])
    office = create_unit("EVIL-OFF", name="=HYPERLINK(1)", parent=north)
    position = db.session.get(JobPosition, world.ids["position"])
    position.title = "@position"
    course = authored_courses.get_course(world.ids["course"])
    course.title = "=course()"
    framework = db.session.get(Framework, world.ids["framework"])
    framework.name = "+framework"
    competency = db.session.get(Competency, world.ids["competency"])
    competency.name, competency.description = "-competency+1", "=description()"
    officers = [
        create_user(f"evil{n}@customs.example", unit=office, position=position, full_name=text)
        for n, text in enumerate(FORMULAS)
    ]
    for officer in officers:
        officer.service_number = "=SN" + officer.service_number
        add_manual_rating(officer.id, competency.id, 1, "=note", rated_by_id=cast.trainer_a.id)
    curriculum = create_curriculum(
        CurriculumDetails("=curriculum", "", (CurriculumEntry(course.id),)), actor=cast.trainer_a
    )
    assign(
        cast.trainer_a,
        target_kind="officers",
        curriculum_id=curriculum.id,
        officer_ids=tuple(officer.id for officer in officers),
        due_days=30,
    )
    db.session.execute(
        update(AssignmentMembership).values(
            assigned_at=utcnow() - timedelta(days=40), due_on=utcnow().date() - timedelta(days=9)
        )
    )
    db.session.commit()


def cells_of(response) -> list[str]:
    """The text of every cell of a CSV or XLSX file (and of CSV files inside a zip)."""
    data = response.get_data()
    if response.mimetype == "text/csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return [cell for row in rows for cell in row]
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                cell
                for name in archive.namelist()
                if name.endswith(".csv")
                for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
                for cell in row
            ]
    workbook = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    workbook.close()
    return cells


def runnable(cell: str) -> bool:
    """Text a spreadsheet would run: a trigger first, and not a plain number."""
    if cell[:1] not in FORMULA_TRIGGERS:
        return False
    return not re.fullmatch(r"[-+]?\d+(\.\d+)?", cell)


def export_links(html: str) -> set[str]:
    return {
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(/[^"]+)"', html)
        if re.search(r"(export|\.csv|\.xlsx)", link)
    }


def test_every_export_quotes_formula_text(app, cast: Cast, create_user, create_unit, login_as):
    plant_formulas(cast, create_user, create_unit)
    world = cast.world
    checked: dict[str, int] = {}
    for role in ("trainer", "hr", "admin"):
        browser = browser_as(app, login_as, world.users[role])
        urls: set[str] = set()
        for rule, url, _statuses in get_routes():
            if rule.startswith("/static"):
                continue
            response = browser.get(world.url(url))
            if response.mimetype == "text/html":
                urls |= export_links(response.get_data(as_text=True))
            elif response.status_code == 200:
                urls.add(world.url(url))
            response.close()
        for url in sorted(urls):
            response = browser.get(url)
            if response.status_code != 200 or response.mimetype not in (
                *SPREADSHEETS,
                "application/zip",
            ):
                continue
            cells = cells_of(response)
            assert [cell for cell in cells if runnable(cell)] == [], (role, url)
            checked[url.split("?")[0]] = checked.get(url.split("?")[0], 0) + len(cells)
    planted = {f"'{text}" for text in FORMULAS if text != "'=1+1"} | {"''=1+1"}
    expected = {"/matrix/export.csv", "/matrix/export.xlsx", "/assignments/follow-up/overdue.csv"}
    assert expected <= set(checked), sorted(checked)
    assert any(path.endswith("/export.csv") for path in checked if "/frameworks/" in path)
    # The formula texts are there, quoted: the exports do carry the planted names.
    overdue = browser_as(app, login_as, world.users["trainer"]).get(
        "/assignments/follow-up/overdue.csv"
    )
    assert planted <= set(cells_of(overdue))
