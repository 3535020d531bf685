"""Bulk user import: upload, preview listing every bad row, all or nothing, then the job."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from lms.accounts.imports import Directory, check_rows, parse_rows, run_import
from lms.accounts.models import User, UserImport
from lms.audit.models import AuditEntry
from lms.csvfiles import decode_upload
from lms.errors import ValidationError
from tests.lms.browsing import csrf_token_for, submit, text_of

HEADER = "email,full_name,service_number,unit_code,position_code,roles"
ROLE_CYCLE = ("officer", "officer;trainer", "", "HR ; officer")


@pytest.fixture
def org(create_unit, create_position, root_unit):
    north = create_unit("R-NORTH", parent=root_unit, kind="region")
    south = create_unit("R-SOUTH", parent=root_unit, kind="region")
    port = create_unit("P-HARBOUR", parent=south, kind="port")
    positions = [create_position("INSP", "Inspector"), create_position("SUP", "Supervisor")]
    return {"units": [north, south, port], "positions": positions}


@pytest.fixture
def admin_browser(create_user, login_as):
    return login_as(create_user("admin@customs.example", roles=("admin",)))


def staff_rows(org, count: int = 100) -> list[list[str]]:
    rows = []
    for n in range(count):
        unit = org["units"][n % 3]
        position = "" if n % 5 == 0 else org["positions"][n % 2].code
        rows.append(
            [
                f"Officer{n:03d}@Customs.Example",
                f"Officer Number {n:03d}",
                f"IMP-{n:05d}",
                unit.code,
                position,
                ROLE_CYCLE[n % 4],
            ]
        )
    return rows


def csv_bytes(rows: list[list[str]], header: str = HEADER) -> bytes:
    lines = [header] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(browser, data: bytes, filename: str = "staff.csv"):
    return browser.post(
        "/admin/imports/",
        data={"csrf_token": csrf_token_for(browser), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def reported_errors(html: str) -> list[tuple[int, str]]:
    table = html.split('<table class="errors">', 1)[1].split("</table>", 1)[0]
    return [
        (int(line), message)
        for line, message in re.findall(r'<td class="num">(\d+)</td><td>(.*?)</td>', table)
    ]


def user_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_three_bad_rows_are_reported_and_nothing_is_imported_then_the_fix_imports_all(
    db, app, admin_browser, org
):
    rows = staff_rows(org)
    bad = [row[:] for row in rows]
    bad[10][3] = "NOWHERE"  # line 12: unknown unit
    bad[41][0] = bad[7][0].upper()  # line 43: the email of line 9, in another case
    bad[76][5] = "officer;wizard"  # line 78: bad role
    users_before = user_count(db)

    response = upload(admin_browser, csv_bytes(bad))
    assert response.status_code == 200
    page = text_of(response)
    assert "3 problem(s) found. Nothing has been imported." in page
    errors = reported_errors(page)
    assert [line for line, _ in errors] == [12, 43, 78]
    assert "Unknown unit code &#39;NOWHERE&#39;" in errors[0][1]
    assert "Duplicate email officer007@customs.example (also on line 9)" in errors[1][1]
    assert "Bad role(s) wizard" in errors[2][1]
    assert "/confirm" not in page  # no way to start it
    assert user_count(db) == users_before
    rejected = db.session.scalar(select(UserImport).order_by(UserImport.id.desc()))
    assert rejected.status == "rejected"

    response = upload(admin_browser, csv_bytes(rows), "staff-fixed.csv")
    page = text_of(response)
    assert "All 100 rows passed the checks." in page
    assert user_count(db) == users_before  # a preview writes no users
    confirm_url = re.search(r'action="(/admin/imports/\d+/confirm)"', page).group(1)
    response = admin_browser.post(confirm_url, data={"csrf_token": csrf_token_from_page(page)})
    assert response.status_code == 302
    import_id = int(confirm_url.split("/")[3])
    assert response.headers["Location"] == f"/admin/imports/{import_id}"
    assert "Import queued: 100 users." in text_of(admin_browser.get(response.headers["Location"]))

    finished = run_import(
        import_id, commit=db.session.commit, max_rows=app.config["USER_IMPORT_MAX_ROWS"]
    )
    assert finished.status == "done"
    assert finished.processed_rows == 100
    assert user_count(db) == users_before + 100
    imported = db.session.scalars(select(User).where(User.import_id == import_id)).all()
    by_number = {user.service_number: user for user in imported}
    for n, row in enumerate(rows):
        user = by_number[row[2]]
        assert user.email == row[0].lower()
        assert user.full_name == row[1]
        assert user.unit.code == row[3]
        assert (user.position.code if user.position else "") == row[4]
        expected_roles = {role.strip().lower() for role in row[5].split(";") if role.strip()}
        assert user.roles == (expected_roles or {"officer"}), n
        assert user.active and user.password_hash is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "users.imported"))
    assert entry.target_id == import_id
    assert entry.after == {"users": 100}
    assert entry.actor.email == "admin@customs.example"
    status_page = text_of(admin_browser.get(f"/admin/imports/{import_id}"))
    assert "100 users imported." in status_page


def csrf_token_from_page(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_unreadable_files_get_a_message_and_create_nothing(db, admin_browser):
    for content, message in (
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        ("email,full_name\nJos\u00e9,x\n".encode("latin-1"), "The file is not UTF-8 text (byte"),
        ("email,full_name\n".encode("utf-16-le"), "NUL characters"),
        ("\ufeffemail,full_name\n".encode("utf-16-le"), "not UTF-8 text (byte 1"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    ):
        response = upload(admin_browser, content)
        assert response.status_code == 200, content
        assert message in text_of(response), content
        assert db.session.scalar(select(func.count(UserImport.id))) == 0


def test_a_post_without_a_file_asks_for_one(admin_browser):
    response = submit(admin_browser, "/admin/imports/")
    assert "Choose a CSV file." in text_of(response)


def test_files_without_usable_rows_are_explained(db, admin_browser, org):
    for content, line, message in (
        (HEADER + "\n", 2, "The file has a header but no users."),
        ("\ufeff" + HEADER + "\r\n\r\n", 2, "The file has a header but no users."),
        ("email;full_name;service_number\n", 1, "Header: missing column(s): email"),
        (HEADER + ",email\n", 1, "repeated column(s): email"),
        (HEADER + ",\n", 1, "unknown column(s): &#39;&#39;"),
        ("\ufeff", 1, "The file has no header line."),
        (HEADER + '\n"a@b.example,"Unclosed\n', 2, "Has 1 fields"),
    ):
        errors = reported_errors(text_of(upload(admin_browser, content.encode("utf-8"))))
        assert errors[0][0] == line, content
        assert message in errors[0][1], content
    assert user_count(db) == 1


def test_every_kind_of_bad_row_is_reported_on_its_line(db, admin_browser, org, create_user):
    create_user("taken@customs.example")
    csv_text = "\n".join(
        [
            HEADER,
            "ok@customs.example,Fine Row,N-1,R-NORTH,INSP,officer",
            "TAKEN@customs.example,Existing Email,N-2,R-NORTH,,officer",
            ",No Email,N-3,R-NORTH,,",
            "not-an-email,Bad Email,N-4,R-NORTH,,",
            "ok2@customs.example,,N-5,R-NORTH,,",
            "ok3@customs.example,Dup Number,N-1,R-NORTH,,",
            f"ok4@customs.example,Long Number,{'9' * 33},R-NORTH,,",
            "ok5@customs.example,Used Number,SN000001,R-NORTH,,",
            "ok6@customs.example,Bad Position,N-9,R-NORTH,NOPE,",
            "ok7@customs.example,Too few",
            "",
            '"ok8@customs.example","Multi',
            'line name",N-10,R-NORTH,,',
            "ok9@customs.example,Unknown Unit,N-11,r-north,,",
        ]
    )
    errors = dict(reported_errors(text_of(upload(admin_browser, csv_text.encode()))))
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 15]
    assert "already exists" in errors[3]
    assert "Email is empty" in errors[4]
    assert "not a valid email address" in errors[5]
    assert "Full name is empty" in errors[6]
    assert "also on line 2" in errors[7]
    assert "longer than 32 characters" in errors[8]
    assert "already in use" in errors[9]
    assert "Unknown position code" in errors[10]
    assert "Has 2 fields" in errors[11]
    assert "Unknown unit code" in errors[15]
    assert user_count(db) == 1 + 1


def test_too_many_rows_are_refused(app, admin_browser, org):
    app.config["USER_IMPORT_MAX_ROWS"] = 5
    page = text_of(upload(admin_browser, csv_bytes(staff_rows(org, 6))))
    assert (1, "The file has 6 users; the limit is 5.") in reported_errors(page)


def test_a_rejected_import_cannot_be_confirmed(db, admin_browser, org):
    bad = staff_rows(org, 3)
    bad[0][3] = "NOWHERE"
    upload(admin_browser, csv_bytes(bad))
    user_import = db.session.scalar(select(UserImport))
    response = submit(admin_browser, f"/admin/imports/{user_import.id}/confirm")
    assert response.status_code == 400
    assert "This import is rejected; it cannot be started again." in text_of(response)
    db.session.refresh(user_import)
    assert user_import.status == "rejected"


def test_a_confirmed_import_cannot_be_confirmed_twice(db, admin_browser, org):
    upload(admin_browser, csv_bytes(staff_rows(org, 3)))
    user_import = db.session.scalar(select(UserImport))
    assert submit(admin_browser, f"/admin/imports/{user_import.id}/confirm").status_code == 302
    response = submit(admin_browser, f"/admin/imports/{user_import.id}/confirm")
    assert response.status_code == 400
    assert "This import is queued" in text_of(response)


def test_an_account_created_after_the_preview_fails_the_import_whole(
    app, db, admin_browser, org, create_user
):
    rows = staff_rows(org, 10)
    upload(admin_browser, csv_bytes(rows))
    user_import = db.session.scalar(select(UserImport))
    submit(admin_browser, f"/admin/imports/{user_import.id}/confirm")
    create_user(rows[4][0].lower())  # the same person, entered by hand meanwhile

    finished = run_import(user_import.id, commit=db.session.commit, max_rows=100)
    assert finished.status == "failed"
    assert "Line 6" in finished.message
    assert user_count(db) == 2


def test_unknown_imports_are_404(admin_browser):
    for import_id in ("999999", "abc", "99999999999999999999"):
        assert admin_browser.get(f"/admin/imports/{import_id}").status_code == 404
        assert submit(admin_browser, f"/admin/imports/{import_id}/confirm").status_code == 404


def test_line_numbers_count_blank_lines_and_multi_line_fields():
    text = "\n".join(
        [
            HEADER,
            "a@x.example,A,1,U,,",
            "",
            '"b@x.example","B',
            'second line",2,U,,',
            "c@x.example,C,3,U,,officer;TRAINER",
        ]
    )
    rows, errors = parse_rows(text)
    assert errors == []
    assert [(row.line, row.email) for row in rows] == [
        (2, "a@x.example"),
        (4, "b@x.example"),
        (6, "c@x.example"),
    ]
    assert rows[2].roles == ("officer", "trainer")
    assert rows[0].roles == ("officer",)


def test_check_rows_reports_each_problem_of_a_row_together():
    rows, _ = parse_rows(HEADER + "\nbad,,,NOPE,NOPE,wizard\n")
    directory = Directory({}, {}, frozenset(), frozenset())
    [error] = check_rows(rows, directory)
    assert error.line == 2
    for part in ("valid email", "full name is empty", "service number is empty", "unit code"):
        assert part in error.message.lower()


def test_decode_upload_strips_the_byte_order_mark_and_refuses_empty_files():
    assert decode_upload("\ufeffemail".encode()) == "email"
    with pytest.raises(ValidationError, match="empty"):
        decode_upload(b" \r\n")
